import { z } from 'zod';
import { parseFailure, validated, type ParseResult } from '../parse-result';
import { nvidiaSmiVerdict } from './nvidia-smi';
import { guarded, lineFailure, precheck, quote, splitLines } from './text';

/**
 * `nvidia-smi --query-gpu=<fields> --format=csv,noheader,nounits`: one line per GPU, values in the order
 * asked, separated by ", " and never quoted:
 *
 *   0, Tesla P4, 00000000:05:00.0, 550.127.05, 7680, 0, 34, 6.44, 75.00, P8
 *
 * Unavailable values print as `[N/A]`, `N/A`, `[Not Supported]` (or another bracketed marker such as
 * `[Unknown Error]`); they become null. Numeric fields become numbers. A line with the wrong number of
 * columns is an error (a GPU name with a comma in it would cause one: nvidia-smi does not quote).
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
  })
  .strict();
export type NvidiaSmiCsvOutput = z.infer<typeof NvidiaSmiCsvOutput>;

const UNAVAILABLE = /^(?:N\/A|\[[^\]]*\])$/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;

function parse(text: string, fields: readonly NvidiaSmiQueryField[]): ParseResult<NvidiaSmiCsvOutput> {
  if (fields.length === 0) return parseFailure('malformed', 'nvidia-smi query: no fields were asked for');
  const rejected = precheck(text, 'nvidia-smi query');
  if (rejected) return rejected;
  const lines = splitLines(text);
  const verdict = nvidiaSmiVerdict(lines);
  if (verdict) return validated(NvidiaSmiCsvOutput, { status: verdict.status, message: verdict.message, rows: [] });

  const rows: Array<Record<string, NvidiaSmiCsvValue>> = [];
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    if (/is not a valid field to query/.test(line)) return parseFailure('unexpected-output', line, i + 1);
    const values = line.split(',').map((value) => value.trim());
    if (values.length !== fields.length) {
      return lineFailure(lines, i, `expected ${fields.length} values, got ${values.length}: ${quote(line)}`, values.length < fields.length);
    }
    const row: Record<string, NvidiaSmiCsvValue> = {};
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f];
      const value = values[f] ?? '';
      if (field === undefined) continue;
      let parsedValue: NvidiaSmiCsvValue;
      if (UNAVAILABLE.test(value)) parsedValue = null;
      else if (NUMERIC.has(field)) {
        if (!NUMBER.test(value)) return lineFailure(lines, i, `${field} is not a number: ${quote(value)}`);
        parsedValue = Number(value);
      } else parsedValue = value;
      row[field] = parsedValue;
    }
    rows.push(row);
  }
  return validated(NvidiaSmiCsvOutput, { status: 'ok', message: null, rows });
}

export function parseNvidiaSmiCsv(text: string, fields: readonly NvidiaSmiQueryField[]): ParseResult<NvidiaSmiCsvOutput> {
  return guarded('nvidia-smi query', (t: string) => parse(t, fields))(text);
}
