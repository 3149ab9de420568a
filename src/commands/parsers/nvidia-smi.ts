import { z } from 'zod';
import { parseFailure, Unparsed, validated, type ParseResult, type UnparsedLine } from '../parse-result';
import { cutOff, guarded, hasBinary, lineFailure, quote, refuseNonText, safeInt, splitLines } from './text';

/**
 * The default `nvidia-smi` status table, in both layouts:
 *
 * up to the 52x series                                   535 series onwards (550, 570, 580…)
 * | NVIDIA-SMI 470.86  Driver Version: 470.86  CUDA Version: 11.4 |   | NVIDIA-SMI 580.95.05   Driver Version: 580.95.05   CUDA Version: 13.0 |
 * |   0  Tesla P4            Off  | 00000000:05:00.0 Off |   0 |     |   0  Tesla P4                 Off |   00000000:05:00.0 Off |     0 |
 * | N/A   34C    P8     6W /  75W |   0MiB /  7611MiB |  0%  Default | | N/A   36C    P8        6W /   75W |   0MiB /   7680MiB |  0%  Default |
 *
 * (very old drivers print no CUDA version; R610 renames the fields "KMD Version" and "CUDA UMD Version").
 * Instead of the table nvidia-smi may print a verdict, which is an answer and not a parse error:
 *   `No devices were found`                                                  → status 'no-devices'
 *   `NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. …`  → status 'no-driver'
 *   `Failed to initialize NVML: Driver/library version mismatch` (and other NVML init failures) → 'no-driver'
 * with the verdict line in `message`.
 *
 * Lines the parser does not know (a warning printed above the table, a row in a layout it cannot read) are
 * set aside in `unparsed` and the table is read as if they were not there; a GPU whose rows cannot be read
 * is left out and its rows set aside. Refused whole: input that is neither a table nor a verdict, binary
 * input, a table cut short (a GPU block or the Processes table not closed), and a table none of whose GPU
 * rows can be read.
 */

export const NvidiaSmiStatus = z.enum(['ok', 'no-devices', 'no-driver']);
export type NvidiaSmiStatus = z.infer<typeof NvidiaSmiStatus>;

export const NvidiaSmiGpu = z
  .object({
    index: z.number().int().nonnegative(),
    /** As printed; the old layout cuts long names short ("GeForce GTX 105..."). */
    name: z.string().min(1),
    /** "00000000:05:00.0" (domain:bus:device.function, hex). */
    busId: z.string().regex(/^[0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f]$/),
    persistence: z.boolean(),
    /** Fan speed; null where the board has no fan (Tesla cards print N/A). */
    fanPercent: z.number().nonnegative().nullable(),
    temperatureC: z.number().nullable(),
    /** "P0".."P12", null when N/A. */
    perfState: z.string().regex(/^P\d{1,2}$/).nullable(),
    powerDrawW: z.number().nonnegative().nullable(),
    powerCapW: z.number().nonnegative().nullable(),
    memoryUsedMiB: z.number().int().nonnegative().nullable(),
    memoryTotalMiB: z.number().int().nonnegative().nullable(),
    utilizationPercent: z.number().nonnegative().nullable(),
    /** "Default", "E. Process", "Prohibited"…, null when N/A. */
    computeMode: z.string().nullable(),
  })
  .strict();
export type NvidiaSmiGpu = z.infer<typeof NvidiaSmiGpu>;

export const NvidiaSmiProcess = z
  .object({
    gpu: z.number().int().nonnegative(),
    pid: z.number().int().nonnegative().nullable(),
    /** "C" compute, "G" graphics, "C+G"… */
    type: z.string().min(1),
    name: z.string(),
    memoryMiB: z.number().int().nonnegative().nullable(),
  })
  .strict();
export type NvidiaSmiProcess = z.infer<typeof NvidiaSmiProcess>;

export const NvidiaSmiOutput = z
  .object({
    status: NvidiaSmiStatus,
    /** The verdict line for 'no-devices' / 'no-driver', null for 'ok'. */
    message: z.string().nullable(),
    driverVersion: z.string().nullable(),
    /** Highest CUDA version the driver supports; null when not printed or N/A. */
    cudaVersion: z.string().nullable(),
    gpus: z.array(NvidiaSmiGpu),
    /** Running processes; [] for "No running processes found", null when the table has no Processes section. */
    processes: z.array(NvidiaSmiProcess).nullable(),
    unparsed: Unparsed,
  })
  .strict();
export type NvidiaSmiOutput = z.infer<typeof NvidiaSmiOutput>;

export interface NvidiaSmiVerdict {
  status: 'no-devices' | 'no-driver';
  message: string;
}

/** The verdicts nvidia-smi prints instead of data (shared with the CSV query parser). */
export function nvidiaSmiVerdict(lines: readonly string[]): NvidiaSmiVerdict | null {
  for (const raw of lines) {
    const line = raw.trim();
    if (/^No devices were found\.?$/.test(line)) return { status: 'no-devices', message: line };
    if (/^NVIDIA-SMI has failed because/.test(line) || /^Failed to initialize NVML\b/.test(line)) return { status: 'no-driver', message: line };
  }
  return null;
}

const HEADER = /^\|\s*NVIDIA-SMI\s+(\S+)\s+(?:Driver|KMD) Version:\s+(\S+)(?:\s+CUDA(?: UMD)? Version:\s+(\S+))?\s*\|/;
const ROW1_NAME = /^\s*(\d+)\s+(.+?)\s+(On|Off)\s*$/;
const ROW1_BUS = /^\s*([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f])\s+\S+\s*$/;
const NA = 'N/A|ERR!|\\[N/A\\]|Unknown';
const ROW2_STATE = new RegExp(
  `^\\s*(${NA}|\\d+%)\\s+(${NA}|-?\\d+C)\\s+(${NA}|P\\d{1,2})\\s+(${NA}|\\d+(?:\\.\\d+)?W)\\s*/\\s*(${NA}|\\d+(?:\\.\\d+)?W)\\s*$`,
);
const ROW2_MEMORY = new RegExp(`^\\s*(${NA}|\\d+MiB)\\s*/\\s*(${NA}|\\d+MiB)\\s*$`);
const ROW2_UTIL = new RegExp(`^\\s*(${NA}|\\d+%)\\s+(\\S.*?)\\s*$`);
const PROCESS = /^\|\s*(\d+)\s+(?:(?:N\/A|\d+)\s+(?:N\/A|\d+)\s+)?(N\/A|\d+)\s+([CGM](?:\+[CGM])*)\s+(.*?)\s+(N\/A|\d+MiB)\s*\|$/;

/** A number with its unit suffix stripped, or null for N/A-like markers; undefined if unreadable. */
function measure(text: string | undefined, unit: string): number | null | undefined {
  if (text === undefined) return undefined;
  if (!text.endsWith(unit)) return null;
  const value = Number(text.slice(0, text.length - unit.length));
  return Number.isFinite(value) ? value : undefined;
}

function cells(line: string): string[] | null {
  const parts = line.trimEnd().split('|');
  if (parts.length !== 5 || parts[0] !== '' || parts[4] !== '') return null;
  return parts.slice(1, 4);
}

function parseGpu(lines: readonly string[], first: number, second: number): NvidiaSmiGpu | ParseResult<never> {
  const row1 = cells(lines[first] ?? '');
  const name = row1 ? ROW1_NAME.exec(row1[0] ?? '') : null;
  const bus = row1 ? ROW1_BUS.exec(row1[1] ?? '') : null;
  if (!name || !bus) return lineFailure(lines, first, `unrecognised GPU row ${quote(lines[first] ?? '')}`, true);
  const row2 = cells(lines[second] ?? '');
  const state = row2 ? ROW2_STATE.exec(row2[0] ?? '') : null;
  const memory = row2 ? ROW2_MEMORY.exec(row2[1] ?? '') : null;
  const util = row2 ? ROW2_UTIL.exec(row2[2] ?? '') : null;
  if (!state || !memory || !util) return lineFailure(lines, second, `unrecognised GPU state row ${quote(lines[second] ?? '')}`, true);
  const gpu = {
    index: safeInt(name[1] ?? ''),
    name: name[2] ?? '',
    busId: bus[1] ?? '',
    persistence: name[3] === 'On',
    fanPercent: measure(state[1], '%'),
    temperatureC: measure(state[2], 'C'),
    perfState: /^P\d/.test(state[3] ?? '') ? (state[3] ?? null) : null,
    powerDrawW: measure(state[4], 'W'),
    powerCapW: measure(state[5], 'W'),
    memoryUsedMiB: measure(memory[1], 'MiB'),
    memoryTotalMiB: measure(memory[2], 'MiB'),
    utilizationPercent: measure(util[1], '%'),
    computeMode: util[2] === 'N/A' ? null : (util[2] ?? null),
  };
  const { index, fanPercent, temperatureC, powerDrawW, powerCapW, memoryUsedMiB, memoryTotalMiB, utilizationPercent } = gpu;
  if (
    index === null ||
    fanPercent === undefined ||
    temperatureC === undefined ||
    powerDrawW === undefined ||
    powerCapW === undefined ||
    memoryUsedMiB === undefined ||
    memoryTotalMiB === undefined ||
    utilizationPercent === undefined
  ) {
    return lineFailure(lines, second, `unreadable numbers for GPU ${name[1] ?? '?'}`);
  }
  return { ...gpu, index, fanPercent, temperatureC, powerDrawW, powerCapW, memoryUsedMiB, memoryTotalMiB, utilizationPercent };
}

const isSeparator = (line: string): boolean => /^\+[-=+]+\+$/.test(line.trim());
const isRule = (line: string): boolean => /^\|=+(?:\+=+)*\|$/.test(line.trim());
/** The date and time nvidia-smi prints above the table: `Wed Oct 22 18:45:10 2025`. */
const isTimestamp = (line: string): boolean => /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}$/.test(line.trim());
/** The third row of a GPU block in newer layouts (`MIG M.` column), or an empty row. */
const isExtraGpuRow = (line: string): boolean => (cells(line) ?? ['x']).every((cell) => /^\s*(?:N\/A|Disabled|Enabled|)\s*$/.test(cell));

function parseProcesses(
  text: string,
  lines: readonly string[],
  from: number,
  unparsed: UnparsedLine[],
): { processes: NvidiaSmiProcess[]; end: number } | ParseResult<never> {
  let i = from + 1;
  for (; i < lines.length && !isRule(lines[i] ?? ''); i++) {
    const line = (lines[i] ?? '').trim();
    if (line !== '' && !line.startsWith('|')) unparsed.push({ line: i + 1, text: lines[i] ?? '' });
  }
  if (i >= lines.length) return parseFailure('truncated', 'Processes table ends before its header rule', lines.length);
  const processes: NvidiaSmiProcess[] = [];
  for (i++; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    if (isSeparator(line)) return { processes, end: i };
    if (/^\|\s*No running processes found\s*\|$/.test(line)) continue;
    const row = hasBinary(line) ? null : PROCESS.exec(line);
    const [, gpuText = '', pidText = '', type = '', name = '', memoryText = ''] = row ?? [];
    const gpu = safeInt(gpuText);
    const pid = pidText === 'N/A' ? null : safeInt(pidText);
    const memoryMiB = measure(memoryText, 'MiB');
    if (row === null || gpu === null || (pidText !== 'N/A' && pid === null) || memoryMiB === undefined) {
      const cut = cutOff(text, lines, i, `unrecognised process row ${quote(line)}`, line.startsWith('|'));
      if (cut) return cut;
      unparsed.push({ line: i + 1, text: lines[i] ?? '' });
      continue;
    }
    processes.push({ gpu, pid, type, name, memoryMiB });
  }
  return parseFailure('truncated', 'Processes table is not closed', lines.length);
}

function parse(text: string): ParseResult<NvidiaSmiOutput> {
  const rejected = refuseNonText(text, 'nvidia-smi');
  if (rejected) return rejected;
  const lines = splitLines(text);
  const unparsed: UnparsedLine[] = [];
  const headerIndex = lines.findIndex((line) => !hasBinary(line) && HEADER.test(line.trim()));
  if (headerIndex < 0) {
    const verdict = nvidiaSmiVerdict(lines);
    if (verdict) return validated(NvidiaSmiOutput, { ...verdict, driverVersion: null, cudaVersion: null, gpus: [], processes: null, unparsed: [] });
    const prefix = lines.findIndex((line) => /^\|\s*NVIDIA-SMI\b/.test(line.trim()));
    if (prefix >= 0) return lineFailure(lines, prefix, `unrecognised nvidia-smi header ${quote(lines[prefix] ?? '')}`, true);
    const first = lines.find((line) => line.trim() !== '') ?? '';
    return parseFailure('unexpected-output', `not an nvidia-smi table or verdict: ${quote(first.trim())}`);
  }
  const header = HEADER.exec((lines[headerIndex] ?? '').trim());
  const driverVersion = header?.[2] ?? null;
  const cuda = header?.[3];
  const cudaVersion = cuda === undefined || cuda === 'N/A' ? null : cuda;
  /** Sets aside a line that is neither blank nor part of the table's frame. */
  const setAsideUnlessFrame = (i: number): void => {
    const line = (lines[i] ?? '').trim();
    if (line === '' || (!hasBinary(line) && (line.startsWith('|') || line.startsWith('+')))) return;
    unparsed.push({ line: i + 1, text: lines[i] ?? '' });
  };
  for (let i = 0; i < headerIndex; i++) if (!isTimestamp(lines[i] ?? '')) setAsideUnlessFrame(i);

  // The GPU table: column headings, a === rule, then one block per GPU closed by a +---+ separator.
  let i = headerIndex + 1;
  for (; i < lines.length && !isRule(lines[i] ?? ''); i++) setAsideUnlessFrame(i);
  if (i >= lines.length) return parseFailure('truncated', 'nvidia-smi table ends before its GPU rows', lines.length);
  const gpus: NvidiaSmiGpu[] = [];
  let firstFailure: ParseResult<never> | null = null;
  let block: number[] = [];
  for (i++; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    if (isSeparator(line)) {
      // Two separators in a row: the GPU table ended and the next section (MIG devices, Processes) begins.
      if (block.length === 0 && (gpus.length > 0 || firstFailure !== null)) break;
      const [first, second, ...rest] = block;
      const gpu = first === undefined || second === undefined ? lineFailure(lines, i, 'GPU block with fewer than two rows') : parseGpu(lines, first, second);
      if ('ok' in gpu) {
        firstFailure ??= gpu;
        for (const index of block) unparsed.push({ line: index + 1, text: lines[index] ?? '' });
      } else {
        gpus.push(gpu);
        for (const index of rest) if (!isExtraGpuRow(lines[index] ?? '')) unparsed.push({ line: index + 1, text: lines[index] ?? '' });
      }
      block = [];
      continue;
    }
    if (hasBinary(line) || cells(line) === null) {
      const cut = cutOff(text, lines, i, `unexpected line in the GPU table ${quote(line)}`, line.startsWith('|'));
      if (cut) return cut;
      unparsed.push({ line: i + 1, text: lines[i] ?? '' });
      continue;
    }
    block.push(i);
  }
  if (block.length > 0) return parseFailure('truncated', 'the last GPU block is not closed', lines.length);
  if (gpus.length === 0) return firstFailure ?? parseFailure('truncated', 'nvidia-smi table lists no GPU', lines.length);
  if (new Set(gpus.map((g) => g.index)).size !== gpus.length) return parseFailure('malformed', 'a GPU index appears twice');

  // Sections after the GPU table: MIG devices (not interpreted) and Processes.
  let processes: NvidiaSmiProcess[] | null = null;
  for (; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (!hasBinary(line) && /^\|\s*Processes:/.test(line)) {
      const read = parseProcesses(text, lines, i, unparsed);
      if ('ok' in read) return read;
      processes = read.processes;
      i = read.end;
      continue;
    }
    setAsideUnlessFrame(i);
  }
  unparsed.sort((a, b) => a.line - b.line);
  return validated(NvidiaSmiOutput, { status: 'ok', message: null, driverVersion, cudaVersion, gpus, processes, unparsed });
}

export const parseNvidiaSmi: (text: string) => ParseResult<NvidiaSmiOutput> = guarded('nvidia-smi', parse);
