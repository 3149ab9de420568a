import { z } from 'zod';
import { parseFailure, Unparsed, validated, type ParseResult, type UnparsedLine } from '../parse-result';
import { nvidiaSmiVerdict } from './nvidia-smi';
import { cutOff, guarded, hasBinary, lineFailure, quote, refuseNonText, splitLines } from './text';

/**
 * `nvidia-smi --query-gpu=<fields> --format=csv,noheader,nounits`: one line per GPU, values in the order
 * asked, separated by ", " and never quoted:
 *
 *   0, Tesla P4, 00000000:05:00.0, 550.127.05, 7680, 0, 34, 6.44, 75.00, P8
 *
 * Unavailable values print as `[N/A]`, `N/A`, `[Not Supported]` (or another bracketed marker such as
 * `[Unknown Error]`); they become null. Numeric fields become numbers. A line with the wrong number of
 * columns (a GPU name with a comma in it would cause one: nvidia-smi does not quote) or a non-number in a
 * numeric field is set aside in `unparsed`; when no line at all can be read, the first one's reason refuses
 * the output.
 */

export const NvidiaSmiQueryField = z.enum([
  'index',
  'name',
  'pci.bus_id',
  'driver_version',
  'memory.total',
  'memory.used',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'clocks.sm',
  'clocks.max.sm',
  'clocks_throttle_reasons.active',
  'clocks_throttle_reasons.hw_thermal_slowdown',
  'clocks_throttle_reasons.sw_thermal_slowdown',
  'utilization.gpu',
  'pcie.link.gen.current',
  'pcie.link.gen.max',
  'pcie.link.width.current',
  'pcie.link.width.max',
  'uuid',
  'vbios_version',
  'pstate',
]);
export type NvidiaSmiQueryField = z.infer<typeof NvidiaSmiQueryField>;

/**
 * Fields printed as plain numbers with `nounits`. The rest stay strings: names, ids, versions, "P8",
 * "Active"/"Not Active", and the throttle-reason bitmask "0x0000000000000001".
 */
const NUMERIC: ReadonlySet<NvidiaSmiQueryField> = new Set<NvidiaSmiQueryField>([
  'index',
  'memory.total',
  'memory.used',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'clocks.sm',
  'clocks.max.sm',
  'utilization.gpu',
  'pcie.link.gen.current',
  'pcie.link.gen.max',
  'pcie.link.width.current',
  'pcie.link.width.max',
]);

export const NvidiaSmiCsvValue = z.union([z.string(), z.number(), z.null()]);
export type NvidiaSmiCsvValue = z.infer<typeof NvidiaSmiCsvValue>;

export const NvidiaSmiCsvOutput = z
  .object({
    status: z.enum(['ok', 'no-devices', 'no-driver']),
    /** The verdict line for 'no-devices' / 'no-driver', null for 'ok'. */
    message: z.string().nullable(),
    /** One record per GPU, keyed by the query field names. */
    rows: z.array(z.record(z.string(), NvidiaSmiCsvValue)),
    unparsed: Unparsed,
  })
  .strict();
export type NvidiaSmiCsvOutput = z.infer<typeof NvidiaSmiCsvOutput>;

const UNAVAILABLE = /^(?:N\/A|\[[^\]]*\])$/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;

/** One GPU's values, or why the line cannot be read. */
type RowRead = { row: Record<string, NvidiaSmiCsvValue> } | { failure: string; short: boolean };

function readRow(line: string, fields: readonly NvidiaSmiQueryField[]): RowRead {
  const values = line.split(',').map((value) => value.trim());
  if (values.length !== fields.length) return { failure: `expected ${fields.length} values, got ${values.length}: ${quote(line)}`, short: values.length < fields.length };
  const row: Record<string, NvidiaSmiCsvValue> = {};
  for (let f = 0; f < fields.length; f++) {
    const field = fields[f];
    const value = values[f] ?? '';
    if (field === undefined) continue;
    let parsedValue: NvidiaSmiCsvValue;
    if (UNAVAILABLE.test(value)) parsedValue = null;
    else if (NUMERIC.has(field)) {
      if (!NUMBER.test(value)) return { failure: `${field} is not a number: ${quote(value)}`, short: false };
      parsedValue = Number(value);
    } else parsedValue = value;
    row[field] = parsedValue;
  }
  return { row };
}

function parse(text: string, fields: readonly NvidiaSmiQueryField[]): ParseResult<NvidiaSmiCsvOutput> {
  if (fields.length === 0) return parseFailure('malformed', 'nvidia-smi query: no fields were asked for');
  const rejected = refuseNonText(text, 'nvidia-smi query');
  if (rejected) return rejected;
  const lines = splitLines(text);
  const verdict = nvidiaSmiVerdict(lines);
  if (verdict) return validated(NvidiaSmiCsvOutput, { status: verdict.status, message: verdict.message, rows: [], unparsed: [] });

  const rows: Array<Record<string, NvidiaSmiCsvValue>> = [];
  const unparsed: UnparsedLine[] = [];
  let firstFailure: ParseResult<never> | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    if (/is not a valid field to query/.test(line)) return parseFailure('unexpected-output', line, i + 1);
    const read: RowRead = hasBinary(line) ? { failure: 'binary data', short: false } : readRow(line, fields);
    if ('failure' in read) {
      const cut = cutOff(text, lines, i, read.failure, read.short);
      if (cut) return cut;
      firstFailure ??= lineFailure(lines, i, read.failure, read.short);
      unparsed.push({ line: i + 1, text: lines[i] ?? '' });
      continue;
    }
    rows.push(read.row);
  }
  if (rows.length === 0 && firstFailure !== null) return firstFailure;
  return validated(NvidiaSmiCsvOutput, { status: 'ok', message: null, rows, unparsed });
}

export function parseNvidiaSmiCsv(text: string, fields: readonly NvidiaSmiQueryField[]): ParseResult<NvidiaSmiCsvOutput> {
  return guarded('nvidia-smi query', (t: string) => parse(t, fields))(text);
}

/** The query's arguments and command line, the same on the host and in the passthrough guest. */
export const NvidiaSmiQueryArgs = z.object({ fields: z.array(NvidiaSmiQueryField).min(1).max(32) }).strict();
export const nvidiaSmiQueryArgv = (a: z.infer<typeof NvidiaSmiQueryArgs>): string[] => ['nvidia-smi', `--query-gpu=${a.fields.join(',')}`, '--format=csv,noheader,nounits'];
