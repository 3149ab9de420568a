import { z } from 'zod';
import { parseFailure, validated, type ParseResult } from '../parse-result';
import { guarded, precheck, quote, safeInt, splitLines } from './text';

/**
 * `uname -rsm`: system name, release and machine on one line, e.g. `FreeBSD 14.2-RELEASE-p1 amd64`,
 * `Linux 6.1.0-18-amd64 x86_64`, `Darwin 23.4.0 arm64`. major/minor are the release's leading `N.M`.
 */

export const UnameOutput = z
  .object({
    sysname: z.string().min(1),
    release: z.string().min(1),
    machine: z.string().min(1),
    major: z.number().int().nonnegative().nullable(),
    minor: z.number().int().nonnegative().nullable(),
  })
  .strict();
export type UnameOutput = z.infer<typeof UnameOutput>;

function parse(text: string): ParseResult<UnameOutput> {
  const rejected = precheck(text, 'uname');
  if (rejected) return rejected;
  const lines = splitLines(text).filter((line) => line.trim() !== '');
  if (lines.length !== 1) return parseFailure('malformed', `uname -rsm prints one line, got ${lines.length}`);
  const line = lines[0] ?? '';
  const parts = line.trim().split(/\s+/);
  const [sysname, release, machine] = parts;
  if (parts.length !== 3 || sysname === undefined || release === undefined || machine === undefined) {
    return parseFailure('malformed', `expected "system release machine", got ${quote(line)}`, 1);
  }
  const version = /^(\d+)\.(\d+)/.exec(release);
  const major = version ? safeInt(version[1] ?? '') : null;
  const minor = version ? safeInt(version[2] ?? '') : null;
  return validated(UnameOutput, { sysname, release, machine, major, minor });
}

export const parseUname: (text: string) => ParseResult<UnameOutput> = guarded('uname', parse);
