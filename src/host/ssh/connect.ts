import { join } from 'node:path';
import { msg } from '../../contract/messages';
import type { SshProbe } from '../../contract/ssh';
import { sshAddressOf, type SshTarget } from '../../contract/ssh-spec';
import type { TransportFailure } from '../types';
import { HostKeys, preferredKey } from './host-keys';
import { SshHost, type SshHostOptions } from './ssh-host';
import { socketDirCandidates } from './socket-dir';

/** The wizard's own known_hosts, in its data folder: the user's ~/.ssh/known_hosts is never written. */
export const wizardKnownHosts = (dataDir: string): string => join(dataDir, 'ssh', 'known_hosts');

/** An SshHost for the target, with the wizard's known_hosts in `dataDir` and its master's socket in `<dataDir>/s`. */
export const createSshHost = (target: SshTarget, dataDir: string, extra: Partial<SshHostOptions> = {}): SshHost =>
  new SshHost(target, { knownHostsFile: wizardKnownHosts(dataDir), socketDirs: socketDirCandidates(dataDir), ...extra });

/** The message a transport failure shows: one key per kind, with the host named. */
export const transportMessage = (host: SshHost, failure: TransportFailure) =>
  msg(`ssh.error.${failure.kind}`, { host: sshAddressOf(host.spec), detail: failure.detail });

const keysOf = (host: SshHost): HostKeys =>
  new HostKeys(host.target, host.options.knownHostsFile, {
    ...(host.options.sshBinary ? { sshBinary: host.options.sshBinary } : {}),
    timeoutSeconds: host.options.connectTimeoutSeconds ?? 10,
  });

/**
 * Connects once and runs `true`. An unknown host key is not a failure yet: the key the host offers is
 * fetched and returned for the user to compare. Nothing is trusted here.
 */
export async function probeSsh(host: SshHost, signal?: AbortSignal): Promise<SshProbe> {
  const timeoutMs = ((host.options.connectTimeoutSeconds ?? 10) + 20) * 1000;
  const result = await host.exec({ argv: ['true'], timeoutMs, ...(signal ? { signal } : {}) });
  const base = { spec: host.spec, key: null, problem: null };
  if (result.transport === undefined && result.exitCode === 0) return { ...base, status: 'ok' };
  if (result.transport?.kind === 'host-key-unknown') {
    const keys = keysOf(host);
    const key = preferredKey(await keys.scan(await keys.lookup()));
    if (key === null) return { ...base, status: 'failed', problem: msg('ssh.error.no-key', { host: sshAddressOf(host.spec) }) };
    return { ...base, status: 'unknown-key', key: { type: key.type, fingerprint: key.fingerprint } };
  }
  if (result.transport !== undefined) return { ...base, status: 'failed', problem: transportMessage(host, result.transport) };
  if (result.timedOut) return { ...base, status: 'failed', problem: msg('ssh.error.unreachable', { host: sshAddressOf(host.spec), detail: 'timed out' }) };
  const detail = result.stderr.trim().split('\n').slice(-1)[0] ?? `exit ${result.exitCode ?? 'none'}`;
  return { ...base, status: 'failed', problem: msg('ssh.error.remote', { host: sshAddressOf(host.spec), detail }) };
}

/**
 * Trusts the key with the fingerprint the user accepted (only if the host still offers exactly that key),
 * then connects again. A key that changed meanwhile is refused and nothing is written.
 */
export async function trustAndProbe(host: SshHost, fingerprint: string): Promise<SshProbe> {
  if (!(await keysOf(host).trust(fingerprint))) {
    return { spec: host.spec, status: 'failed', key: null, problem: msg('ssh.error.key-mismatch', { host: sshAddressOf(host.spec), fingerprint }) };
  }
  return probeSsh(host);
}
