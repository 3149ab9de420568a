import { z } from 'zod';
import { parseFailure, validated, type ParseResult } from '../commands/parse-result';
import { guarded, lineFailure, precheck, quote, splitLines } from '../commands/parsers/text';
import { jsonExtent } from './json-extent';

/**
 * llama.cpp's `llama-bench`, in every output format it has (`-o md|csv|json|jsonl`, tools/llama-bench):
 *
 *   md     | model                  |     size |   params | backend | ngl |  test |            t/s |
 *          | ---------------------- | -------: | -------: | ------- | --: | ----: | -------------: |
 *          | llama 8B Q4_K - Medium | 4.58 GiB |   8.03 B | CUDA    |  99 | pp512 | 521.37 ± 2.81  |
 *
 *          build: 1a2b3c4d (4567)
 *          Older tables say `pp 512` / `tg 128`, `n_gpu_layers` instead of `ngl`, or have no size/params
 *          columns, or `n_prompt | n_gen` instead of `test`; extra columns (threads, n_batch, fa, mmap,
 *          dev, …) appear when they were varied and are ignored here.
 *   csv    build_commit,build_number,…,model_type,model_size,…,n_prompt,n_gen,…,avg_ts,stddev_ts
 *          "1a2b3c4d","4567",…   (every value quoted)
 *   json   [ { "build_commit": …, "avg_ts": 521.37, "samples_ns": [ … ] }, … ]
 *   jsonl  one such object per line
 *
 * Lines that are none of these (the CUDA start-up lines llama-bench prints to stderr, when both streams
 * were saved together) are skipped. Rows give tokens per second; a row measures prompt processing
 * (`pp512`), generation (`tg128`) or both (`pp512+tg128`), optionally at a context depth (`pp512 @ d512`).
 */

export const LlamaBenchKind = z.enum(['prompt', 'generation', 'mixed']);
export type LlamaBenchKind = z.infer<typeof LlamaBenchKind>;

const TEST = /^(?:pp\d+|tg\d+|pp\d+\+tg\d+)(?: @ d\d+)?$/;

export const LlamaBenchRow = z
  .object({
    /** llama.cpp's model description, e.g. "llama 8B Q4_K - Medium". */
    model: z.string().min(1),
    /** Model bytes: exact from csv/json, from the rounded "4.58 GiB" in a table; null where not printed. */
    sizeBytes: z.number().int().positive().nullable(),
    params: z.number().int().positive().nullable(),
    /** The backends the binary was built with ("CUDA", "CPU", "BLAS,MTL"), not where the run executed. */
    backend: z.string().min(1),
    /** `-ngl`; -1 (newer llama.cpp's default) means all layers; null where the table omits the column (CPU builds). */
    gpuLayers: z.number().int().nullable(),
    test: z.string().regex(TEST),
    kind: LlamaBenchKind,
    tokensPerSecond: z.number().nonnegative(),
    stddev: z.number().nonnegative().nullable(),
  })
  .strict();
export type LlamaBenchRow = z.infer<typeof LlamaBenchRow>;

export const LlamaBenchFormat = z.enum(['md', 'csv', 'json', 'jsonl']);
export type LlamaBenchFormat = z.infer<typeof LlamaBenchFormat>;

export const LlamaBenchOutput = z
  .object({
    format: LlamaBenchFormat,
    /** "1a2b3c4d (4567)": commit and build number, as the table's `build:` line prints them. */
    build: z.string().nullable(),
    rows: z.array(LlamaBenchRow).min(1),
  })
  .strict();
export type LlamaBenchOutput = z.infer<typeof LlamaBenchOutput>;

const WHAT = 'llama-bench';

/** The test name llama-bench prints for a row, and what it measures. */
export function testName(nPrompt: number, nGen: number, nDepth: number): { test: string; kind: LlamaBenchKind } | null {
  if (nPrompt === 0 && nGen === 0) return null;
  const kind: LlamaBenchKind = nGen === 0 ? 'prompt' : nPrompt === 0 ? 'generation' : 'mixed';
  const base = kind === 'prompt' ? `pp${nPrompt}` : kind === 'generation' ? `tg${nGen}` : `pp${nPrompt}+tg${nGen}`;
  return { test: nDepth > 0 ? `${base} @ d${nDepth}` : base, kind };
}

// ---------------------------------------------------------------------------------------------------------
// csv, json and jsonl: the same records, with numbers as strings in csv.

const NUMBER = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;
const numeric = (value: unknown): unknown => (typeof value === 'string' && NUMBER.test(value.trim()) ? Number(value) : value);
const num = z.preprocess(numeric, z.number());
const int = z.preprocess(numeric, z.number().int());
const flag = z.preprocess((v) => (v === '1' || v === 'true' ? true : v === '0' || v === 'false' ? false : v), z.boolean());

/** The fields the rows need; the many others (n_batch, type_k, samples_ns…) are left alone. */
const LlamaBenchRecord = z.object({
  build_commit: z.string().optional(),
  build_number: int.optional(),
  backends: z.string().min(1).optional(),
  // Before `backends` (2024), each backend was a 0/1 field of its own.
  cuda: flag.optional(),
  vulkan: flag.optional(),
  kompute: flag.optional(),
  metal: flag.optional(),
  sycl: flag.optional(),
  opencl: flag.optional(),
  blas: flag.optional(),
  model_type: z.string().min(1),
  model_size: int.optional(),
  model_n_params: int.optional(),
  n_gpu_layers: int.optional(),
  n_prompt: int.pipe(z.number().nonnegative()),
  n_gen: int.pipe(z.number().nonnegative()),
  n_depth: int.pipe(z.number().nonnegative()).optional(),
  avg_ts: num.pipe(z.number().nonnegative()),
  stddev_ts: num.pipe(z.number().nonnegative()).optional(),
});
type LlamaBenchRecord = z.infer<typeof LlamaBenchRecord>;

const OLD_BACKENDS = [
  ['cuda', 'CUDA'],
  ['vulkan', 'Vulkan'],
  ['kompute', 'Kompute'],
  ['metal', 'Metal'],
  ['sycl', 'SYCL'],
  ['opencl', 'OpenCL'],
  ['blas', 'BLAS'],
] as const;

function backendOf(record: LlamaBenchRecord): string {
  if (record.backends !== undefined) return record.backends;
  const on = OLD_BACKENDS.filter(([field]) => record[field] === true).map(([, name]) => name);
  return on.length > 0 ? on.join(',') : 'CPU';
}

const positiveOrNull = (n: number | undefined): number | null => (n !== undefined && n > 0 ? n : null);

type RecordResult = { ok: true; row: LlamaBenchRow; build: string | null } | { ok: false; message: string };

function recordToRow(value: unknown): RecordResult {
  const checked = LlamaBenchRecord.safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const field = issue?.path.join('.') || 'record';
    return { ok: false, message: `${field}: ${issue?.message ?? 'invalid'}` };
  }
  const r = checked.data;
  const name = testName(r.n_prompt, r.n_gen, r.n_depth ?? 0);
  if (!name) return { ok: false, message: 'a test with neither prompt nor generated tokens (n_prompt and n_gen are 0)' };
  const build = r.build_commit !== undefined ? (r.build_number !== undefined ? `${r.build_commit} (${r.build_number})` : r.build_commit) : null;
  return {
    ok: true,
    build,
    row: {
      model: r.model_type,
      sizeBytes: positiveOrNull(r.model_size),
      params: positiveOrNull(r.model_n_params),
      backend: backendOf(r),
      gpuLayers: r.n_gpu_layers ?? null,
      test: name.test,
      kind: name.kind,
      tokensPerSecond: r.avg_ts,
      stddev: r.stddev_ts ?? null,
    },
  };
}

function collect(format: LlamaBenchFormat, records: ReadonlyArray<{ value: unknown; line: number }>): ParseResult<LlamaBenchOutput> {
  const rows: LlamaBenchRow[] = [];
  let build: string | null = null;
  for (const [i, { value, line }] of records.entries()) {
    const result = recordToRow(value);
    if (!result.ok) return parseFailure('malformed', `${WHAT}: result ${i + 1} is not a benchmark result: ${result.message}`, line);
    build ??= result.build;
    rows.push(result.row);
  }
  if (rows.length === 0) return parseFailure('truncated', `${WHAT}: the ${format} output holds no results (the run stopped before the first test finished?)`);
  return validated(LlamaBenchOutput, { format, build, rows });
}

/** 1-based line of a character offset, found by binary search over the newline offsets. */
function lineFinder(text: string): (offset: number) => number {
  const newlines: number[] = [];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) newlines.push(at);
  return (offset) => {
    let low = 0;
    let high = newlines.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((newlines[mid] ?? Infinity) < offset) low = mid + 1;
      else high = mid;
    }
    return low + 1;
  };
}

function parseJson(text: string, start: number): ParseResult<LlamaBenchOutput> {
  const lineAt = lineFinder(text);
  const end = jsonExtent(text, start);
  if (end === null) return parseFailure('truncated', `${WHAT}: the JSON array is not closed (the output seems cut off)`, lineAt(text.length));
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end));
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
    const line = position?.[1] !== undefined ? lineAt(start + Number(position[1])) : lineAt(start);
    return parseFailure('malformed', `${WHAT}: not valid JSON`, line);
  }
  if (!Array.isArray(value)) return parseFailure('malformed', `${WHAT}: the JSON output is not an array of results`, lineAt(start));
  // Each result object starts on its own line; find them for the error messages.
  const starts: number[] = [];
  for (let at = text.indexOf('{', start); at >= 0 && at < end; ) {
    starts.push(lineAt(at));
    const close = jsonExtent(text, at);
    at = close === null ? -1 : text.indexOf('{', close);
  }
  return collect('json', value.map((v, i) => ({ value: v, line: starts[i] ?? lineAt(start) })));
}

function parseJsonl(lines: readonly string[], first: number): ParseResult<LlamaBenchOutput> {
  const records: Array<{ value: unknown; line: number }> = [];
  for (let i = first; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (!line.startsWith('{')) continue;
    if (jsonExtent(line, 0) === null) return lineFailure(lines, i, `${WHAT}: JSON line ${i + 1} is not closed`, true);
    try {
      records.push({ value: JSON.parse(line), line: i + 1 });
    } catch {
      return lineFailure(lines, i, `${WHAT}: line ${i + 1} is not valid JSON: ${quote(line)}`);
    }
  }
  return collect('jsonl', records);
}

/** Splits one CSV line as llama-bench writes it (every value double-quoted, `""` inside); null if a quote is left open. */
function csvCells(line: string): string[] | null {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '' && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
      wasQuoted = false;
    } else cell += c;
  }
  if (quoted) return null;
  cells.push(cell);
  return cells;
}

function parseCsv(lines: readonly string[], headerIndex: number): ParseResult<LlamaBenchOutput> {
  const header = (lines[headerIndex] ?? '').split(',').map((h) => h.trim());
  const records: Array<{ value: unknown; line: number }> = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    if (!line.startsWith('"')) continue; // stderr noise between results
    const cells = csvCells(line);
    if (cells === null) return lineFailure(lines, i, `${WHAT}: a quoted CSV value is not closed`, true);
    if (cells.length !== header.length) {
      return lineFailure(lines, i, `${WHAT}: CSV line has ${cells.length} values for ${header.length} columns`, cells.length < header.length);
    }
    records.push({ value: Object.fromEntries(header.map((h, c) => [h, cells[c] ?? ''])), line: i + 1 });
  }
  return collect('csv', records);
}

// ---------------------------------------------------------------------------------------------------------
// The markdown table.

const SEPARATOR = /^\|(?:\s*:?-+:?\s*\|)+\s*$/;
const BUILD = /^build: (\S+) \((\d+)\)\s*$/;
const TPS = /^(\d+(?:\.\d+)?)(?:\s*±\s*(\d+(?:\.\d+)?))?$/;
const MD_TEST = /^(?:pp\s*(\d+))?(\+)?(?:tg\s*(\d+))?(?:\s*@\s*d(\d+))?$/;
const SIZE = /^(\d+(?:\.\d+)?) (B|KiB|MiB|GiB|TiB)$/;
const PARAMS = /^(\d+(?:\.\d+)?) ([KMBT])$/;
const SIZE_UNIT: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
const PARAMS_UNIT: Record<string, number> = { K: 1e3, M: 1e6, B: 1e9, T: 1e12 };

/** Column names across llama-bench versions, to the field they hold. */
const COLUMN: Record<string, 'model' | 'size' | 'params' | 'backend' | 'ngl' | 'test' | 'n_prompt' | 'n_gen' | 'tps'> = {
  model: 'model',
  size: 'size',
  params: 'params',
  backend: 'backend',
  ngl: 'ngl',
  n_gpu_layers: 'ngl',
  test: 'test',
  n_prompt: 'n_prompt',
  n_gen: 'n_gen',
  't/s': 'tps',
};

type Columns = Partial<Record<(typeof COLUMN)[string], number>> & { count: number };

const tableCells = (line: string): string[] | null => {
  const trimmed = line.trim();
  if (!trimmed.startsWith('|') || !trimmed.endsWith('|') || trimmed.length < 2) return null;
  return trimmed.slice(1, -1).split('|').map((c) => c.trim());
};

function headerColumns(cells: readonly string[]): Columns | null {
  const columns: Columns = { count: cells.length };
  cells.forEach((cell, i) => {
    const field = COLUMN[cell];
    if (field !== undefined && columns[field] === undefined) columns[field] = i;
  });
  const hasTest = columns.test !== undefined || (columns.n_prompt !== undefined && columns.n_gen !== undefined);
  return columns.model !== undefined && columns.backend !== undefined && columns.tps !== undefined && hasTest ? columns : null;
}

function scaled(text: string, pattern: RegExp, units: Record<string, number>): number | null | undefined {
  const match = pattern.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  const unit = units[match[2]];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit) || null;
}

function mdTest(cells: readonly string[], columns: Columns): { test: string; kind: LlamaBenchKind } | null {
  if (columns.test !== undefined) {
    const match = MD_TEST.exec(cells[columns.test] ?? '');
    if (!match) return null;
    const [, pp, plus, tg, depth] = match;
    if ((plus !== undefined) !== (pp !== undefined && tg !== undefined)) return null;
    return testName(Number(pp ?? 0), Number(tg ?? 0), Number(depth ?? 0));
  }
  const nPrompt = cells[columns.n_prompt ?? -1] ?? '';
  const nGen = cells[columns.n_gen ?? -1] ?? '';
  if (!/^\d+$/.test(nPrompt) || !/^\d+$/.test(nGen)) return null;
  return testName(Number(nPrompt), Number(nGen), 0);
}

function mdRow(cells: readonly string[], columns: Columns): LlamaBenchRow | string {
  const cell = (index: number | undefined): string => (index === undefined ? '' : (cells[index] ?? ''));
  const model = cell(columns.model);
  if (model === '') return 'the model column is empty';
  const backend = cell(columns.backend);
  if (backend === '') return 'the backend column is empty';
  let sizeBytes: number | null = null;
  if (columns.size !== undefined) {
    const size = scaled(cell(columns.size), SIZE, SIZE_UNIT);
    if (size === undefined) return `size ${quote(cell(columns.size))} is not like "4.58 GiB"`;
    sizeBytes = size;
  }
  let params: number | null = null;
  if (columns.params !== undefined) {
    const count = scaled(cell(columns.params), PARAMS, PARAMS_UNIT);
    if (count === undefined) return `params ${quote(cell(columns.params))} is not like "8.03 B"`;
    params = count;
  }
  let gpuLayers: number | null = null;
  if (columns.ngl !== undefined) {
    if (!/^-?\d+$/.test(cell(columns.ngl))) return `ngl ${quote(cell(columns.ngl))} is not a number`;
    gpuLayers = Number(cell(columns.ngl));
  }
  const test = mdTest(cells, columns);
  if (!test) return `test ${quote(columns.test !== undefined ? cell(columns.test) : `${cell(columns.n_prompt)}/${cell(columns.n_gen)}`)} is not like "pp512", "tg128" or "pp512+tg128"`;
  const tps = TPS.exec(cell(columns.tps));
  if (!tps?.[1]) return `t/s ${quote(cell(columns.tps))} is not like "521.37 ± 2.81"`;
  return {
    model,
    sizeBytes,
    params,
    backend,
    gpuLayers,
    test: test.test,
    kind: test.kind,
    tokensPerSecond: Number(tps[1]),
    stddev: tps[2] !== undefined ? Number(tps[2]) : null,
  };
}

function parseMarkdown(lines: readonly string[], first: number): ParseResult<LlamaBenchOutput> {
  const rows: LlamaBenchRow[] = [];
  let build: string | null = null;
  let columns: Columns | null = null;
  let sawHeader = false;
  for (let i = first; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const trimmed = line.trim();
    const buildLine = BUILD.exec(trimmed);
    if (buildLine) {
      build = `${buildLine[1]} (${buildLine[2]})`;
      continue;
    }
    if (!trimmed.startsWith('|')) continue; // blank lines, stderr noise
    const cells = tableCells(line);
    if (cells === null) return lineFailure(lines, i, `${WHAT}: table line does not end with "|": ${quote(line)}`, true);
    const header = headerColumns(cells);
    if (header) {
      const next = lines[i + 1];
      if (next === undefined) return lineFailure(lines, i, `${WHAT}: the table header is the last line`, true);
      if (!SEPARATOR.test(next.trim())) return lineFailure(lines, i + 1, `${WHAT}: the table header is not followed by a "| --- |" line: ${quote(next)}`);
      columns = header;
      sawHeader = true;
      i++;
      continue;
    }
    if (columns === null) return parseFailure('unexpected-output', `${WHAT}: a table without the model, backend, test and t/s columns: ${quote(line)}`, i + 1);
    if (cells.length !== columns.count) {
      return lineFailure(lines, i, `${WHAT}: table row has ${cells.length} cells for ${columns.count} columns`, cells.length < columns.count);
    }
    const row = mdRow(cells, columns);
    if (typeof row === 'string') return lineFailure(lines, i, `${WHAT}: ${row}`);
    rows.push(row);
  }
  if (!sawHeader) return parseFailure('unexpected-output', `${WHAT}: no table with model, backend, test and t/s columns`);
  if (rows.length === 0) return parseFailure('truncated', `${WHAT}: the table has a header but no results (the run stopped before the first test finished?)`);
  return validated(LlamaBenchOutput, { format: 'md', build, rows });
}

// ---------------------------------------------------------------------------------------------------------

function parse(text: string): ParseResult<LlamaBenchOutput> {
  const refused = precheck(text, WHAT);
  if (refused) return refused;
  const lines = splitLines(text);
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const trimmed = line.trimStart();
    if (trimmed.startsWith('|')) return parseMarkdown(lines, i);
    if (/^\[\s*(?:\{|$)/.test(trimmed)) return parseJson(text, offset + (line.length - trimmed.length));
    if (/^\{\s*"/.test(trimmed)) return parseJsonl(lines, i);
    if (/^build_commit,/.test(trimmed) && trimmed.includes('avg_ts')) return parseCsv(lines, i);
    offset += line.length + 1 + (text[offset + line.length] === '\r' ? 1 : 0);
  }
  return parseFailure('unexpected-output', `${WHAT}: no markdown table, CSV header or JSON results found (is this llama-bench output?)`);
}

export const parseLlamaBench: (text: string) => ParseResult<LlamaBenchOutput> = guarded(WHAT, parse);
