import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GUEST_KEY_IN_DATA, GuestPublicKey } from './guest-key';

/**
 * The key pair the wizard will reach the guest with, kept in its own data folder and made here, on the
 * machine the wizard runs on: the private half never travels to the host. Only the public half goes into
 * the plan (the guest key file that `vm create -k` hands to cloud-init).
 */

export const GUEST_KEY_COMMENT = 'egpu-wizard-guest';

export const guestKeyFiles = (dataDir: string) => {
  const dir = join(dataDir, dirname(GUEST_KEY_IN_DATA));
  return { dir, privateKey: join(dataDir, GUEST_KEY_IN_DATA), publicKey: join(dataDir, `${GUEST_KEY_IN_DATA}.pub`) };
};

/** An SSH wire-format string: a 32-bit big-endian length, then the bytes (RFC 4251 §5). */
function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** The public key blob: the type, then the 32-byte key (RFC 8709 §4). */
function publicBlob(raw: Buffer): Buffer {
  return Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]);
}

function rawKeys(key: KeyObject): { publicKey: Buffer; seed: Buffer | null } {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 key: ${key.asymmetricKeyType ?? 'unknown'}`);
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('the key has no public part');
  const publicKey = Buffer.from(jwk.x, 'base64url');
  if (publicKey.length !== 32) throw new Error('an Ed25519 public key has 32 bytes');
  return { publicKey, seed: typeof jwk.d === 'string' ? Buffer.from(jwk.d, 'base64url') : null };
}

const line = (blob: Buffer, comment: string): string => GuestPublicKey.parse(`ssh-ed25519 ${blob.toString('base64')} ${comment}`);

/** The OpenSSH `authorized_keys` line of an Ed25519 key. */
export function openSshPublicKey(key: KeyObject, comment: string = GUEST_KEY_COMMENT): string {
  return line(publicBlob(rawKeys(key).publicKey), comment);
}

const MAGIC = Buffer.from('openssh-key-v1\0');

/**
 * The private key in OpenSSH's own format (PROTOCOL.key in OpenSSH's sources), unencrypted like
 * `ssh-keygen -N ''` writes it: ssh reads neither PKCS#8 nor anything else for Ed25519.
 */
export function openSshPrivateKey(key: KeyObject, comment: string = GUEST_KEY_COMMENT): string {
  const { publicKey, seed } = rawKeys(key);
  if (seed === null || seed.length !== 32) throw new Error('not a private Ed25519 key');
  const check = randomBytes(4);
  const body = Buffer.concat([check, check, sshString(Buffer.from('ssh-ed25519')), sshString(publicKey), sshString(Buffer.concat([seed, publicKey])), sshString(Buffer.from(comment))]);
  // Padded with 1, 2, 3… to the cipher's block size, 8 for "none".
  const padding = Buffer.from(Array.from({ length: (8 - (body.length % 8)) % 8 }, (_, i) => i + 1));
  const count = Buffer.alloc(4);
  count.writeUInt32BE(1);
  const none = sshString(Buffer.from('none'));
  const whole = Buffer.concat([MAGIC, none, none, sshString(Buffer.alloc(0)), count, sshString(publicBlob(publicKey)), sshString(Buffer.concat([body, padding]))]);
  const base64 = whole.toString('base64').replace(/(.{70})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${base64}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/** The public key line of a private key file in OpenSSH's format: its blob stands unencrypted in the header. */
export function publicKeyOfPrivate(pem: string, comment: string = GUEST_KEY_COMMENT): string {
  const match = /-----BEGIN OPENSSH PRIVATE KEY-----\n([A-Za-z0-9+/=\n]+)-----END OPENSSH PRIVATE KEY-----/.exec(pem);
  if (!match?.[1]) throw new Error('not an OpenSSH private key');
  const data = Buffer.from(match[1].replace(/\n/g, ''), 'base64');
  if (!data.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not an OpenSSH private key');
  let offset = MAGIC.length;
  const next = (): Buffer => {
    if (offset + 4 > data.length) throw new Error('truncated OpenSSH private key');
    const length = data.readUInt32BE(offset);
    const value = data.subarray(offset + 4, offset + 4 + length);
    if (value.length !== length) throw new Error('truncated OpenSSH private key');
    offset += 4 + length;
    return value;
  };
  next();
  next();
  next();
  offset += 4;
  return line(next(), comment);
}

const missing = (error: unknown): boolean => error instanceof Error && 'code' in error && error.code === 'ENOENT';

/**
 * The guest's public key line: the one kept in the data folder, or a new pair made and kept there first
 * (the private key in OpenSSH's format, mode 0600, in a folder of mode 0700). A public key file that does not hold an
 * OpenSSH line is made again from the private key rather than trusted.
 */
export async function guestPublicKey(dataDir: string): Promise<string> {
  const files = guestKeyFiles(dataDir);
  try {
    const derived = publicKeyOfPrivate(await readFile(files.privateKey, 'utf8'));
    const saved = await readFile(files.publicKey, 'utf8').catch(() => '');
    if (saved.trim() !== derived) await writeFile(files.publicKey, `${derived}\n`, { mode: 0o644 });
    return derived;
  } catch (error) {
    if (!missing(error)) throw error;
  }
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  await chmod(files.dir, 0o700);
  const pair = generateKeyPairSync('ed25519');
  const publicLine = openSshPublicKey(pair.publicKey);
  // wx: never replace a key another wizard process made meanwhile; that one is read back instead.
  try {
    await writeFile(files.privateKey, openSshPrivateKey(pair.privateKey), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') return guestPublicKey(dataDir);
    throw error;
  }
  await writeFile(files.publicKey, `${publicLine}\n`, { mode: 0o644 });
  return publicLine;
}
