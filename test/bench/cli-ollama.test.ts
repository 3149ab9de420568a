import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureOutput } from '../capture-output';
import { main } from '../../src/cli';

const output = captureOutput();
const fixture = (name: string): string => join(import.meta.dirname, '..', 'fixtures', 'outputs', name);

interface BenchJson {
  rows: Array<{ test: string; kind: string; tokensPerSecond: number }>;
  figures: Array<{ label: { key: string }; value: number; limit: number | null; unit: string }>;
  ratios: { load: number | null; generation: number | null; prompt: number | null };
  causes: Array<{ key: string; text: string }>;
  verdict: string;
}

describe('egpu-wizard bench --from-files ollama=FILE', () => {
  it('gives figures and ratios in the same JSON shape as for llama-bench, generation in tokens/s', async () => {
    const code = await main(['bench', '--from-files', `ollama=${fixture('ollama-generate-p4.json.txt')}`, '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(output.out.join('')) as BenchJson;
    expect(Object.keys(json)).toEqual(['rows', 'figures', 'ratios', 'causes', 'verdict']);
    expect(json.rows.map((r) => [r.test, r.kind])).toEqual([['pp18', 'prompt'], ['tg128', 'generation']]);
    expect(json.figures.map((f) => [f.label.key, f.value, f.limit, f.unit])).toEqual([
      ['bench.figure.load-time', 13.91, 9.84, 's'],
      ['bench.figure.transfer', 354, 500, 'MB/s'],
      ['bench.figure.prompt', 295.02, null, 'tokens/s'],
      ['bench.figure.generation', 26.72, 39.02, 'tokens/s'],
    ]);
    expect(json).toMatchObject({ ratios: { load: 0.707, generation: 0.685, prompt: null }, causes: [], verdict: 'pass' });
  });

  it('with --model-size and the serve log of a CPU run: fail, exit 1, the cause in the chosen language', async () => {
    const code = await main(['bench', '--from-files', `ollama=${fixture('ollama-generate-cpu.json.txt')}`, `ollama-log=${fixture('ollama-serve-p4-pascal-skipped.log.txt')}`, '--model-size', '4.92GB', '--lang', 'zh-CN']);
    expect(code).toBe(1);
    const text = output.out.join('');
    expect(text).toContain('ollama /api/generate，模型 llama3.1:8b（4.92 GB）');
    expect(text).toMatch(/FAIL/);
  });

  it('refuses what is not an /api/generate answer, and a model of unknown size, with exit 2', async () => {
    expect(await main(['bench', '--from-files', `ollama=${fixture('ollama-ps-gpu.txt')}`])).toBe(2);
    expect(output.err.join('')).toMatch(/is not what \/api\/generate answers/);
    const dir = mkdtempSync(join(tmpdir(), 'egpu-cli-ollama-'));
    const other = join(dir, 'qwen.json');
    writeFileSync(other, '{"model":"qwen3:14b","done":true,"load_duration":1,"prompt_eval_count":1,"prompt_eval_duration":1,"eval_count":10,"eval_duration":1000000000}');
    expect(await main(['bench', '--from-files', `ollama=${other}`])).toBe(2);
    expect(output.err.join('')).toMatch(/give --model-size/);
  });
});

describe('egpu-wizard diagnose --from-files ollama-log=FILE', () => {
  it('finds the skipped card with the skip line as evidence, exit 1', async () => {
    const code = await main(['diagnose', '--from-files', `ollama-log=${fixture('ollama-serve-p4-pascal-skipped.log.txt')}`, '--json']);
    expect(code).toBe(1);
    const json = JSON.parse(output.out.join('')) as { findings: Array<{ id: string; severity: string; evidence: Array<{ source: string; line: number }> }>; sources: string[] };
    expect(json.sources).toEqual(['ollama-log']);
    expect(json.findings[0]).toMatchObject({ id: 'ollama-arch-unsupported', severity: 'error', evidence: [{ source: 'ollama-log', line: 6 }] });
  });

  it('a healthy log: no error or warning, exit 0', async () => {
    const code = await main(['diagnose', '--from-files', `ollama-log=${fixture('ollama-serve-p4-cuda.log.txt')}`, '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(output.out.join('')) as { findings: Array<{ severity: string }> };
    expect(json.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('refuses a file that is not ollama’s log, exit 2', async () => {
    expect(await main(['diagnose', '--from-files', `ollama-log=${fixture('kldstat-x220-nvidia.txt')}`])).toBe(2);
    expect(output.err.join('')).toMatch(/ollama-log file .* is not ollama-log output/);
  });
});
