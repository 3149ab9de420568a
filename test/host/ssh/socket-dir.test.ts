import { lstat, mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../../../src/app/data-dir';
import { MAX_CONTROL_PATH_BYTES, privateSocketDir, SOCKET_NAME_LENGTH, socketDirCandidates, socketName } from '../../../src/host/ssh/socket-dir';

const target = { user: 'alice', host: 'x220', port: 22 };

describe('the master socket folder', () => {
  it('leaves room for the temporary name ssh binds first, within the 104 bytes of FreeBSD and macOS', () => {
    // `<ControlPath>.<16 characters>` plus the final NUL must fit 104 bytes.
    expect(MAX_CONTROL_PATH_BYTES + '.0123456789abcdef'.length + 1).toBe(104);
  });

  it('names each host its own short socket', () => {
    const a = socketName(target, '/data/ssh/known_hosts');
    const b = socketName(target, '/data/ssh/known_hosts');
    expect(a).toMatch(new RegExp(`^[0-9a-f]{${SOCKET_NAME_LENGTH}}$`));
    expect(a).not.toBe(b);
  });

  it('puts the socket in the data folder when it fits, else in a short temporary folder', async () => {
    const base = await mkdtemp(join(tmpdir(), 'egpu-sd-'));
    const chosen = await privateSocketDir(socketDirCandidates(base));
    expect(chosen).toBe(join(base, 's'));

    const deep = join(base, 'Library', 'Application Support', 'a very long user name indeed', 'egpu-wizard');
    await mkdir(deep, { recursive: true });
    const fallback = await privateSocketDir(socketDirCandidates(deep));
    expect(fallback).not.toBeNull();
    expect(fallback?.startsWith(deep)).toBe(false);
    const socket = join(fallback ?? '', socketName(target, 'k'));
    expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(MAX_CONTROL_PATH_BYTES);
  });

  it('with the default data folder of this machine, the socket path fits', async () => {
    const dir = await privateSocketDir(socketDirCandidates(defaultDataDir()).slice(1));
    expect(dir).not.toBeNull();
    expect(Buffer.byteLength(join(dir ?? '', socketName(target, 'k')))).toBeLessThanOrEqual(MAX_CONTROL_PATH_BYTES);
  });

  it('makes the folder private, and passes over a link or a path too long', async () => {
    const base = await mkdtemp(join(tmpdir(), 'egpu-sd-'));
    const open = join(base, 'open');
    await mkdir(open, { mode: 0o755 });
    expect(await privateSocketDir([open])).toBe(open);
    expect((await lstat(open)).mode & 0o777).toBe(0o700);

    const link = join(base, 'link');
    await symlink(open, link);
    const tooLong = join(base, 'x'.repeat(MAX_CONTROL_PATH_BYTES));
    expect(await privateSocketDir([link, tooLong])).toBeNull();
    expect(await privateSocketDir([link, tooLong, open])).toBe(open);
  });
});
