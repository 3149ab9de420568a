import { createHash, randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SshTarget } from '../../contract/ssh-spec';

/**
 * A Unix socket's path must fit `sun_path`: 104 bytes on FreeBSD and macOS (108 on Linux), its final NUL
 * included. ssh first binds `<ControlPath>.<16 random characters>` and renames it into place, so the
 * ControlPath itself must stay 17 bytes shorter: at most 86 bytes.
 */
export const SUN_PATH_BYTES = 104;
export const MAX_CONTROL_PATH_BYTES = SUN_PATH_BYTES - 1 - '.0123456789abcdef'.length;

/** Hex characters of a socket's name: short, so that the folder may be longer. */
export const SOCKET_NAME_LENGTH = 16;

const uid = (): string => String(process.getuid?.() ?? 'u');

/**
 * Where the wizard may put its master sockets, best first: its own data folder (private already), the
 * user's temporary folder, then /tmp (macOS's temporary folder is too deep for a socket).
 */
export function socketDirCandidates(dataDir?: string): string[] {
  const dirs = [...(dataDir !== undefined ? [join(dataDir, 's')] : []), join(tmpdir(), `egpu-${uid()}`), `/tmp/egpu-${uid()}`];
  return [...new Set(dirs)];
}

/**
 * A socket name of its own for each SshHost: like ssh's `%C` a hash of the connection, plus a nonce, so two
 * hosts never share a master (one checked against another known_hosts, or closed under the other's feet).
 */
export function socketName(target: SshTarget, knownHostsFile: string): string {
  const identity = JSON.stringify([target.user, target.host, target.port, knownHostsFile, randomBytes(8).toString('hex')]);
  return createHash('sha256').update(identity).digest('hex').slice(0, SOCKET_NAME_LENGTH);
}

export const fitsSocketPath = (path: string): boolean => Buffer.byteLength(path, 'utf8') <= MAX_CONTROL_PATH_BYTES;

/**
 * The first candidate where a socket path fits, made private: a folder (not a link) owned by this user, with
 * no access for anyone else. In a shared /tmp another user could have made the folder first; such a folder
 * is passed over. null when none will do: the host then uses separate connections.
 */
export async function privateSocketDir(candidates: readonly string[]): Promise<string | null> {
  const me = process.getuid?.();
  for (const dir of candidates) {
    if (!fitsSocketPath(join(dir, '0'.repeat(SOCKET_NAME_LENGTH)))) continue;
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const stat = await lstat(dir);
      if (!stat.isDirectory() || stat.isSymbolicLink() || (me !== undefined && stat.uid !== me)) continue;
      if ((stat.mode & 0o077) !== 0) await chmod(dir, 0o700);
      return dir;
    } catch {
      // Not writable, or not creatable here: the next candidate.
    }
  }
  return null;
}
