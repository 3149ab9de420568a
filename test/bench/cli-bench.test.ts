import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureOutput } from '../capture-output';
import { main } from '../../src/cli';

const output = captureOutput();
const fixture = (name: string): string => join(import.meta.dirname, '..', 'fixtures', 'outputs', name);
const tmp = () => mkdtempSync(join(tmpdir(), 'egpu-cli-bench-'));

interface BenchJson {
  rows: Array<{ test: string; tokensPerSecond: number }>;
  figures: Array<{ label: { key: string }; value: number; limit: number | null; unit: string }>;
  ratios: { load: number | null; generation: number | null; prompt: number | null };
  causes: Array<{ key: string; text: string }>;
  verdict: string;
}

describe('egpu-wizard bench --from-files', () => {
  it('prints the JSON: rows, figures with limits, ratios, causes and the verdict', async () => {
    const code = await main(['bench', '--from-files', `llama-bench=${fixture('llama-bench-p4-cuda.json.txt')}`, `llama-log=${fixture('llama-log-p4-cli.txt')}`, '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(output.out.join('')) as BenchJson;
    expect(Object.keys(json)).toEqual(['rows', 'figures', 'ratios', 'causes', 'verdict']);
    expect(json.rows.map((r) => r.test)).toEqual(['pp512', 'tg128']);
    expect(json.figures.map((f) => [f.label.key, f.value, f.limit, f.unit])).toEqual([
      ['bench.figure.load-time', 12.83, 9.84, 's'],
      ['bench.figure.transfer', 383, 500, 'MB/s'],
      ['bench.figure.prompt', 521.37, null, 'tokens/s'],
      ['bench.figure.generation', 27.65, 39.02, 'tokens/s'],
    ]);
    expect(json.ratios).toEqual({ load: 0.767, generation: 0.709, prompt: null });
    expect(json).toMatchObject({ causes: [], verdict: 'pass' });
  });

  it('gives the same figures from the table, csv and jsonl of the same run', async () => {
    const figures: number[][] = [];
    for (const name of ['llama-bench-p4-cuda.md.txt', 'llama-bench-p4-cuda.csv.txt', 'llama-bench-p4-cuda.jsonl.txt']) {
      output.out.length = 0;
      // The table rounds the model size, so give it: the limits then match exactly.
      expect(await main(['bench', '--from-files', `llama-bench=${fixture(name)}`, '--model-size', '4920734720', '--json'])).toBe(0);
      figures.push((JSON.parse(output.out.join('')) as BenchJson).figures.map((f) => Math.round(f.value)));
    }
    expect(figures).toEqual([
      [521, 28],
      [521, 28],
      [521, 28],
    ]);
  });

  it('exits 1 with the cause in the chosen language when generation is far below its limit', async () => {
    const code = await main(['bench', '--from-files', `llama-bench=${fixture('llama-bench-x220-cpu.md.txt')}`, `llama-log=${fixture('llama-log-x220-cpu.txt')}`, '--lang', 'zh-CN']);
    expect(code).toBe(1);
    const text = output.out.join('');
    expect(text).toContain('对照物理上限的基准测试');
    expect(text).toMatch(/FAIL {2}生成速度远低于/);
    expect(text).toContain('1. 这个 llama.cpp 编译时没有启用 CUDA（后端为 CPU）');
    expect(text).toMatch(/2\.1 tokens\/s · 上限 39\.04 tokens\/s · 达到上限的 5%/);
  });

  it('names a Gen1 link from --link, and warns (exit 0) when only loading is slow', async () => {
    const dir = tmp();
    const log = join(dir, 'log.txt');
    writeFileSync(log, 'load_tensors: offloaded 33/33 layers to GPU\nllama_perf_context_print:        load time =   22000.00 ms\n');
    const code = await main(['bench', '--from-files', `llama-bench=${fixture('llama-bench-p4-cuda.csv.txt')}`, `llama-log=${log}`, '--link', 'x1@2.5', '--json', '--lang', 'en']);
    expect(code).toBe(0);
    const json = JSON.parse(output.out.join('')) as BenchJson;
    expect(json.verdict).toBe('warn');
    expect(json.causes).toHaveLength(1);
    expect(json.causes[0]?.key).toBe('bench.cause.link-slow');
    expect(json.causes[0]?.text).toMatch(/^The link runs at x1 and 2\.5 GT\/s \(250 MB\/s\)/);
  });

  it.each([
    [['bench'], /bench needs --host H or --from-files/, 2],
    [['bench', '--host', 'sim:x220-fresh', '--from-files', 'llama-bench=x'], /cannot be combined/, 2],
    [['bench', '--from-files'], /needs llama-bench=FILE/, 2],
    [['bench', '--from-files', 'llama=x.txt'], /"llama=x.txt" is not NAME=FILE with NAME one of llama-bench, llama-log/, 2],
    [['bench', '--from-files', 'llama-bench=/no/such/file'], /cannot read llama-bench file \/no\/such\/file: no such file/, 2],
    [['bench', '--from-files', `llama-bench=${tmpdir()}`], /is a directory/, 2],
    [['bench', '--from-files', 'llama-bench=a', 'llama-bench=b'], /llama-bench is given twice/, 2],
    [['bench', '--from-files', 'llama-bench=a', '--link', 'x3@5'], /--link must look like x1@5.0/, 2],
    [['bench', '--from-files', 'llama-bench=a', '--model-size', 'big'], /--model-size must be a size/, 2],
  ])('refuses %j in one line with exit code 2', async (argv, message, exit) => {
    expect(await main(argv)).toBe(exit);
    expect(output.out.join('')).toBe('');
    const text = output.err.join('');
    expect(text).toMatch(message);
    expect(text).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
  });

  it('refuses files that are not the output their name says, binary files and a table without sizes', async () => {
    const dir = tmp();
    const binary = join(dir, 'bin');
    writeFileSync(binary, Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    const cut = join(dir, 'cut.txt');
    writeFileSync(cut, '| model | size | params | backend | ngl | test | t/s |\n| --- | ---: | ---: | --- | --: | ---: | ---: |\n| llama 8B Q4_K - Medium | 4.58 GiB | 8.03 B | CUDA | 99 | pp512 | 52');
    for (const [argv, message] of [
      [['bench', '--from-files', `llama-bench=${fixture('llama-log-p4-cli.txt')}`], /^egpu-wizard: llama-bench file .+ is not llama-bench output: llama-bench: no markdown table, CSV header or JSON results found/],
      [['bench', '--from-files', `llama-bench=${cut}`], /^egpu-wizard: llama-bench file .+ is not llama-bench output: .*seems cut off.* \(line 3\)\n$/],
      [['bench', '--from-files', `llama-bench=${binary}`], /^egpu-wizard: llama-bench file .+ is not UTF-8 text\n$/],
      [['bench', '--from-files', `llama-bench=${fixture('llama-bench-p4-cuda.md.txt')}`, `llama-log=${fixture('kenv-x220.txt')}`], /^egpu-wizard: llama-log file .+ is not llama-log output: llama\.cpp log: none of the lines/],
      [['bench', '--from-files', `llama-bench=${fixture('llama-bench-p4-2023-first.md.txt')}`], /^egpu-wizard: the llama-bench output does not say how big the model is: give --model-size\n$/],
    ] as const) {
      output.err.length = 0;
      expect(await main([...argv])).toBe(2);
      expect(output.err.join('')).toMatch(message);
      expect(output.err.join('').trim().split('\n')).toHaveLength(1);
    }
  });

  it('has its own help, and the main help lists it', async () => {
    expect(await main(['bench', '--help'])).toBe(0);
    expect(output.out.join('')).toMatch(/^Usage: egpu-wizard bench --from-files llama-bench=FILE/);
    output.out.length = 0;
    expect(await main(['--help'])).toBe(0);
    expect(output.out.join('')).toContain('egpu-wizard bench --from-files llama-bench=FILE');
  });
});
