import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from '../../src/commands/parse-result';
import { ollamaBenchReport, parseOllamaGenerate } from '../../src/bench/ollama-generate';
import { ccText, cpuOnly, cudaCompute, logfmt, parseOllamaLog } from '../../src/bench/ollama-log';
import { parseOllamaList, parseOllamaPs, parseOllamaVersion, parseVulkanSummary, pullProgress, tarProgress } from '../../src/commands/ollama-commands';
import { OLLAMA_MODEL } from '../../src/jail/ollama';

const own = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'outputs', name), 'utf8');

function ok<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected a parse, got ${result.error.code}: ${result.error.message} (line ${result.error.line})`);
  return result.value;
}

describe('parseOllamaLog', () => {
  it('reads a healthy start on the P4: CUDA, compute 6.1, the card by its description, every layer offloaded', () => {
    const log = ok(parseOllamaLog(own('ollama-serve-p4-cuda.log.txt')));
    expect(log).toMatchObject({ starts: 1, lastStart: 1, version: '0.30.10', listen: '127.0.0.1:11434', skipped: [], offloaded: { layers: 33, total: 33, line: 15 } });
    expect(log.compute).toEqual([{ line: 6, library: 'CUDA', compute: '6.1', device: 'Tesla P4', libdirs: 'ollama,cuda_v12' }]);
    expect(cpuOnly(log)).toBe(false);
  });

  it('reads the Pascal skip line with its 1-based line, the architectures and the runner folders, then only the CPU', () => {
    const log = ok(parseOllamaLog(own('ollama-serve-p4-pascal-skipped.log.txt')));
    expect(log.version).toBe('0.33.3');
    expect(log.skipped).toEqual([
      { line: 6, device: 'Tesla P4', cc: '610', archs: ['750', '800', '860', '870', '890', '900', '1000', '1030', '1100', '1200', '1210'], libDirs: ['/usr/local/lib/ollama', '/usr/local/lib/ollama/cuda_v13'] },
    ]);
    expect(log.compute.map((c) => c.library)).toEqual(['cpu']);
    expect(cpuOnly(log)).toBe(true);
    expect(cudaCompute(log)).toEqual([]);
  });

  it('reads the 2025 record (library=cuda variant=v12, name=) and the Go-log-prefixed CPU-only start of older releases', () => {
    const old = ok(parseOllamaLog(own('ollama-serve-p4-2025.log.txt')));
    expect(old.compute).toEqual([{ line: 4, library: 'cuda', compute: '6.1', device: 'Tesla P4', libdirs: 'variant=v12' }]);
    const cpu = ok(parseOllamaLog(own('ollama-serve-cpu-only.log.txt')));
    expect(cpu).toMatchObject({ starts: 1, lastStart: 1, version: '0.9.0' });
    expect(cpuOnly(cpu)).toBe(true);
  });

  it('counts only the last start of a log that grew across restarts, with lines numbered in the whole file', () => {
    const log = ok(parseOllamaLog(own('ollama-serve-p4-restarted.log.txt')));
    expect(log).toMatchObject({ starts: 2, lastStart: 5, version: '0.30.10', skipped: [] });
    expect(log.compute).toEqual([expect.objectContaining({ line: 8, library: 'CUDA', compute: '6.1' })]);
  });

  it('never refuses a log for lines it does not know, but refuses what is not ollama’s log at all', () => {
    const text = `${own('ollama-serve-p4-cuda.log.txt')}some new line ollama prints one day\n\u2603 ☃ unicode too\n`;
    expect(ok(parseOllamaLog(text)).compute).toHaveLength(1);
    expect(parseOllamaLog('')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseOllamaLog('Id Refs Address Size Name\n 1 85 0xffffffff80200000 1f3e2d0 kernel\n')).toMatchObject({ ok: false, error: { code: 'unexpected-output' } });
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => typeof parseOllamaLog(`level=INFO msg="x"\n${text}`).ok === 'boolean'));
  });

  it('reads slog key=value pairs with quoted values and escapes', () => {
    expect(logfmt('level=INFO msg="inference compute" compute="" description="Tesla \\"P4\\""')).toEqual({ level: 'INFO', msg: 'inference compute', compute: '', description: 'Tesla "P4"' });
    expect(ccText('610')).toBe('6.1');
    expect(ccText('1200')).toBe('12.0');
  });
});

describe('parseOllamaGenerate', () => {
  it('reads /api/generate’s answer; timings are nanoseconds; unknown fields are ignored', () => {
    expect(ok(parseOllamaGenerate(own('ollama-generate-p4.json.txt')))).toMatchObject({ model: 'llama3.1:8b', load_duration: 13_912_338_104, eval_count: 128, eval_duration: 4_790_144_226, prompt_eval_count: 18 });
    expect(ok(parseOllamaGenerate(own('ollama-generate-cpu.json.txt'))).eval_duration).toBe(61_995_311_280);
    expect(ok(parseOllamaGenerate(own('ollama-generate-p4-warm.json.txt'))).load_duration).toBe(18_412_307);
  });

  it('refuses an error answer, a streamed chunk and what is not JSON, saying which', () => {
    expect(parseOllamaGenerate('{"error":"model \'llama3.1:8b\' not found"}')).toMatchObject({ ok: false, error: { message: expect.stringContaining('not found') } });
    expect(parseOllamaGenerate('{"model":"llama3.1:8b","response":"A","done":false}')).toMatchObject({ ok: false, error: { code: 'unexpected-output' } });
    expect(parseOllamaGenerate('| model | size |')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(parseOllamaGenerate('{"model":"m","done":true,"eval_count":1}')).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });
});

describe('the ollama benchmark against the limits (the same judge as llama-bench)', () => {
  const generate = (name: string) => ok(parseOllamaGenerate(own(name)));
  const link = { width: 1, gts: 5 };

  it('a cold load on the P4: generation eval_count ÷ eval_duration against 192 GB/s ÷ model bytes, load against the link', () => {
    const result = ollamaBenchReport(generate('ollama-generate-p4.json.txt'), { modelBytes: null, link, thermal: null, log: ok(parseOllamaLog(own('ollama-serve-p4-cuda.log.txt'))) });
    if (!result.ok) throw new Error(result.message);
    const { report } = result;
    expect(report.modelBytes).toBe(OLLAMA_MODEL.bytes);
    // 128 tokens in 4.790 s = 26.72 tokens/s; 192e9 / 4.92e9 = 39.02 tokens/s.
    expect(report.figures.find((f) => f.label.key === 'bench.figure.generation')).toMatchObject({ value: 26.72, limit: 39.02, unit: 'tokens/s' });
    // 4.92 GB in 13.91 s = 354 MB/s of the link's 500.
    expect(report.figures.find((f) => f.label.key === 'bench.figure.transfer')).toMatchObject({ value: 354, limit: 500, unit: 'MB/s' });
    expect(report.figures.find((f) => f.label.key === 'bench.figure.load-time')).toMatchObject({ value: 13.91, limit: 9.84 });
    expect(report.ratios).toEqual({ load: 0.707, generation: 0.685, prompt: null });
    expect(report).toMatchObject({ verdict: 'pass', causes: [], warm: false });
  });

  it('on the CPU: far below the memory bound, and the serve log names the cause as for llama.cpp', () => {
    const result = ollamaBenchReport(generate('ollama-generate-cpu.json.txt'), { modelBytes: null, link, thermal: null, log: ok(parseOllamaLog(own('ollama-serve-p4-pascal-skipped.log.txt'))) });
    if (!result.ok) throw new Error(result.message);
    expect(result.report.verdict).toBe('fail');
    expect(result.report.ratios.generation).toBeLessThan(0.1);
    expect(result.report.causes.map((c) => c.key)).toEqual(['bench.cause.no-cuda']);
    // Nothing crossed the link: no load figure is judged.
    expect(result.report.ratios.load).toBeNull();
  });

  it('a load faster than the link can carry the model was no load: it is not judged, and says so', () => {
    const result = ollamaBenchReport(generate('ollama-generate-p4-warm.json.txt'), { modelBytes: null, link, thermal: null, log: null });
    if (!result.ok) throw new Error(result.message);
    expect(result.report).toMatchObject({ warm: true, verdict: 'pass', ratios: { load: null } });
    expect(result.report.figures.map((f) => f.unit)).toEqual(['tokens/s', 'tokens/s']);
  });

  it('heat and a Gen1 link are named like for llama-bench; an unknown model needs its size', () => {
    const slow = { ...generate('ollama-generate-p4.json.txt'), eval_duration: 12_000_000_000, load_duration: 30_000_000_000 };
    const result = ollamaBenchReport(slow, { modelBytes: null, link: { width: 1, gts: 2.5 }, thermal: { temperatureC: 91, slowdown: true }, log: null });
    if (!result.ok) throw new Error(result.message);
    expect(result.report.causes.map((c) => c.key)).toEqual(['bench.cause.thermal-slowdown', 'bench.cause.link-slow']);
    const other = ollamaBenchReport({ ...slow, model: 'qwen3:14b' }, { modelBytes: null, link, thermal: null, log: null });
    expect(other).toMatchObject({ ok: false, source: 'model-size' });
  });
});

describe('ollama’s CLI outputs', () => {
  it('ollama --version with and without a server', () => {
    expect(ok(parseOllamaVersion('ollama version is 0.30.10\n'))).toEqual({ client: '0.30.10', server: '0.30.10' });
    expect(ok(parseOllamaVersion('Warning: could not connect to a running Ollama instance\nWarning: client version is 0.33.3\n'))).toEqual({ client: '0.33.3', server: null });
    expect(ok(parseOllamaVersion('ollama version is 0.33.3\nWarning: client version is 0.30.10\n'))).toEqual({ client: '0.30.10', server: '0.33.3' });
    expect(parseOllamaVersion('bash: ollama: command not found').ok).toBe(false);
  });

  it('ollama ps: 100% GPU, 100% CPU, a split, with and without the CONTEXT column', () => {
    expect(ok(parseOllamaPs(own('ollama-ps-gpu.txt'))).models).toEqual([{ name: 'llama3.1:8b', size: '5.5 GB', processor: '100% GPU', gpuPercent: 100, line: 2 }]);
    expect(ok(parseOllamaPs(own('ollama-ps-cpu.txt'))).models[0]?.gpuPercent).toBe(0);
    expect(ok(parseOllamaPs(own('ollama-ps-split-2024.txt'))).models[0]).toMatchObject({ processor: '82%/18% CPU/GPU', gpuPercent: 18 });
    expect(ok(parseOllamaPs('NAME    ID    SIZE    PROCESSOR    UNTIL\n')).models).toEqual([]);
  });

  it('ollama list, pull progress and bsdtar -v progress', () => {
    expect(ok(parseOllamaList('NAME           ID              SIZE      MODIFIED\nllama3.1:8b    46e0c10c039e    4.9 GB    2 minutes ago\n')).models).toEqual(['llama3.1:8b']);
    expect(pullProgress('pulling 667b0c1932bc:  45% ▕████      ▏ 2.2 GB/4.9 GB   34 MB/s   1m19s')).toEqual({ done: 45, total: 100, label: 'pulling 667b0c1932bc' });
    expect(pullProgress('verifying sha256 digest')).toBeNull();
    expect(tarProgress('x lib/ollama/cuda_v12/libggml-cuda.so')).toEqual({ done: 3, total: 5, label: 'lib/ollama/cuda_v12/libggml-cuda.so' });
    expect(tarProgress('x bin/ollama')).toMatchObject({ done: 1 });
    expect(tarProgress('tar: Error exit delayed from previous errors.')).toBeNull();
  });
});

describe('vulkaninfo --summary', () => {
  it('lists each GPU block’s device, driver and type', () => {
    expect(ok(parseVulkanSummary(own('vulkaninfo-summary-p4.txt'))).devices).toEqual([
      { name: 'Tesla P4', driver: 'NVIDIA', type: 'PHYSICAL_DEVICE_TYPE_DISCRETE_GPU' },
      { name: 'llvmpipe (LLVM 19.1.7, 256 bits)', driver: 'llvmpipe', type: 'PHYSICAL_DEVICE_TYPE_CPU' },
    ]);
    expect(parseVulkanSummary('hello').ok).toBe(false);
  });
});
