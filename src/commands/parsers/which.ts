import { z } from 'zod';
import { parseFailure, validated, type ParseResult } from '../parse-result';
import { guarded, precheck, quote, splitLines } from './text';

/**
 * `which program`: the absolute path of the program, e.g. `/usr/local/bin/sudo`. (Not found is a non-zero
 * exit with no output; the catalogue maps that to `{ path: null }` before this parser is asked.)
 */

export const WhichOutput = z.object({ path: z.string().startsWith('/').nullable() }).strict();
export type WhichOutput = z.infer<typeof WhichOutput>;

function parse(text: string): ParseResult<WhichOutput> {
  const rejected = precheck(text, 'which');
  if (rejected) return rejected;
  const lines = splitLines(text).filter((line) => line.trim() !== '');
  if (lines.length !== 1) return parseFailure('malformed', `which prints one path, got ${lines.length} lines`);
  const path = (lines[0] ?? '').trim();
  if (!path.startsWith('/')) return parseFailure('malformed', `which printed ${quote(path)}, not an absolute path`, 1);
  return validated(WhichOutput, { path });
}

export const parseWhich: (text: string) => ParseResult<WhichOutput> = guarded('which', parse);
