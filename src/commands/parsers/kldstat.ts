import { z } from 'zod';
import { parseFailure, validated, type ParseResult } from '../parse-result';
import { guarded, lineFailure, precheck, quote, safeHex, safeInt, splitLines } from './text';

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

export const KldstatOutput = z.object({ modules: z.array(KldstatModule) }).strict();
export type KldstatOutput = z.infer<typeof KldstatOutput>;

const HEADER = /^\s*Id\s+Refs\s+Address\s+Size\s+Name\s*$/;
const ROW = /^\s*(\d+)\s+(\d+)\s+(0x[0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+(\S+)$/;
const ROW_START = /^\s*\d+\s+\d+\s/;

function parse(text: string): ParseResult<KldstatOutput> {
  const rejected = precheck(text, 'kldstat');
  if (rejected) return rejected;
  const lines = splitLines(text);
  const first = lines.findIndex((line) => line.trim() !== '');
  if (!HEADER.test(lines[first] ?? '')) {
    return lineFailure(lines, first, `expected the kldstat header "Id Refs Address Size Name", got ${quote(lines[first] ?? '')}`);
  }
  const modules: KldstatModule[] = [];
  for (let i = first + 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').trimEnd();
    if (line === '') continue;
    const row = ROW.exec(line);
    if (!row) return lineFailure(lines, i, `not a kldstat row: ${quote(line)}`, ROW_START.test(line));
    const [, idText = '', refsText = '', address = '', sizeText = '', name = ''] = row;
    const id = safeInt(idText);
    const refs = safeInt(refsText);
    const sizeBytes = safeHex(sizeText);
    if (id === null || refs === null || sizeBytes === null) return lineFailure(lines, i, `unreadable numbers in ${quote(line)}`);
    if (modules.some((m) => m.id === id)) return lineFailure(lines, i, `module id ${id} listed twice`);
    modules.push({ id, refs, address: address.toLowerCase(), sizeBytes, name });
  }
  if (modules.length === 0) return parseFailure('truncated', 'kldstat printed its header but no modules (not even the kernel)');
  return validated(KldstatOutput, { modules });
}

export const parseKldstat: (text: string) => ParseResult<KldstatOutput> = guarded('kldstat', parse);
