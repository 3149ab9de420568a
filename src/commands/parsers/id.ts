import { z } from 'zod';
import { parseFailure, validated, type ParseResult } from '../parse-result';
import { guarded, precheck, quote, safeInt, splitLines } from './text';

/** `id -u`: the numeric user id alone, e.g. `1001`. */

export const IdUid = z.object({ uid: z.number().int().nonnegative().max(0xffffffff) }).strict();
export type IdUid = z.infer<typeof IdUid>;

/** `id -un`: the user name alone. */
export const IdName = z.object({ name: z.string().regex(/^[^\s:]+$/) }).strict();
export type IdName = z.infer<typeof IdName>;

function singleLine(text: string, what: string): string | ParseResult<never> {
  const lines = splitLines(text).filter((line) => line.trim() !== '');
  if (lines.length !== 1) return parseFailure('malformed', `${what} prints one line, got ${lines.length}`);
  return (lines[0] ?? '').trim();
}

function parseUid(text: string): ParseResult<IdUid> {
  const rejected = precheck(text, 'id -u');
  if (rejected) return rejected;
  const line = singleLine(text, 'id -u');
  if (typeof line !== 'string') return line;
  const uid = safeInt(line);
  if (uid === null) return parseFailure('malformed', `id -u printed ${quote(line)}, not a user id`, 1);
  return validated(IdUid, { uid });
}

function parseName(text: string): ParseResult<IdName> {
  const rejected = precheck(text, 'id -un');
  if (rejected) return rejected;
  const line = singleLine(text, 'id -un');
  if (typeof line !== 'string') return line;
  return validated(IdName, { name: line });
}

export const parseIdUid: (text: string) => ParseResult<IdUid> = guarded('id -u', parseUid);
export const parseIdName: (text: string) => ParseResult<IdName> = guarded('id -un', parseName);
