import { AuditLog } from '../audit/audit-log';
import { CommandRunner, type Elevation } from '../commands/runner';
import type { Host } from '../host/types';
import { PasswordRejectedError, UsageError } from './errors';
import { readStdin } from './io';

/**
 * How a CLI command becomes root, shared by every command that takes --password-stdin (configure, undo,
 * bench, diagnose, report): as root already, sudo/doas without a password, or sudo with the password read
 * from standard input — never from the command line, where other users could see it.
 */

/** The first line of standard input. */
export async function readPassword(): Promise<string> {
  const password = (await readStdin()).toString('utf8').split('\n')[0] ?? '';
  if (password === '') throw new UsageError('--password-stdin: no password on standard input');
  return password;
}

/**
 * The elevation this run can use. A password is tried once with a harmless privileged command first, so a
 * wrong one stops here with one clear line instead of turning every root check into a confusing failure.
 */
export async function elevationFor(host: Host, password: string | null): Promise<Elevation> {
  const probe = new CommandRunner(host, new AuditLog(null), () => ({ method: 'none', password: null }));
  const uid = await probe.run('idUid', {});
  if (uid.parsed.ok && uid.parsed.value.uid === 0) return { method: 'root', password: null };
  if (password !== null) {
    const elevation: Elevation = { method: 'sudo', password };
    const check = await new CommandRunner(host, new AuditLog(null), () => elevation).run('privilegeProbe', {});
    if (check.outcome === 'ok' && check.parsed.ok && check.parsed.value.uid === 0) return elevation;
    const said = check.stderr.trim().split('\n').filter((line) => line !== '').pop();
    throw new PasswordRejectedError(`sudo did not accept the password from standard input${said ? ` (${said})` : ''}; nothing was run as root`);
  }
  const sudo = await probe.run('sudoProbe', {});
  if (sudo.parsed.ok && sudo.parsed.value.works) return { method: 'sudo', password: null };
  const doas = await probe.run('doasProbe', {});
  if (doas.parsed.ok && doas.parsed.value.works) return { method: 'doas', password: null };
  return { method: 'none', password: null };
}

/** For a command's --password-stdin flag: reads the password only when the flag is given. */
export async function elevationFromFlag(host: Host, passwordStdin: boolean | undefined): Promise<Elevation> {
  return elevationFor(host, passwordStdin ? await readPassword() : null);
}

export const NEEDS_ROOT_HINT = 'run as root, configure sudo or doas, or pass the sudo password with --password-stdin';
