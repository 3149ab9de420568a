/**
 * The bhyve guest over SSH, against two throwaway stock sshds: one plays the X220, one the guest on its
 * bridge. The guest is reached through the X220's master (a stdio forward, `ssh -W`), logs in with the
 * wizard's guest key only, and has its host key learned into the wizard's guest known_hosts. Skipped only
 * where sshd is not installed; in CI a missing sshd fails.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalHost } from '../../src/host/local-host';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SshHost, type SshHostOptions } from '../../src/host/ssh/ssh-host';
import type { GuestAccess } from '../../src/host/types';
import { ARGV_PRINTER, findSshd, printedArgv, sshdMissingReason, startSshd, type TestSshd } from './support/sshd';

const haveSshd = findSshd() !== null;
const execFileAsync = promisify(execFile);

/** Polls with a generous deadline: how soon a condition holds depends on the machine, that it does not. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within 60 s`);
}

const masterPid = (socket: string | null): number => {
  const check = spawnSync('ssh', ['-o', `ControlPath=${socket ?? ''}`, '-O', 'check', '--', 'egpu'], { encoding: 'utf8' });
  return check.status === 0 ? Number(/pid=(\d+)/.exec(check.stderr)?.[1] ?? NaN) : NaN;
};

/** The `type base64` of a public key file, as a known_hosts line holds it. */
const keyOf = async (pubFile: string): Promise<string> => (await readFile(pubFile, 'utf8')).split(' ').slice(0, 2).join(' ');

describe.skipIf(!haveSshd && process.env.CI === undefined)(haveSshd ? 'the bhyve guest over SSH' : `the bhyve guest over SSH — SKIPPED: ${sshdMissingReason}`, () => {
  let x220: TestSshd;
  let guestd: TestSshd;
  let dir: string;
  /** The wizard's data folder, with a name a shell would love to read: the ProxyCommand must keep it whole. */
  let data: string;
  let x220KnownHosts: string;
  let x220Key: string;
  let userKnownHosts: string;
  let userKnownHostsBefore: string;
  const savedHome = process.env.HOME;
  const made: SshHost[] = [];
  const xLogins = (): number => x220.acceptedLogins();
  const xLog = (): string => x220.log();

  const x220Host = (extra: Partial<SshHostOptions> = {}): SshHost => {
    const host = new SshHost(
      { user: x220.user, host: '127.0.0.1', port: x220.port },
      { knownHostsFile: x220KnownHosts, userKnownHostsFiles: [], identityFile: x220Key, connectTimeoutSeconds: 10, socketDirs: [join(dir, 's')], ...extra },
    );
    made.push(host);
    return host;
  };

  let guestFiles = 0;
  /** The access the wizard gives: the guest's key and a fresh guest known_hosts of its own per test. */
  const accessFor = (extra: Partial<GuestAccess> = {}): GuestAccess => ({
    address: '127.0.0.1',
    port: guestd.port,
    user: guestd.user,
    identityFile: guestd.clientKey,
    knownHostsFile: join(data, `bhyve-${++guestFiles}`, 'known_hosts'),
    ...extra,
  });

  /** A helper on each sshd's PATH that says which machine ran it. */
  const installWhich = async (sshd: TestSshd, name: string): Promise<void> => {
    await writeFile(join(sshd.binDir, 'which-machine'), `#!/bin/sh\necho ${name}\n`, { mode: 0o755 });
  };

  beforeAll(async () => {
    // DEBUG1 on the X220: its log shows each stdio forward it opened, and to where.
    [x220, guestd] = await Promise.all([startSshd(loadScenario('x220-fresh'), { logLevel: 'DEBUG1' }), startSshd(loadScenario('x220-fresh'))]);
    await installWhich(x220, 'x220');
    await installWhich(guestd, 'guest');
    dir = await mkdtemp(join(tmpdir(), 'egpu-guest-'));
    data = join(dir, `data it's $(id) \`id\``);
    await mkdir(data);
    x220KnownHosts = join(data, 'known_hosts');
    await writeFile(x220KnownHosts, `[127.0.0.1]:${x220.port} ${await keyOf(x220.hostPublicKey)}\n`);
    x220Key = join(data, 'x220 key');
    await copyFile(x220.clientKey, x220Key);
    // ssh's own files come from HOME: a home of the test's, whose known_hosts must stay as it is.
    const home = join(dir, 'home');
    await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    userKnownHosts = join(home, '.ssh', 'known_hosts');
    userKnownHostsBefore = '# the user\'s own file, never written by the wizard\n';
    await writeFile(userKnownHosts, userKnownHostsBefore);
    process.env.HOME = home;
  }, 120_000);

  afterAll(async () => {
    for (const host of made) await host.close();
    process.env.HOME = savedHome;
    await Promise.all([x220?.stop(), guestd?.stop()]);
  }, 60_000);

  it('runs the guest\'s commands through the X220\'s master and learns the guest\'s key into the wizard\'s file only', async () => {
    const x220Logins = xLogins();
    const guestLogins = guestd.acceptedLogins();
    const jump = x220Host();
    const access = accessFor();
    const guest = jump.guest(access);
    expect(guest.spec).toBe(`ssh://${guestd.user}@127.0.0.1:${guestd.port} via ssh://${jump.target.user}@127.0.0.1:${jump.target.port}`);
    expect(jump.guest({ ...access })).toBe(guest);

    const which = await guest.exec({ argv: ['which-machine'], timeoutMs: 60_000 });
    expect(which.transport).toBeUndefined();
    expect(which.stdout.trim()).toBe('guest');
    const words = ["it's", '$(id)', 'a b', '%h'];
    expect(printedArgv((await guest.exec({ argv: [ARGV_PRINTER, ...words], timeoutMs: 30_000 })).stdout)).toEqual(words);

    // One login on each: the X220's master, and the guest's master, whose connection the X220 forwarded.
    expect(jump.stats.masterStarts).toBe(1);
    expect(guest.multiplexing).toBe('master');
    expect(guest.stats.masterStarts).toBe(1);
    expect(xLogins() - x220Logins).toBe(1);
    expect(guestd.acceptedLogins() - guestLogins).toBe(1);
    expect(xLog()).toMatch(new RegExp(`server_request_direct_tcpip: originator .*, target 127\\.0\\.0\\.1 port ${guestd.port}\\b`));

    // The guest's key is in the wizard's guest known_hosts; no other known_hosts was written.
    const learned = await readFile(access.knownHostsFile, 'utf8');
    expect(learned).toContain(await keyOf(guestd.hostPublicKey));
    expect(learned).toContain(`[127.0.0.1]:${guestd.port} `);
    expect(await readFile(userKnownHosts, 'utf8')).toBe(userKnownHostsBefore);
    expect((await readFile(x220KnownHosts, 'utf8')).trim().split('\n')).toHaveLength(1);

    // Later commands are sessions on the guest's master: no new login anywhere, and the key is not learned twice.
    for (let i = 0; i < 3; i++) expect((await guest.exec({ argv: ['which-machine'], timeoutMs: 30_000 })).stdout.trim()).toBe('guest');
    expect(xLogins() - x220Logins).toBe(1);
    expect(guestd.acceptedLogins() - guestLogins).toBe(1);
    expect(await readFile(access.knownHostsFile, 'utf8')).toBe(learned);
    // The X220's own commands still run on the X220.
    expect((await jump.exec({ argv: ['which-machine'], timeoutMs: 30_000 })).stdout.trim()).toBe('x220');
  }, 120_000);

  it('refuses a guest whose key changed, and leaves the known key as it was', async () => {
    const access = accessFor();
    const otherKey = join(dir, 'other_host_key');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const known = `[127.0.0.1]:${guestd.port} ${await keyOf(`${otherKey}.pub`)}\n`;
    await mkdir(dirname(access.knownHostsFile), { recursive: true });
    await writeFile(access.knownHostsFile, known);
    const guestLogins = guestd.acceptedLogins();

    const guest = x220Host().guest(access);
    const result = await guest.exec({ argv: ['which-machine'], timeoutMs: 60_000 });
    expect(result.transport?.kind).toBe('host-key-changed');
    expect(result.stdout).toBe('');
    expect(guestd.acceptedLogins()).toBe(guestLogins);
    expect(await readFile(access.knownHostsFile, 'utf8')).toBe(known);
    expect(await readFile(userKnownHosts, 'utf8')).toBe(userKnownHostsBefore);
  }, 120_000);

  it('logs in with the guest key only', async () => {
    // The X220's key is on offer nowhere for the guest: not from the agent, the user's files or the config.
    const guest = x220Host().guest(accessFor({ identityFile: x220Key }));
    const result = await guest.exec({ argv: ['which-machine'], timeoutMs: 60_000 });
    expect(result.transport?.kind).toBe('auth-failed');
  }, 120_000);

  it('reports a guest that does not answer yet (the VM still booting) as unreachable, not as a key problem', async () => {
    // Nothing listens on the guest's port: the X220 cannot open the forward.
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    const access = accessFor({ port: closed });
    const guest = x220Host({ retryDelaysMs: [10, 10] }).guest(access);
    const result = await guest.exec({ argv: ['which-machine'], timeoutMs: 60_000 });
    expect(result.transport?.kind).toBe('unreachable');
    expect(existsSync(access.knownHostsFile)).toBe(false);
  }, 120_000);

  it('reports a guest command lost with the X220\'s master, and runs the next one over a new one', async () => {
    const script = `#!/bin/sh\necho started >> "$1"\ni=0\nwhile [ ! -e "$2" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done\necho done\n`;
    await writeFile(join(guestd.binDir, 'block-until'), script, { mode: 0o755 });
    const jump = x220Host();
    const guest = jump.guest(accessFor());
    expect((await guest.exec({ argv: ['which-machine'], timeoutMs: 60_000 })).stdout.trim()).toBe('guest');
    const pid = masterPid(jump.masterSocket);
    expect(Number.isInteger(pid)).toBe(true);

    const marks = join(dirname(guestd.statePath), `started-${process.hrtime.bigint()}`);
    const release = `${marks}.release`;
    const running = guest.exec({ argv: ['block-until', marks, release], timeoutMs: 120_000 });
    await until(async () => (await readFile(marks, 'utf8').catch(() => '')).includes('started'), 'the guest command started');
    process.kill(pid, 'SIGKILL');
    const lost = await running;
    await writeFile(release, '');
    expect(['connection-lost', 'unreachable']).toContain(lost.transport?.kind);
    expect(lost.stdout).not.toContain('done');

    // The next guest command finds both masters gone: a new X220 master, a new guest master on it.
    const again = await guest.exec({ argv: ['which-machine'], timeoutMs: 60_000 });
    expect(again.transport).toBeUndefined();
    expect(again.stdout.trim()).toBe('guest');
    expect(jump.stats.masterStarts).toBe(2);
    expect(guest.stats.masterStarts).toBe(2);
    expect(masterPid(jump.masterSocket)).not.toBe(pid);
    // The lost command was not run again.
    expect((await readFile(marks, 'utf8')).trim().split('\n')).toEqual(['started']);
  }, 180_000);

  it('ends the guest\'s master when the X220 host is closed', async () => {
    const jump = x220Host();
    const guest = jump.guest(accessFor());
    expect((await guest.exec({ argv: ['which-machine'], timeoutMs: 60_000 })).stdout.trim()).toBe('guest');
    const socket = guest.masterSocket ?? '';
    expect(Number.isInteger(masterPid(socket))).toBe(true);
    await jump.close();
    expect(guest.masterSocket).toBeNull();
    expect(existsSync(socket)).toBe(false);
    expect(Number.isNaN(masterPid(socket))).toBe(true);
  }, 120_000);

  it('without masters, reaches the guest through a connection of its own to the X220 each time', async () => {
    const x220Logins = xLogins();
    const guestLogins = guestd.acceptedLogins();
    const guest = x220Host({ multiplex: 'pool' }).guest(accessFor());
    for (let i = 0; i < 2; i++) expect((await guest.exec({ argv: ['which-machine'], timeoutMs: 60_000 })).stdout.trim()).toBe('guest');
    expect(guest.multiplexing).toBe('pool');
    expect(xLogins() - x220Logins).toBe(2);
    expect(guestd.acceptedLogins() - guestLogins).toBe(2);
  }, 120_000);

  it('from the X220 itself (LocalHost), goes straight to the guest with the same key rules', async () => {
    const x220Logins = xLogins();
    const access = accessFor();
    const local = new LocalHost();
    const guest = local.guest(access);
    made.push(guest);
    expect(local.guest({ ...access })).toBe(guest);
    expect(guest.spec).toBe(`ssh://${guestd.user}@127.0.0.1:${guestd.port}`);
    expect((await guest.exec({ argv: ['which-machine'], timeoutMs: 60_000 })).stdout.trim()).toBe('guest');
    expect(await readFile(access.knownHostsFile, 'utf8')).toContain(await keyOf(guestd.hostPublicKey));
    expect(await readFile(userKnownHosts, 'utf8')).toBe(userKnownHostsBefore);
    expect(xLogins()).toBe(x220Logins);
  }, 120_000);

  it('ends the guest\'s master along with the X220\'s when a CLI process exits', async () => {
    const child = join(import.meta.dirname, 'support', 'exit-child.ts');
    const tsx = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');
    const options = { knownHostsFile: x220KnownHosts, userKnownHostsFiles: [], identityFile: x220Key, socketDirs: [join(dir, 's')] };
    const input = { target: { user: x220.user, host: '127.0.0.1', port: x220.port }, options, guest: accessFor() };
    // Not spawnSync: the sshds' logs, read by this process, must keep flowing while the child runs.
    const out = await execFileAsync(tsx, [child, JSON.stringify(input)], { encoding: 'utf8', timeout: 120_000 });
    const sockets = JSON.parse(out.stdout.trim().split('\n').at(-1) ?? '{}') as { socket: string | null; guestSocket: string | null; guestStdout: string | null };
    expect(sockets.guestStdout?.trim()).toBe('guest');
    for (const socket of [sockets.socket, sockets.guestSocket]) {
      expect(socket).toMatch(/^\//);
      expect(existsSync(socket ?? '')).toBe(false);
      expect(Number.isNaN(masterPid(socket))).toBe(true);
    }
  }, 180_000);
});
