import { z } from 'zod';
import { validated, type ParseResult } from '../parse-result';
import { guarded, precheck } from './text';

/**
 * `sysctl -n key`: the value alone, trimmed; some values span several lines (kept as printed inside).
 * `value` is nullable because the catalogue answers an unknown name with `{ value: null }` itself.
 * An empty value is reported as an 'empty' error like every other empty output.
 */

export const SysctlValue = z.object({ value: z.string().nullable() }).strict();
export type SysctlValue = z.infer<typeof SysctlValue>;

function parse(text: string): ParseResult<SysctlValue> {
  const rejected = precheck(text, 'sysctl');
  if (rejected) return rejected;
  return validated(SysctlValue, { value: text.replace(/\r\n/g, '\n').trim() });
}

export const parseSysctlValue: (text: string) => ParseResult<SysctlValue> = guarded('sysctl', parse);
