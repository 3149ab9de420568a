import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeBenchmark, type BenchInput } from '../../src/bench/judge';
import { parseLlamaBench, type LlamaBenchRow } from '../../src/bench/llama-bench';
import { parseLlamaLog, type LlamaLog } from '../../src/bench/llama-log';
import { translate } from '../../src/i18n/translate';

const own = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'outputs', name), 'utf8');
const rowsOf = (name: string): LlamaBenchRow[] => {
  const result = parseLlamaBench(own(name));
  if (!result.ok) throw new Error(result.error.message);
  return result.value.rows;
};
const logOf = (name: string): LlamaLog => {
  const result = parseLlamaLog(own(name));
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
};

const MODEL = 4920734720; // Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf
const p4: BenchInput = { rows: rowsOf('llama-bench-p4-cuda.json.txt'), modelBytes: MODEL, link: { width: 1, gts: 5 }, loadMs: null, log: logOf('llama-log-p4-cli.txt'), thermal: { temperatureC: 61, slowdown: false } };
const keys = (input: BenchInput) => judgeBenchmark(input).causes.map((c) => c.key);

describe('judgeBenchmark', () => {
  it('a healthy P4 run: each figure next to its limit, no causes, pass', () => {
    const { figures, ratios, causes, verdict } = judgeBenchmark(p4);
    expect(verdict).toBe('pass');
    expect(causes).toEqual([]);
    expect(figures).toEqual([
      { label: { key: 'bench.figure.load-time' }, value: 12.83, limit: 9.84, unit: 's' },
      { label: { key: 'bench.figure.transfer', params: { width: 1, gts: '5.0' } }, value: 383, limit: 500, unit: 'MB/s' },
      { label: { key: 'bench.figure.prompt', params: { test: 'pp512' } }, value: 521.37, limit: null, unit: 'tokens/s' },
      { label: { key: 'bench.figure.generation', params: { test: 'tg128' } }, value: 27.65, limit: 39.02, unit: 'tokens/s' },
    ]);
    // 4.92 GB in 12.83 s is 383 MB/s of the link's 500; 27.65 of 192e9 / 4.92e9 = 39.0 tokens/s.
    expect(ratios.load).toBeCloseTo(0.767, 3);
    expect(ratios.generation).toBeCloseTo(0.709, 3);
    expect(ratios.prompt).toBeNull();
  });

  it('an explicit load time wins over the log; no load time leaves the load figures out', () => {
    expect(judgeBenchmark({ ...p4, loadMs: 11000 }).ratios.load).toBeCloseTo(0.895, 3);
    const none = judgeBenchmark({ ...p4, log: null });
    expect(none.ratios.load).toBeNull();
    expect(none.figures.map((f) => f.unit)).toEqual(['tokens/s', 'tokens/s']);
  });

  it('a link trained at Gen1 is named when loading is far below the slot’s rate', () => {
    const judged = judgeBenchmark({ ...p4, link: { width: 1, gts: 2.5 }, loadMs: 22000 });
    expect(judged.ratios.load).toBeLessThan(0.5);
    expect(judged.causes).toEqual([{ key: 'bench.cause.link-slow', params: { width: 1, gts: '2.5', mbps: 250 } }]);
    expect(judged.verdict).toBe('warn');
    // The limit stays what the ExpressCard slot can do, not what the bad link does.
    expect(judged.figures[1]).toMatchObject({ limit: 500, label: { params: { gts: '5.0' } } });
  });

  it('a slow load over a good link points at the disk; a faster link raises the limit', () => {
    expect(keys({ ...p4, loadMs: 40000 })).toEqual(['bench.cause.load-disk']);
    const desktop = judgeBenchmark({ ...p4, link: { width: 16, gts: 8 }, loadMs: 2000 });
    expect(desktop.figures[1]).toMatchObject({ limit: 15754, label: { params: { width: 16, gts: '8.0' } } });
  });

  it('a build without CUDA: the CPU row fails with the no-cuda cause', () => {
    const judged = judgeBenchmark({ ...p4, rows: rowsOf('llama-bench-x220-cpu.md.txt'), log: logOf('llama-log-x220-cpu.txt'), loadMs: null });
    expect(judged.verdict).toBe('fail');
    expect(judged.causes).toEqual([{ key: 'bench.cause.no-cuda', params: { backend: 'CPU' } }]);
    // Nothing crossed the link, so there is no load rate to judge.
    expect(judged.ratios.load).toBeNull();
    expect(judged.figures.map((f) => f.unit)).toEqual(['tokens/s', 'tokens/s']);
    // A CUDA backend is not enough when the log says the build has none.
    expect(keys({ ...p4, rows: p4.rows.map((r) => ({ ...r, tokensPerSecond: r.tokensPerSecond / 10 })), log: logOf('llama-log-x220-cpu.txt') })).toContain('bench.cause.no-cuda');
  });

  it('layers left on the CPU: from the log’s offload line, or from -ngl without a log', () => {
    const partial = logOf('llama-log-p4-2024-partial.txt');
    const slowRows = rowsOf('llama-bench-p4-2023.md.txt').filter((r) => r.gpuLayers === 20);
    const sevenB = 3825065984;
    // Only the 20 offloaded layers cross the link: 2.32 GB in 10.2 s, 227 MB/s, under half the link.
    const judged = judgeBenchmark({ ...p4, rows: slowRows, modelBytes: sevenB, log: partial });
    expect(judged.figures[0]).toMatchObject({ value: 10.21, limit: 4.64 });
    expect(judged.causes).toEqual([
      { key: 'bench.cause.layers-cpu', params: { layers: 20, total: 33 } },
      { key: 'bench.cause.load-disk', params: { mbps: 227 } },
    ]);
    expect(judgeBenchmark({ ...p4, rows: slowRows, modelBytes: sevenB, log: null }).causes).toEqual([{ key: 'bench.cause.ngl-low', params: { ngl: 20 } }]);
    // With both ngl values measured, the best (all layers) run is judged, and it is fine.
    expect(judgeBenchmark({ ...p4, rows: rowsOf('llama-bench-p4-2023.md.txt'), modelBytes: sevenB, log: null }).verdict).toBe('pass');
  });

  it('thermal throttling, by temperature or by nvidia-smi’s slowdown flag', () => {
    const slow = p4.rows.map((r) => ({ ...r, tokensPerSecond: r.tokensPerSecond / 3 }));
    expect(judgeBenchmark({ ...p4, rows: slow, thermal: { temperatureC: 88, slowdown: false } }).causes).toEqual([
      { key: 'bench.cause.thermal', params: { temperature: 88, hot: 80 } },
    ]);
    expect(keys({ ...p4, rows: slow, thermal: { temperatureC: 79, slowdown: true } })).toEqual(['bench.cause.thermal-slowdown']);
    expect(keys({ ...p4, rows: slow, thermal: { temperatureC: 70, slowdown: false } })).toEqual(['bench.cause.generation-unexplained']);
    // Heat alone, with generation near its limit, is no cause of anything.
    expect(keys({ ...p4, thermal: { temperatureC: 88, slowdown: false } })).toEqual([]);
  });

  it('lists generation causes before load causes', () => {
    const slow = p4.rows.map((r) => ({ ...r, tokensPerSecond: r.tokensPerSecond / 3 }));
    expect(keys({ ...p4, rows: slow, link: { width: 1, gts: 2.5 }, loadMs: 30000, thermal: { temperatureC: 90, slowdown: true } })).toEqual([
      'bench.cause.thermal-slowdown',
      'bench.cause.link-slow',
    ]);
  });

  it('prefers the empty-context row of the model measured', () => {
    const rows = rowsOf('llama-bench-p4-fa-depth.md.txt');
    const judged = judgeBenchmark({ ...p4, rows, log: null });
    expect(judged.figures.map((f) => f.value)).toEqual([541.06, 27.93]);
  });

  it('every cause has a text in both languages', () => {
    const slow = p4.rows.map((r) => ({ ...r, tokensPerSecond: r.tokensPerSecond / 3 }));
    const all = [
      ...judgeBenchmark({ ...p4, rows: slow, link: { width: 1, gts: 2.5 }, loadMs: 30000, thermal: { temperatureC: 90, slowdown: false } }).causes,
      ...judgeBenchmark({ ...p4, rows: rowsOf('llama-bench-x220-cpu.md.txt'), loadMs: 40000 }).causes,
      ...judgeBenchmark({ ...p4, rows: rowsOf('llama-bench-p4-2023.md.txt').filter((r) => r.gpuLayers === 20), log: logOf('llama-log-p4-2024-partial.txt') }).causes,
      ...judgeBenchmark({ ...p4, rows: rowsOf('llama-bench-p4-2023.md.txt').filter((r) => r.gpuLayers === 20), log: null }).causes,
    ];
    for (const cause of all) {
      for (const locale of ['en', 'zh-CN'] as const) expect(translate(locale, cause.key, cause.params)).not.toMatch(/bench\.|\{/);
    }
  });
});
