import { z } from 'zod';
import { parseFailure, validated, type ParseResult } from '../parse-result';
import { guarded, precheck, splitLines } from './text';

/**
 * `sysctl NAME…` for subtrees such as `dev.pci`: one `name: value` line per leaf. A value may run over
 * several lines (rare in the dev tree); such lines carry no `name: ` prefix and belong to the leaf above.
 */
export const SysctlTree = z.object({ values: z.record(z.string(), z.string()) }).strict();
export type SysctlTree = z.infer<typeof SysctlTree>;

const LEAF = /^([A-Za-z0-9_.%-]+): ?(.*)$/;

function parse(text: string): ParseResult<SysctlTree> {
  const rejected = precheck(text, 'sysctl');
  if (rejected) return rejected;
  const values = new Map<string, string>();
  let last: string | null = null;
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const leaf = LEAF.exec(line);
    if (leaf?.[1] !== undefined && leaf[1].includes('.')) {
      last = leaf[1];
      values.set(last, leaf[2] ?? '');
    } else if (last !== null) {
      values.set(last, `${values.get(last) ?? ''}\n${line}`);
    } else if (line.trim() !== '') {
      return parseFailure('malformed', `expected "name: value", got ${JSON.stringify(line.slice(0, 80))}`, i + 1);
    }
  }
  // Object.fromEntries on a Map: names like "__proto__" stay plain keys of a null-prototype record.
  return validated(SysctlTree, { values: Object.assign(Object.create(null) as Record<string, string>, Object.fromEntries(values)) });
}

export const parseSysctlTree: (text: string) => ParseResult<SysctlTree> = guarded('sysctl', parse);
