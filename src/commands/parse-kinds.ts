import type { ParseResult } from './parse-result';
import { parseDmesg } from './parsers/dmesg';
import { parseKenv } from './parsers/kenv';
import { parseKldstat } from './parsers/kldstat';
import { parseNvidiaSmi } from './parsers/nvidia-smi';
import { NvidiaSmiQueryField, parseNvidiaSmiCsv } from './parsers/nvidia-smi-csv';
import { parsePciconf } from './parsers/pciconf';
import { parsePkgQuery } from './parsers/pkg-query';

/** The fields `parse nvidia-smi-csv` assumes when none are given: the wizard's own thermal query. */
export const DEFAULT_CSV_FIELDS = [
  'index',
  'name',
  'pci.bus_id',
  'driver_version',
  'memory.total',
  'temperature.gpu',
  'power.draw',
] as const satisfies readonly NvidiaSmiQueryField[];

export interface ParseKindOptions {
  fields?: readonly NvidiaSmiQueryField[];
}

/** The outputs `egpu-wizard parse` understands; the names are part of the CLI contract. */
export const parseKinds = {
  pciconf: (text: string) => parsePciconf(text),
  kldstat: (text: string) => parseKldstat(text),
  'nvidia-smi': (text: string) => parseNvidiaSmi(text),
  'nvidia-smi-csv': (text: string, options: ParseKindOptions) => parseNvidiaSmiCsv(text, [...(options.fields ?? DEFAULT_CSV_FIELDS)]),
  dmesg: (text: string) => parseDmesg(text),
  kenv: (text: string) => parseKenv(text),
  'pkg-query': (text: string) => parsePkgQuery(text),
} satisfies Record<string, (text: string, options: ParseKindOptions) => ParseResult<unknown>>;

export type ParseKind = keyof typeof parseKinds;
export const parseKindNames = Object.keys(parseKinds) as ParseKind[];
export const isParseKind = (name: string): name is ParseKind => Object.prototype.hasOwnProperty.call(parseKinds, name);
