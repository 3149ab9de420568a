import { z } from 'zod';
import { parseFailure, Unparsed, validated, type ParseResult, type UnparsedLine } from '../parse-result';
import { cutOff, guarded, hasBinary, quote, refuseNonText, safeHex, safeInt, splitLines } from './text';

/**
 * FreeBSD `kldstat` (usr.sbin/kldstat: `"%2d %4d %*p %8zx %s"` under the header
 * `Id Refs Address                Size Name`):
 *
 *   Id Refs Address                Size Name
 *    1   85 0xffffffff80200000  1f3e2d0 kernel
 *    2    1 0xffffffff82140000   ff2b38 nvidia.ko
 */

export const KldstatModule = z
  .object({
    id: z.number().int().positive(),
    refs: z.number().int().nonnegative(),
    address: z.string().regex(/^0x[0-9a-f]+$/),
    sizeBytes: z.number().int().nonnegative(),
    /** File name as printed: "kernel", "nvidia.ko", "linux64.ko"… */
    name: z.string().min(1),
  })
  .strict();
export type KldstatModule = z.infer<typeof KldstatModule>;

export const KldstatOutput = z.object({ modules: z.array(KldstatModule), unparsed: Unparsed }).strict();
export type KldstatOutput = z.infer<typeof KldstatOutput>;

const HEADER = /^\s*Id\s+Refs\s+Address\s+Size\s+Name\s*$/;
/** `kldstat -v` adds the file's path after its name: `kernel (/boot/kernel/kernel)`. */
const ROW = /^\s*(\d+)\s+(\d+)\s+(0x[0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+(\S+)(?: \(.*\))?$/;
const ROW_START = /^\s*\d+\s+\d+\s/;
/** The module list `kldstat -v` prints under each file: known, not interpreted. */
const VERBOSE_MODULES = /^\s+(?:Contains modules:|Id Name|\d+ \S+)$/;

/**
 * Lines before the header and rows that cannot be read are set aside in `unparsed`. Refused whole: input
 * without the header line (not kldstat output), binary input, a header with no module under it, and output
 * cut off in the middle of its last row.
 */
function parse(text: string): ParseResult<KldstatOutput> {
  const refused = refuseNonText(text, 'kldstat');
  if (refused) return refused;
  const lines = splitLines(text);
  const header = lines.findIndex((line) => HEADER.test(line));
  if (header < 0) {
    const first = lines.findIndex((line) => line.trim() !== '');
    return parseFailure('unexpected-output', `no "Id Refs Address Size Name" header (first line: ${quote((lines[first] ?? '').trim())})`, first + 1);
  }
  const unparsed: UnparsedLine[] = [];
  for (let i = 0; i < header; i++) if ((lines[i] ?? '').trim() !== '') unparsed.push({ line: i + 1, text: lines[i] ?? '' });
  const modules: KldstatModule[] = [];
  for (let i = header + 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').trimEnd();
    if (line === '') continue;
    const binary = hasBinary(line);
    if (!binary && VERBOSE_MODULES.test(line)) continue;
    const row = binary ? null : ROW.exec(line);
    const [, idText = '', refsText = '', address = '', sizeText = '', name = ''] = row ?? [];
    const id = safeInt(idText);
    const refs = safeInt(refsText);
    const sizeBytes = safeHex(sizeText);
    if (row === null || id === null || refs === null || sizeBytes === null || modules.some((m) => m.id === id)) {
      const cut = cutOff(text, lines, i, `kldstat row cannot be read: ${quote(line)}`, ROW_START.test(line));
      if (cut) return cut;
      unparsed.push({ line: i + 1, text: lines[i] ?? '' });
      continue;
    }
    modules.push({ id, refs, address: address.toLowerCase(), sizeBytes, name });
  }
  if (modules.length === 0) return parseFailure('truncated', 'kldstat printed its header but no modules (not even the kernel)');
  return validated(KldstatOutput, { modules, unparsed });
}

export const parseKldstat: (text: string) => ParseResult<KldstatOutput> = guarded('kldstat', parse);
