import { z } from 'zod';
import { validated, type ParseResult } from '../parse-result';
import { guarded, lineFailure, precheck, quote, splitLines } from './text';

/**
 * `kenv` with no arguments dumps the kernel environment as `name="value"` lines (sbin/kenv:
 * `printf("%s=\"%s\"\n", …)`, no escaping, so a value runs to the line's last quote and may be empty):
 *
 *   smbios.bios.version="8DET76WW (1.46 )"
 *   smbios.system.maker="LENOVO"
 *   smbios.system.product="4291WF5"
 *   smbios.system.version="ThinkPad X220"
 */

export const KenvOutput = z.object({ values: z.record(z.string(), z.string()) }).strict();
export type KenvOutput = z.infer<typeof KenvOutput>;

const LINE = /^([^\s="]+)="(.*)"$/;

function parse(text: string): ParseResult<KenvOutput> {
  const rejected = precheck(text, 'kenv');
  if (rejected) return rejected;
  const lines = splitLines(text);
  const values: Record<string, string> = {};
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const match = LINE.exec(line);
    if (!match) return lineFailure(lines, i, `not a kenv name="value" line: ${quote(line)}`, /^[^\s="]+="/.test(line));
    const [, name = '', value = ''] = match;
    if (seen.has(name)) return lineFailure(lines, i, `${name} is listed twice`);
    if (name === '__proto__') return lineFailure(lines, i, 'a variable named __proto__ cannot be represented');
    seen.add(name);
    Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return validated(KenvOutput, { values });
}

export const parseKenv: (text: string) => ParseResult<KenvOutput> = guarded('kenv', parse);
