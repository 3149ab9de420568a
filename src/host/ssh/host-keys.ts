import { createHash } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SshTarget } from '../../contract/ssh-spec';
import { LocalHost } from '../local-host';
import type { Host } from '../types';

/** Key types in the order the wizard prefers to show and trust them (OpenSSH's own preference). */
const KEY_TYPES = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'ssh-rsa'] as const;

export interface HostKey {
  /** As in known_hosts: `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`. */
  type: string;
  /** The public key blob, base64 as ssh-keyscan prints it. */
  blob: string;
  /** `SHA256:…` exactly as `ssh-keygen -l` and ssh print it. */
  fingerprint: string;
}

/** The name and port ssh looks the key up under, after the user's ssh config (HostName, Port, HostKeyAlias). */
export interface KeyLookup {
  hostname: string;
  port: number;
  /** The known_hosts name: HostKeyAlias if set, else the host name, `[name]:port` off port 22. */
  knownHostsName: string;
}

/** SHA256 of the key blob in unpadded base64: OpenSSH's fingerprint format. */
export function fingerprintOf(blobBase64: string): string {
  const digest = createHash('sha256').update(Buffer.from(blobBase64, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** The key type written inside the blob (a length-prefixed string); a line whose blob disagrees is refused. */
function blobType(blob: Buffer): string | null {
  if (blob.length < 4) return null;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > blob.length) return null;
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** `host type base64` lines of ssh-keyscan; comments and malformed lines are skipped. */
export function parseKeyscan(stdout: string): HostKey[] {
  const keys: HostKey[] = [];
  for (const line of stdout.split('\n')) {
    const [, type, blob] = line.trim().split(/\s+/);
    if (line.startsWith('#') || type === undefined || blob === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) continue;
    if (blobType(Buffer.from(blob, 'base64')) !== type) continue;
    if (!keys.some((k) => k.blob === blob)) keys.push({ type, blob, fingerprint: fingerprintOf(blob) });
  }
  return keys;
}

/** The key ssh will ask for first, so the one the user accepts is the one the next connection checks. */
export function preferredKey(keys: readonly HostKey[]): HostKey | null {
  const rank = (k: HostKey): number => {
    const i = (KEY_TYPES as readonly string[]).indexOf(k.type);
    return i === -1 ? KEY_TYPES.length : i;
  };
  return [...keys].sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

/** `[name]:port` off port 22, as ssh writes and looks up known_hosts entries. */
export const knownHostsName = (name: string, port: number): string => (port === 22 ? name : `[${name}]:${port}`);

/** Reads `ssh -G`: what the user's ssh config makes of the target, without connecting. */
export function parseSshG(stdout: string, target: SshTarget): KeyLookup {
  const value = (key: string): string | undefined =>
    stdout
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .find(([k]) => k?.toLowerCase() === key)?.[1];
  const hostname = value('hostname') ?? target.host;
  const port = Number(value('port') ?? target.port);
  const safePort = Number.isInteger(port) && port > 0 && port < 65536 ? port : target.port;
  const alias = value('hostkeyalias');
  const name = alias !== undefined && alias !== 'none' ? alias : hostname;
  // Names from the user's config are trusted as much as the config is; still, nothing here reaches a shell.
  return { hostname, port: safePort, knownHostsName: knownHostsName(name, safePort) };
}

export class HostKeys {
  constructor(
    private readonly target: SshTarget,
    private readonly knownHostsFile: string,
    private readonly options: { sshBinary?: string; keyscanBinary?: string; timeoutSeconds?: number; local?: Host } = {},
  ) {}

  private get local(): Host {
    return this.options.local ?? new LocalHost();
  }

  async lookup(): Promise<KeyLookup> {
    const result = await this.local.exec({
      argv: [this.options.sshBinary ?? 'ssh', '-G', '-p', String(this.target.port), '--', `${this.target.user}@${this.target.host}`],
      timeoutMs: 5000,
    });
    return parseSshG(result.exitCode === 0 ? result.stdout : '', this.target);
  }

  /** The keys the host offers now. Unauthenticated by nature: only the user's comparison makes one trusted. */
  async scan(lookup: KeyLookup): Promise<HostKey[]> {
    const timeout = this.options.timeoutSeconds ?? 10;
    const result = await this.local.exec({
      argv: [this.options.keyscanBinary ?? 'ssh-keyscan', '-T', String(timeout), '-p', String(lookup.port), '-t', 'ed25519,ecdsa,rsa', '--', lookup.hostname],
      timeoutMs: (timeout + 5) * 1000,
    });
    return parseKeyscan(result.stdout);
  }

  /**
   * Adds the host's key to the wizard's known_hosts, only if the host offers now exactly the key with the
   * fingerprint the user accepted. Returns false (and writes nothing) otherwise.
   */
  async trust(fingerprint: string): Promise<boolean> {
    const lookup = await this.lookup();
    const key = (await this.scan(lookup)).find((k) => k.fingerprint === fingerprint);
    if (key === undefined) return false;
    await mkdir(dirname(this.knownHostsFile), { recursive: true, mode: 0o700 });
    await appendFile(this.knownHostsFile, `${lookup.knownHostsName} ${key.type} ${key.blob}\n`, { mode: 0o600 });
    return true;
  }
}
