/**
 * When SshHost runs a command again and when it never does, with a stand-in for the ssh client that answers
 * each call from a script (a plan line per call: `exit code|what ssh prints`). The messages are those
 * OpenSSH 9 prints at LogLevel ERROR, taken from real runs (see README, "Over SSH").
 */
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attemptEnd } from '../../../src/host/ssh/classify';
import { SshHost, type SshHostOptions } from '../../../src/host/ssh/ssh-host';

const FAKE_SSH = `#!/bin/sh
d=$(dirname "$0")
echo "$*" >> "$d/calls"
n=$(wc -l < "$d/calls")
line=$(sed -n "\${n}p" "$d/plan")
[ -z "$line" ] && line=$(tail -n 1 "$d/plan")
code=\${line%%|*}
msg=\${line#*|}
[ -n "$msg" ] && printf '%b\\n' "$msg" >&2
[ "$code" = 0 ] && echo out
exit "$code"
`;

const KEX_RESET = '255|kex_exchange_identification: read: Connection reset by peer';
const REFUSED = '255|ssh: connect to host x220 port 22: Connection refused';
const CLOSED = '255|Connection to x220 closed by remote host.';
const OK = '0|';
const STALE_SOCKET = '255|Control socket connect(/s/x): Connection refused\\nkex_exchange_identification: Connection closed by remote host';
const NO_SOCKET = '255|kex_exchange_identification: Connection closed by remote host';
const SESSION_REFUSED = '255|mux_client_request_session: session request failed: Session open refused by peer\\nkex_exchange_identification: Connection closed by remote host';
const MASTER_DIED = '255|';
const UNKNOWN_KEY = '255|No ED25519 host key is known for x220 and you have requested strict checking.\\nHost key verification failed.';

/** A host whose ssh plays `plan`; `calls()` says what each call was: the master's start, a session, or a connection of its own. */
async function scripted(plan: string[], extra: Partial<SshHostOptions> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'egpu-fake-ssh-'));
  const ssh = join(dir, 'ssh');
  await writeFile(ssh, FAKE_SSH);
  await chmod(ssh, 0o755);
  await writeFile(join(dir, 'plan'), `${plan.join('\n')}\n`);
  await writeFile(join(dir, 'calls'), '');
  const host = new SshHost(
    { user: 'alice', host: 'x220', port: 22 },
    { knownHostsFile: join(dir, 'known_hosts'), sshBinary: ssh, socketDirs: [join(dir, 's')], retryDelaysMs: [1, 1, 1], ...extra },
  );
  const calls = async (): Promise<string[]> =>
    (await readFile(join(dir, 'calls'), 'utf8'))
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (l.includes(' -O exit ') ? 'exit' : l.includes('ControlMaster=yes') ? 'master' : l.includes('ProxyCommand=false') ? 'session' : 'own'));
  const sessionSockets = async (): Promise<string[]> =>
    (await readFile(join(dir, 'calls'), 'utf8'))
      .split('\n')
      .filter((l) => l.includes('ProxyCommand=false'))
      .map((l) => /ControlPath=(\S+)/.exec(l)?.[1] ?? '');
  return { host, calls, sessionSockets };
}

const run = (host: SshHost) => host.exec({ argv: ['uname', '-s'], timeoutMs: 30_000 });

describe('without a master (pool)', () => {
  it('runs again a connection sshd dropped or refused before the command started', async () => {
    const { host, calls } = await scripted([KEX_RESET, REFUSED, OK], { multiplex: 'pool' });
    const result = await run(host);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'out\n' });
    expect(result.transport).toBeUndefined();
    expect(await calls()).toEqual(['own', 'own', 'own']);
    expect(host.stats.retries).toBe(2);
  });

  it('never runs again a command whose connection closed after it may have started', async () => {
    const { host, calls } = await scripted([CLOSED, OK], { multiplex: 'pool' });
    expect((await run(host)).transport?.kind).toBe('connection-lost');
    expect(await calls()).toEqual(['own']);
  });

  it('says unreachable, not connection-lost, when the host keeps refusing', async () => {
    const { host, calls } = await scripted([KEX_RESET], { multiplex: 'pool' });
    expect((await run(host)).transport?.kind).toBe('unreachable');
    expect(await calls()).toEqual(['own', 'own', 'own', 'own']);
  });
});

describe('with a master', () => {
  it('starts one master for many commands', async () => {
    const { host, calls } = await scripted([OK]);
    const results = await Promise.all(Array.from({ length: 5 }, () => run(host)));
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 0, 0, 0]);
    expect(await calls()).toEqual(['master', 'session', 'session', 'session', 'session', 'session']);
    await host.close();
    expect((await calls()).at(-1)).toBe('exit');
  });

  it.each([
    ['killed (its socket left behind)', STALE_SOCKET],
    ['gone (its socket removed)', NO_SOCKET],
  ])('starts a new master when the old one is %s, and runs the command that never started', async (_, dead) => {
    const { host, calls } = await scripted([OK, OK, dead, OK, OK]);
    expect((await run(host)).exitCode).toBe(0);
    expect((await run(host)).exitCode).toBe(0);
    expect(await calls()).toEqual(['master', 'session', 'session', 'master', 'session']);
    expect(host.stats.masterStarts).toBe(2);
  });

  it('never runs again a session the dying master cut, and gives the next command a new master', async () => {
    const { host, calls, sessionSockets } = await scripted([OK, MASTER_DIED, OK, OK]);
    expect((await run(host)).transport?.kind).toBe('connection-lost');
    expect(await calls()).toEqual(['master', 'session']);
    // The dying master may still accept a session for a moment: the next command does not go near it.
    expect((await run(host)).exitCode).toBe(0);
    expect(await calls()).toEqual(['master', 'session', 'master', 'session']);
    const [first, second] = await sessionSockets();
    expect(second).toBe(host.masterSocket);
    expect(second).not.toBe(first);
    // Closing ends both: the one given up on may still be alive.
    await host.close();
    expect((await calls()).slice(-2)).toEqual(['exit', 'exit']);
  });

  it('waits and asks again when the connection has no session free (MaxSessions)', async () => {
    const { host, calls } = await scripted([OK, SESSION_REFUSED, OK]);
    expect((await run(host)).exitCode).toBe(0);
    expect(await calls()).toEqual(['master', 'session', 'session']);
    expect(host.stats.masterStarts).toBe(1);
  });

  it('answers with the host-key failure of the master, and tries again on the next command', async () => {
    const { host, calls } = await scripted([UNKNOWN_KEY, OK]);
    expect((await run(host)).transport?.kind).toBe('host-key-unknown');
    expect(await calls()).toEqual(['master']);
    expect((await run(host)).exitCode).toBe(0);
    expect(await calls()).toEqual(['master', 'master', 'session']);
  });

  it('falls back to separate connections when the master cannot be made', async () => {
    const { host, calls } = await scripted(['255|unix_listener: path "/s/x.abc" too long for Unix domain socket', OK]);
    expect((await run(host)).exitCode).toBe(0);
    expect(await calls()).toEqual(['master', 'own']);
    expect(host.multiplexing).toBe('pool');
    expect(host.poolReason).toContain('too long');
  });

  it('tries the master again when its connection was cut during the handshake', async () => {
    const { host, calls } = await scripted(['255|Connection closed by 10.0.0.9 port 22', OK]);
    expect((await run(host)).exitCode).toBe(0);
    expect(await calls()).toEqual(['master', 'master', 'session']);
    expect(host.multiplexing).toBe('master');
  });

  it('gives up with the network failure, keeping the master for later, when the host stays unreachable', async () => {
    const { host, calls } = await scripted([KEX_RESET]);
    expect((await run(host)).transport?.kind).toBe('unreachable');
    expect(await calls()).toEqual(['master', 'master', 'master', 'master']);
    expect(host.multiplexing).toBe('master');
  });

  it('falls back when no folder can hold the socket', async () => {
    const { host, calls } = await scripted([OK], { socketDirs: [join('/nonexistent-root-x', 'y'.repeat(90))] });
    expect((await run(host)).exitCode).toBe(0);
    expect(await calls()).toEqual(['own']);
  });

  it('runs nothing for a command cancelled before its turn', async () => {
    const { host, calls } = await scripted([OK]);
    const controller = new AbortController();
    controller.abort();
    expect((await host.exec({ argv: ['uname'], timeoutMs: 1000, signal: controller.signal })).cancelled).toBe(true);
    expect(await calls()).toEqual([]);
  });
});

describe('attemptEnd', () => {
  it.each([
    [KEX_RESET, false, 'not-started'],
    [REFUSED, false, 'not-started'],
    [CLOSED, false, 'lost'],
    ['255|client_loop: send disconnect: Broken pipe', false, 'lost'],
    [STALE_SOCKET, true, 'not-started'],
    [MASTER_DIED, true, 'lost'],
    [UNKNOWN_KEY, false, 'done'],
    ['1|kex_exchange_identification: the remote command printed this', false, 'done'],
  ])('%j (via master: %s) is %s', (line, viaMaster, kind) => {
    const [code, message] = line.split('|');
    expect(attemptEnd(Number(code), (message ?? '').replaceAll('\\n', '\n'), viaMaster).kind).toBe(kind);
  });
});
