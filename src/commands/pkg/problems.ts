import { z } from 'zod';

/**
 * Why a pkg(8) command failed, from what it printed. pkg has no machine-readable error codes (it exits 1
 * for nearly everything), so its own message lines are the only evidence; each kind maps to advice the
 * user can act on.
 */
export const PkgProblem = z.enum(['network', 'locked', 'no-space', 'no-catalogue', 'not-found', 'privileges']);
export type PkgProblem = z.infer<typeof PkgProblem>;

const PATTERNS: ReadonlyArray<readonly [PkgProblem, RegExp]> = [
  // Checked first: a locked database also makes the catalogue update fail.
  ['locked', /Cannot get an? (?:advisory|exclusive) lock on a database|database is locked/i],
  ['privileges', /Insufficient privileges/i],
  ['no-space', /Not enough space|No space left on device/i],
  ['network', /No address record|Operation timed out|Connection refused|Network is unreachable|Unable to update repository|fetch.*(?:failed|error)|Non-recoverable resolver failure|Authentication error|SSL/i],
  ['no-catalogue', /Repository \S+ missing|'pkg update' required|No active remote repositories/i],
  ['not-found', /No packages available to install matching|No package\(s\) matching/i],
];

export function pkgProblem(output: { stdout: string; stderr: string }): PkgProblem | null {
  const text = `${output.stderr}\n${output.stdout}`;
  for (const [kind, pattern] of PATTERNS) if (pattern.test(text)) return kind;
  return null;
}
