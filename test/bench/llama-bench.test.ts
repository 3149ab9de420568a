import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from '../../src/commands/parse-result';
import { parseLlamaBench, type LlamaBenchRow } from '../../src/bench/llama-bench';

const own = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'outputs', name), 'utf8');

function ok<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected a parse, got ${result.error.code}: ${result.error.message} (line ${result.error.line})`);
  return result.value;
}

/** A table prints t/s with two decimals and sizes as "4.58 GiB": compare at that precision. */
const rounded = (row: LlamaBenchRow) => ({
  ...row,
  sizeBytes: row.sizeBytes === null ? null : Number((row.sizeBytes / 1024 ** 3).toFixed(2)),
  params: row.params === null ? null : Number((row.params / 1e9).toFixed(2)),
  tokensPerSecond: Number(row.tokensPerSecond.toFixed(2)),
  stddev: row.stddev === null ? null : Number(row.stddev.toFixed(2)),
});

describe('parseLlamaBench: the formats of one Tesla P4 run', () => {
  const md = ok(parseLlamaBench(own('llama-bench-p4-cuda.md.txt')));
  const csv = ok(parseLlamaBench(own('llama-bench-p4-cuda.csv.txt')));
  const json = ok(parseLlamaBench(own('llama-bench-p4-cuda.json.txt')));
  const jsonl = ok(parseLlamaBench(own('llama-bench-p4-cuda.jsonl.txt')));

  it('tells the formats apart and reads the build', () => {
    expect([md.format, csv.format, json.format, jsonl.format]).toEqual(['md', 'csv', 'json', 'jsonl']);
    for (const output of [md, csv, json, jsonl]) expect(output.build).toBe('b3a8f1c2 (6123)');
  });

  it('reads exact values from csv, json and jsonl, and the same rows from all three', () => {
    expect(json.rows).toEqual([
      { model: 'llama 8B Q4_K - Medium', sizeBytes: 4920734720, params: 8030261248, backend: 'CUDA', gpuLayers: 99, test: 'pp512', kind: 'prompt', tokensPerSecond: 521.374812, stddev: 2.813377 },
      { model: 'llama 8B Q4_K - Medium', sizeBytes: 4920734720, params: 8030261248, backend: 'CUDA', gpuLayers: 99, test: 'tg128', kind: 'generation', tokensPerSecond: 27.645211, stddev: 0.084519 },
    ]);
    expect(csv.rows).toEqual(json.rows);
    expect(jsonl.rows).toEqual(json.rows);
  });

  it('reads the same rows from the table, at the precision it prints, past the CUDA lines before it', () => {
    expect(md.rows.map(rounded)).toEqual(json.rows.map(rounded));
    expect(md.rows[1]).toMatchObject({ tokensPerSecond: 27.65, stddev: 0.08, sizeBytes: Math.round(4.58 * 1024 ** 3), params: 8.03e9 });
  });
});

describe('parseLlamaBench: other table layouts', () => {
  it('ignores extra columns (fa, dev, mmap) and keeps the context depth in the test name', () => {
    const { rows } = ok(parseLlamaBench(own('llama-bench-p4-fa-depth.md.txt')));
    expect(rows).toHaveLength(8);
    expect(rows.map((r) => r.test)).toEqual(['pp512', 'tg128', 'pp512 @ d1024', 'tg128 @ d1024', 'pp512', 'tg128', 'pp512 @ d1024', 'tg128 @ d1024']);
    expect(rows[7]).toMatchObject({ kind: 'generation', tokensPerSecond: 27.02, gpuLayers: 99 });
  });

  it('reads a CPU build: no ngl column, so gpuLayers is null', () => {
    const { rows, build } = ok(parseLlamaBench(own('llama-bench-x220-cpu.md.txt')));
    expect(build).toBe('b3a8f1c2 (6123)');
    expect(rows.map((r) => [r.backend, r.gpuLayers, r.test, r.tokensPerSecond])).toEqual([
      ['CPU', null, 'pp512', 6.41],
      ['CPU', null, 'tg128', 2.1],
    ]);
  });

  it('reads the 2023 tables: "pp 512", no build line, and the first one without size and params', () => {
    const late = ok(parseLlamaBench(own('llama-bench-p4-2023.md.txt')));
    expect(late.build).toBeNull();
    expect(late.rows.map((r) => [r.test, r.gpuLayers, r.tokensPerSecond])).toEqual([
      ['pp512', 99, 688.15],
      ['tg128', 99, 36.84],
      ['pp512', 20, 301.27],
      ['tg128', 20, 11.93],
    ]);
    const first = ok(parseLlamaBench(own('llama-bench-p4-2023-first.md.txt')));
    expect(first.rows[1]).toEqual({ model: 'LLaMA 7B mostly Q4_0', sizeBytes: null, params: null, backend: 'CUDA', gpuLayers: 99, test: 'tg128', kind: 'generation', tokensPerSecond: 36.12, stddev: 0.2 });
  });

  it('reads n_prompt/n_gen columns and a mixed pp+tg test', () => {
    const table = [
      '| model | backend | n_gpu_layers | n_prompt | n_gen | t/s |',
      '| ----- | ------- | ------------ | -------- | ----- | --- |',
      '| LLaMA 7B mostly Q4_0 | CUDA | 99 | 512 | 0 | 2153.50 ± 24.75 |',
      '| LLaMA 7B mostly Q4_0 | CUDA | 99 | 512 | 128 | 449.72 ± 1.27 |',
      '',
    ].join('\n');
    expect(ok(parseLlamaBench(table)).rows.map((r) => [r.test, r.kind])).toEqual([
      ['pp512', 'prompt'],
      ['pp512+tg128', 'mixed'],
    ]);
    const mixed = '| model | size | params | backend | ngl | test | t/s |\n| --- | ---: | ---: | --- | --: | ---: | ---: |\n| qwen2 1B F16 | 942.43 MiB | 494.03 M | CUDA | 99 | pp512+tg128 | 1000.00 ± 0.00 |\n';
    expect(ok(parseLlamaBench(mixed)).rows[0]).toMatchObject({ kind: 'mixed', sizeBytes: Math.round(942.43 * 1024 ** 2), params: 494030000 });
  });

  it('reads old JSON with a 0/1 field per backend instead of "backends"', () => {
    const old = JSON.stringify([{ build_commit: '1a2b3c4', build_number: 1460, cuda: true, opencl: false, metal: false, model_type: 'llama 7B mostly Q4_0', model_size: 3825065984, model_n_params: 6738415616, n_gpu_layers: 99, n_prompt: 0, n_gen: 128, avg_ts: 36.5, stddev_ts: 0.1 }]);
    expect(ok(parseLlamaBench(old)).rows[0]).toMatchObject({ backend: 'CUDA', test: 'tg128' });
    const cpu = old.replace('"cuda":true', '"cuda":false');
    expect(ok(parseLlamaBench(cpu)).rows[0]?.backend).toBe('CPU');
  });
});

describe('parseLlamaBench refuses what is not a benchmark', () => {
  const md = own('llama-bench-p4-cuda.md.txt');
  const json = own('llama-bench-p4-cuda.json.txt');
  const csv = own('llama-bench-p4-cuda.csv.txt');
  const jsonl = own('llama-bench-p4-cuda.jsonl.txt');

  it('empty, binary and unrelated text', () => {
    expect(parseLlamaBench('')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseLlamaBench('  \n\n')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseLlamaBench('\u007fELF\u0002\u0001\u0001\u0000\u0000')).toMatchObject({ ok: false, error: { code: 'malformed', line: 1 } });
    expect(parseLlamaBench('Id Refs Address Size Name\n 1 85 0xffffffff80200000 1f3e2d0 kernel\n')).toMatchObject({ ok: false, error: { code: 'unexpected-output', message: expect.stringMatching(/is this llama-bench output/) } });
    expect(parseLlamaBench('| a | b |\n| - | - |\n| 1 | 2 |\n')).toMatchObject({ ok: false, error: { code: 'unexpected-output' } });
  });

  it('output cut off in every format', () => {
    const lines = md.split('\n');
    const cutRow = lines.slice(0, 7).join('\n') + '\n' + (lines[7] ?? '').slice(0, 60);
    expect(parseLlamaBench(cutRow)).toMatchObject({ ok: false, error: { code: 'truncated', line: 8 } });
    expect(parseLlamaBench(lines.slice(0, 6).join('\n'))).toMatchObject({ ok: false, error: { code: 'truncated', message: expect.stringMatching(/header but no results/) } });
    expect(parseLlamaBench(json.slice(0, json.length - 40))).toMatchObject({ ok: false, error: { code: 'truncated', message: expect.stringMatching(/not closed/) } });
    expect(parseLlamaBench(jsonl.slice(0, jsonl.length - 30))).toMatchObject({ ok: false, error: { code: 'truncated', line: 2 } });
    expect(parseLlamaBench(csv.slice(0, csv.length - 30))).toMatchObject({ ok: false, error: { code: 'truncated', line: 3 } });
    expect(parseLlamaBench(csv.split('\n')[0] ?? '')).toMatchObject({ ok: false, error: { code: 'truncated' } });
  });

  it('malformed values, with the line to blame', () => {
    expect(parseLlamaBench(md.replace('521.37 ± 2.81', 'fast')).ok).toBe(false);
    expect(parseLlamaBench(md.replace('521.37 ± 2.81', 'fast'))).toMatchObject({ error: { code: 'malformed', line: 7, message: expect.stringMatching(/t\/s "fast"/) } });
    expect(parseLlamaBench(md.replace('pp512', 'xx512'))).toMatchObject({ error: { code: 'malformed', line: 7, message: expect.stringMatching(/test "xx512"/) } });
    expect(parseLlamaBench(md.replace('4.58 GiB', '4.58 GB'))).toMatchObject({ error: { code: 'malformed', line: 7 } });
    expect(parseLlamaBench(md.replace('|  99 |           tg128', '|  99 | 7 | tg128'))).toMatchObject({ error: { code: 'malformed', line: 8, message: expect.stringMatching(/8 cells for 7 columns/) } });
    const noSeparator = md.split('\n').filter((_, i) => i !== 5).join('\n');
    expect(parseLlamaBench(noSeparator)).toMatchObject({ error: { code: 'malformed', line: 6 } });
    expect(parseLlamaBench(json.replace('"avg_ts": 27.645211', '"avg_ts": "quick"'))).toMatchObject({ error: { code: 'malformed', message: expect.stringMatching(/result 2 .*avg_ts/) } });
    expect(parseLlamaBench(json.replace('"n_gen": 128', '"n_gen": -1'))).toMatchObject({ error: { code: 'malformed' } });
    expect(parseLlamaBench(json.replace('"model_type": "llama 8B Q4_K - Medium",', ''))).toMatchObject({ error: { code: 'malformed', line: 2 } });
    expect(parseLlamaBench(json.replace('"n_gen": 128', '"n_gen": 0'))).toMatchObject({ error: { code: 'malformed', message: expect.stringMatching(/neither prompt nor generated tokens/) } });
    expect(parseLlamaBench('[ { "a": 1 } ,, ]')).toMatchObject({ error: { code: 'malformed' } });
    expect(parseLlamaBench('[\n]\n')).toMatchObject({ error: { code: 'truncated' } });
    expect(parseLlamaBench(jsonl.replace('"avg_ts": 521.374812', '"avg_ts": oops'))).toMatchObject({ error: { code: 'malformed', line: 1 } });
  });

  it('never throws, whatever the text (property)', () => {
    const pieces = fc.constantFrom('|', ' | ', '---', ':', '\n', '[', ']', '{', '}', '"', ',', 'pp512', 'tg 128', ' ± ', '4.58 GiB', 'build_commit,avg_ts', '"avg_ts": 1', 'model', 't/s', 'backend', 'test', '\r\n', 'é', '\u0000');
    const texts = fc.oneof(fc.string(), fc.array(pieces, { maxLength: 60 }).map((p) => p.join('')), fc.nat(md.length).map((n) => md.slice(0, n)), fc.nat(json.length).map((n) => json.slice(0, n)));
    fc.assert(
      fc.property(texts, (text) => {
        const result = parseLlamaBench(text);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });
});
