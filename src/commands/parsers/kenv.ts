import { z } from 'zod';
import { parseFailure, Unparsed, validated, type ParseResult, type UnparsedLine } from '../parse-result';
import { cutOff, guarded, hasBinary, quote, refuseNonText, splitLines } from './text';

/**
 * `kenv` with no arguments dumps the kernel environment as `name="value"` lines (sbin/kenv:
 * `printf("%s=\"%s\"\n", …)`, no escaping, so a value runs to the line's last quote and may be empty):
 *
 *   smbios.bios.version="8DET76WW (1.46 )"
 *   smbios.system.maker="LENOVO"
 *   smbios.system.product="4291WF5"
 *   smbios.system.version="ThinkPad X220"
 */

export const KenvOutput = z.object({ values: z.record(z.string(), z.string()), unparsed: Unparsed }).strict();
export type KenvOutput = z.infer<typeof KenvOutput>;

const LINE = /^([^\s="]+)="(.*)"$/;
const LINE_START = /^[^\s="]+="/;

/**
 * Lines that are not `name="value"`, a name given twice (the first value is kept) and `__proto__` are set
 * aside in `unparsed`. Refused whole: input without a single `name="value"` line, binary input, and output
 * cut off in the middle of its last line.
 */
function parse(text: string): ParseResult<KenvOutput> {
  const refused = refuseNonText(text, 'kenv');
  if (refused) return refused;
  const lines = splitLines(text);
  const values: Record<string, string> = {};
  const seen = new Set<string>();
  const unparsed: UnparsedLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const match = hasBinary(line) ? null : LINE.exec(line);
    const [, name = '', value = ''] = match ?? [];
    if (match === null || seen.has(name) || name === '__proto__') {
      const cut = cutOff(text, lines, i, `kenv line cannot be read: ${quote(line)}`, LINE_START.test(line));
      if (cut) return cut;
      unparsed.push({ line: i + 1, text: line });
      continue;
    }
    seen.add(name);
    Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
  }
  if (seen.size === 0) {
    const first = lines.findIndex((l) => l.trim() !== '');
    return parseFailure('unexpected-output', `no name="value" line (first line: ${quote((lines[first] ?? '').trim())})`, first + 1);
  }
  return validated(KenvOutput, { values, unparsed });
}

export const parseKenv: (text: string) => ParseResult<KenvOutput> = guarded('kenv', parse);
