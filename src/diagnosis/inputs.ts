import type { ParseResult } from '../commands/parse-result';
import { parseAcpiTables, type AcpiTablesOutput } from '../commands/parsers/acpi-tables';
import { DEFAULT_CSV_FIELDS } from '../commands/parse-kinds';
import { parseDmesg, type DmesgOutput } from '../commands/parsers/dmesg';
import { parseKenv } from '../commands/parsers/kenv';
import { parseKldstat, type KldstatModule } from '../commands/parsers/kldstat';
import { parseNvidiaSmi, type NvidiaSmiOutput } from '../commands/parsers/nvidia-smi';
import { parseNvidiaSmiCsv, type NvidiaSmiCsvOutput } from '../commands/parsers/nvidia-smi-csv';
import { parsePciconf, type PciconfOutput } from '../commands/parsers/pciconf';
import { parsePkgQuery, type PkgQueryPackage } from '../commands/parsers/pkg-query';
import { parseSysctlTree } from '../commands/parsers/sysctl-tree';
import { splitLines } from '../commands/parsers/text';
import { parseOllamaLog, type OllamaLog } from '../bench/ollama-log';
import type { DiagnosisInput, EvidenceRef, SourceName, UnreadableInput } from './types';

/** The parsed inputs the rules reason about; a source that was not given (or not readable) is undefined. */
export interface Parsed {
  pciconf?: PciconfOutput;
  /** Boot messages: dmesg.boot when given (the whole boot, never wrapped), else the message buffer. */
  boot?: { source: SourceName; value: DmesgOutput };
  /** Every kernel message source given, boot record first (NVRM lines come from later kldloads too). */
  messages: Array<{ source: SourceName; value: DmesgOutput }>;
  kldstat?: KldstatModule[];
  kenv?: Record<string, string>;
  sysctl?: Record<string, string>;
  packages?: PkgQueryPackage[];
  nvidiaSmi?: NvidiaSmiOutput;
  nvidiaSmiCsv?: NvidiaSmiCsvOutput;
  llama?: string;
  /** `acpidump -t`: which ACPI tables the firmware provides (DMAR: VT-d is on). */
  acpiTables?: AcpiTablesOutput;
  /** ollama serve's log, as of its last start. */
  ollamaLog?: OllamaLog;
}

/** The raw lines of every source, for evidence: numbers exactly as in the input. */
export class Lines {
  private readonly bySource = new Map<SourceName, string[]>();

  constructor(input: DiagnosisInput) {
    for (const output of input.outputs) this.bySource.set(output.source, splitLines(output.text));
  }

  of(source: SourceName): readonly string[] {
    return this.bySource.get(source) ?? [];
  }

  /** Evidence for 1-based line numbers of one source (numbers past the end are dropped). */
  at(source: SourceName, numbers: readonly number[]): EvidenceRef[] {
    const lines = this.of(source);
    return [...new Set(numbers)]
      .sort((a, b) => a - b)
      .filter((n) => n >= 1 && n <= lines.length)
      .map((n) => ({ source, line: n, text: (lines[n - 1] ?? '').slice(0, 4000) }));
  }

  /** Evidence for every line of a source that `pick` accepts, at most `limit` of them. */
  where(source: SourceName, pick: (text: string, n: number) => boolean, limit = 20): EvidenceRef[] {
    const numbers: number[] = [];
    this.of(source).forEach((text, i) => {
      if (numbers.length < limit && pick(text, i + 1)) numbers.push(i + 1);
    });
    return this.at(source, numbers);
  }
}

type Parser<T> = (text: string) => ParseResult<T>;

const PARSERS = {
  pciconf: parsePciconf,
  dmesg: parseDmesg,
  'dmesg-boot': parseDmesg,
  kldstat: parseKldstat,
  kenv: parseKenv,
  sysctl: parseSysctlTree,
  'pkg-query': parsePkgQuery,
  'nvidia-smi': parseNvidiaSmi,
  'nvidia-smi-csv': (text: string) => parseNvidiaSmiCsv(text, [...DEFAULT_CSV_FIELDS]),
  llama: (text: string): ParseResult<string> => ({ ok: true, value: text }),
  acpidump: parseAcpiTables,
  'ollama-log': parseOllamaLog,
} satisfies { [S in SourceName]: Parser<unknown> };

type ParsedValue<S extends SourceName> = (typeof PARSERS)[S] extends Parser<infer T> ? T : never;

/** Parses one source with the project's parser for it; the CLI uses this to refuse a file that is not what it claims. */
export function parseSource(source: SourceName, text: string): ParseResult<unknown> {
  return PARSERS[source](text);
}

/** Parses every given output; what cannot be parsed is reported, not guessed at. */
export function parseInputs(input: DiagnosisInput): { parsed: Parsed; unreadable: UnreadableInput[] } {
  const parsed: Parsed = { messages: [] };
  const unreadable: UnreadableInput[] = [];
  const text = (source: SourceName) => input.outputs.find((o) => o.source === source)?.text;
  const read = <S extends SourceName>(source: S): ParsedValue<S> | undefined => {
    const raw = text(source);
    if (raw === undefined) return undefined;
    const result = (PARSERS[source] as Parser<ParsedValue<S>>)(raw);
    if (result.ok) return result.value;
    unreadable.push({ source, message: result.error.message, line: result.error.line ?? null });
    return undefined;
  };
  const pciconf = read('pciconf');
  if (pciconf) parsed.pciconf = pciconf;
  for (const source of ['dmesg-boot', 'dmesg'] as const) {
    const value = read(source);
    if (value) parsed.messages.push({ source, value });
  }
  const boot = parsed.messages[0];
  if (boot) parsed.boot = boot;
  const kldstat = read('kldstat');
  if (kldstat) parsed.kldstat = kldstat.modules;
  const kenv = read('kenv');
  if (kenv) parsed.kenv = kenv.values;
  const sysctl = read('sysctl');
  if (sysctl) parsed.sysctl = sysctl.values;
  const packages = read('pkg-query');
  if (packages) parsed.packages = packages.packages;
  const smi = read('nvidia-smi');
  if (smi) parsed.nvidiaSmi = smi;
  const csv = read('nvidia-smi-csv');
  if (csv) parsed.nvidiaSmiCsv = csv;
  const acpi = read('acpidump');
  if (acpi) parsed.acpiTables = acpi;
  const llama = text('llama');
  if (llama !== undefined) parsed.llama = llama;
  const ollamaLog = read('ollama-log');
  if (ollamaLog) parsed.ollamaLog = ollamaLog;
  return { parsed, unreadable };
}

/** A tunable as the running kernel sees it: sysctl first (the live value), else the kernel environment. */
export function tunable(parsed: Parsed, name: string): string | undefined {
  return parsed.sysctl?.[name] ?? parsed.kenv?.[name];
}
