import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from '../../src/commands/parse-result';
import { parseLlamaLog } from '../../src/bench/llama-log';

const own = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'outputs', name), 'utf8');

function ok<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected a parse, got ${result.error.code}: ${result.error.message} (line ${result.error.line})`);
  return result.value;
}

describe('parseLlamaLog', () => {
  it('reads a llama-cli run on the P4: CUDA for sm_61, every layer on the GPU, load time and speeds', () => {
    const text = own('llama-log-p4-cli.txt');
    const log = ok(parseLlamaLog(text));
    expect(log).toMatchObject({
      cudaBuilt: true,
      cudaArchs: ['610'],
      devices: [{ index: 0, name: 'Tesla P4', computeCapability: '6.1' }],
      offloaded: { layers: 33, total: 33 },
      loadMs: 12834.51,
    });
    expect(log.promptTokensPerSecond).toBeCloseTo(340.47, 2);
    expect(log.generationTokensPerSecond).toBeCloseTo(27.33, 2);
    const lines = text.split('\n');
    expect(lines[(log.lines.offloaded ?? 0) - 1]).toBe('load_tensors: offloaded 33/33 layers to GPU');
    expect(lines[(log.lines.devices[0] ?? 0) - 1]).toBe('  Device 0: Tesla P4, compute capability 6.1, VMM: yes');
    expect(lines[(log.lines.eval ?? 0) - 1]).toMatch(/^llama_perf_context_print:\s+eval time/);
    expect(lines[(log.lines.systemInfo ?? 0) - 1]).toMatch(/^system_info: .*CUDA : ARCHS = 610/);
  });

  it('reads a 2024 log (llm_load_tensors, llama_print_timings) with layers left on the CPU', () => {
    const log = ok(parseLlamaLog(own('llama-log-p4-2024-partial.txt')));
    expect(log).toMatchObject({ cudaBuilt: true, cudaArchs: null, offloaded: { layers: 20, total: 33 }, loadMs: 10211.37 });
    expect(log.generationTokensPerSecond).toBeCloseTo(11.85, 2);
  });

  it('tells a build without CUDA', () => {
    const log = ok(parseLlamaLog(own('llama-log-x220-cpu.txt')));
    expect(log).toMatchObject({ cudaBuilt: false, cudaArchs: null, devices: [], offloaded: null, lines: { noGpu: 1 } });
    expect(ok(parseLlamaLog('system_info: n_threads = 2 (n_threads_batch = 2) / 4 | CPU : SSE3 = 1 | AVX = 1 |\n')).cudaBuilt).toBe(false);
  });

  it('reads llama-server with timestamped lines, the last request counting, no load time', () => {
    const log = ok(parseLlamaLog(own('llama-log-server-timestamps.txt')));
    expect(log).toMatchObject({ cudaBuilt: true, cudaArchs: ['520', '610', '700', '750'], offloaded: { layers: 33, total: 33 }, loadMs: null, lines: { eval: 21 } });
    expect(log.devices).toEqual([{ index: 0, name: 'Tesla P4', computeCapability: '6.1' }]);
    expect(log.generationTokensPerSecond).toBeCloseTo(27.46, 2);
  });

  it('counts a CUDA build that found no device as built with CUDA', () => {
    const log = ok(parseLlamaLog('ggml_cuda_init: failed to initialize CUDA: no CUDA-capable device is detected\nload_tensors: offloaded 0/33 layers to GPU\n'));
    expect(log).toMatchObject({ cudaBuilt: true, devices: [], offloaded: { layers: 0, total: 33 } });
  });

  it('leaves speeds null when nothing was timed', () => {
    const log = ok(parseLlamaLog('llama_print_timings: prompt eval time =       0.00 ms /     0 tokens (     nan ms per token,      nan tokens per second)\n'));
    expect(log.promptTokensPerSecond).toBeNull();
  });

  it('refuses empty, binary and unrelated text', () => {
    expect(parseLlamaLog('')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseLlamaLog('x\u0000y\n')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(parseLlamaLog('hello\nworld\n')).toMatchObject({ ok: false, error: { code: 'unexpected-output' } });
    expect(parseLlamaLog('  Device 0: Tesla P4, compute capability 6.1\n')).toMatchObject({ ok: false, error: { code: 'unexpected-output' } });
  });

  it('reads a log saved with colours (--log-colors, ESC [ … m around the prefixes)', () => {
    const plain = own('llama-log-server-timestamps.txt');
    const coloured = plain
      .split('\n')
      .map((l) => l.replace(/^(\d+\.\d+\.\d+\.\d+) ([IWE]) /, '\u001b[34m$1\u001b[0m \u001b[35m$2 \u001b[0m'))
      .join('\n');
    expect(coloured).not.toBe(plain);
    const log = ok(parseLlamaLog(coloured));
    expect(log.unparsed).toEqual([]);
    expect({ ...log }).toEqual(ok(parseLlamaLog(plain)));
  });

  it('sets aside a line with binary characters and reads the rest', () => {
    const text = own('llama-log-p4-cli.txt');
    const lines = text.split('\n');
    lines.splice(3, 0, 'load_tensors: offloaded 1/33 layers to GPU\u0000\u0000');
    const log = ok(parseLlamaLog(lines.join('\n')));
    expect(log.unparsed).toEqual([{ line: 4, text: 'load_tensors: offloaded 1/33 layers to GPU\u0000\u0000' }]);
    expect(log.offloaded).toEqual({ layers: 33, total: 33 });
  });

  it('never throws, whatever the text (property)', () => {
    const pieces = fc.constantFrom('ggml_cuda_init: found 1 CUDA devices:', '  Device 0: ', 'compute capability 6.1', 'system_info: ', '| CUDA : ARCHS = ', 'offloaded 3/', 'layers to GPU', 'load time = ', 'eval time = ', ' ms / ', ' tokens', '\n', '1', '.', ',', '\u0001');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(pieces, { maxLength: 50 }).map((p) => p.join(''))), (text) => {
        const result = parseLlamaLog(text);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 400 },
    );
  });
});
