import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { guestKeyFile } from '../../src/bhyve/guest-key';
import { guestKeyFiles, guestPublicKey, openSshPublicKey } from '../../src/bhyve/guest-keypair';

const run = promisify(execFile);
const sshKeygen = await run('ssh-keygen', ['-?']).then(
  () => true,
  (error: { code?: unknown }) => error.code !== 'ENOENT',
);

describe('the guest key pair', () => {
  it('is made once in the data folder, private half 0600 in a 0700 folder, and read back the same', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'egpu-key-'));
    const first = await guestPublicKey(dataDir);
    expect(first).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} egpu-wizard-guest$/);
    const files = guestKeyFiles(dataDir);
    expect((await stat(files.privateKey)).mode & 0o777).toBe(0o600);
    expect((await stat(files.dir)).mode & 0o777).toBe(0o700);
    expect(await guestPublicKey(dataDir)).toBe(first);
    // A damaged public file is made again from the private key, not trusted.
    await writeFile(files.publicKey, 'garbage\n');
    expect(await guestPublicKey(dataDir)).toBe(first);
    expect(await readFile(files.publicKey, 'utf8')).toBe(`${first}\n`);
    expect(guestKeyFile(first)).toBe(`${first}\n`);
  });

  it('refuses a key that is not Ed25519', () => {
    expect(() => openSshPublicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)).toThrow(/not an Ed25519 key/);
  });

  it.skipIf(!sshKeygen)('is a line ssh-keygen reads, and its fingerprint is that of the private key kept', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'egpu-key-'));
    const line = await guestPublicKey(dataDir);
    const files = guestKeyFiles(dataDir);
    const listed = await run('ssh-keygen', ['-l', '-f', files.publicKey]);
    expect(listed.stdout).toMatch(/^256 SHA256:[A-Za-z0-9+/]{43} egpu-wizard-guest \(ED25519\)\n$/);
    // OpenSSH reads the private key the wizard keeps and derives the same public key from it.
    const derived = await run('ssh-keygen', ['-y', '-f', files.privateKey]);
    expect(derived.stdout.trim().split(' ').slice(0, 2)).toEqual(line.split(' ').slice(0, 2));
  });
});
