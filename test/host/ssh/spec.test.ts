import { describe, expect, it } from 'vitest';
import { parseSshAddress, sshSpecOf } from '../../../src/contract/ssh-spec';
import { HostSpec } from '../../../src/contract/state';
import { createHost, UnknownHostError } from '../../../src/host/create-host';
import { SshHost } from '../../../src/host/ssh/ssh-host';
import { classifySshFailure } from '../../../src/host/ssh/classify';

describe('ssh addresses', () => {
  it.each([
    ['ssh://alice@x220', { user: 'alice', host: 'x220', port: 22 }],
    ['alice@x220.lan:2222', { user: 'alice', host: 'x220.lan', port: 2222 }],
    ['  root@192.168.1.20 ', { user: 'root', host: '192.168.1.20', port: 22 }],
    ['bob@[fe80::1]:22', { user: 'bob', host: 'fe80::1', port: 22 }],
    ['_svc.x-1@a-b.example.org', { user: '_svc.x-1', host: 'a-b.example.org', port: 22 }],
  ])('accepts %s', (input, target) => {
    expect(parseSshAddress(input)).toEqual({ ok: true, target });
  });

  it.each([
    ['', 'empty'],
    ['x220', 'no-user'],
    ['@x220', 'no-user'],
    ['-oProxyCommand=x@host', 'bad-user'],
    ['al ice@host', 'bad-user'],
    ['alice@-oProxyCommand=touch', 'bad-host'],
    ['alice@host;id', 'bad-host'],
    ['alice@host name', 'bad-host'],
    ['alice@$(id)', 'bad-host'],
    ['alice@host:abc', 'bad-port'],
    ['alice@host:0', 'bad-port'],
    ['alice@host:70000', 'bad-port'],
    [`alice@${'a'.repeat(200)}`, 'too-long'],
  ])('refuses %j (%s)', (input, problem) => {
    expect(parseSshAddress(input)).toEqual({ ok: false, problem });
  });

  it('writes the canonical spec, without port 22 and with brackets for IPv6', () => {
    expect(sshSpecOf({ user: 'a', host: 'h', port: 22 })).toBe('ssh://a@h');
    expect(sshSpecOf({ user: 'a', host: 'h', port: 2200 })).toBe('ssh://a@h:2200');
    expect(sshSpecOf({ user: 'a', host: 'fe80::1', port: 2200 })).toBe('ssh://a@[fe80::1]:2200');
  });

  it('is a HostSpec, and createHost makes an SshHost of it', () => {
    expect(HostSpec.safeParse('ssh://alice@x220:2222').success).toBe(true);
    expect(HostSpec.safeParse('ssh://x220').success).toBe(false);
    expect(HostSpec.safeParse('ssh://alice@x220;id').success).toBe(false);
    const host = createHost('ssh://alice@x220:2222', { dataDir: '/tmp/egpu-data' });
    expect(host).toBeInstanceOf(SshHost);
    expect(host.spec).toBe('ssh://alice@x220:2222');
    expect(host.simulated).toBe(false);
    expect(() => createHost('ssh://alice@x220:99999')).toThrow(UnknownHostError);
  });
});

describe('SshHost argv', () => {
  const host = new SshHost({ user: 'alice', host: 'x220', port: 2222 }, { knownHostsFile: '/data dir/ssh/known_hosts' });

  it('runs ssh with options, then --, the destination and one quoted remote command', () => {
    const argv = host.sshArgv(['pkg', 'query', '%n\t%v']);
    expect(argv[0]).toBe('ssh');
    const dashdash = argv.indexOf('--');
    expect(argv.slice(dashdash)).toEqual(['--', 'alice@x220', "'env' 'LC_ALL=C' 'LANG=C' 'pkg' 'query' '%n\t%v'"]);
    const options = argv.slice(1, dashdash).join(' ');
    for (const option of ['BatchMode=yes', 'StrictHostKeyChecking=yes', 'UpdateHostKeys=no', 'ConnectTimeout=10', '-p 2222']) {
      expect(options).toContain(option);
    }
    expect(options).toContain('UserKnownHostsFile="/data dir/ssh/known_hosts" ~/.ssh/known_hosts ~/.ssh/known_hosts2');
  });

  it('refuses a program that env(1) would read as an option or a variable', async () => {
    for (const argv of [['-oProxyCommand=x'], ['A=B'], [''], ['cat', 'a\0b']]) {
      expect((await host.exec({ argv, timeoutMs: 1000 })).spawnError).toBe('EINVAL');
    }
  });
});

describe('classifySshFailure', () => {
  it.each([
    ['No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.', 'host-key-unknown'],
    ['@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n…\nHost key verification failed.', 'host-key-changed'],
    ['alice@x220: Permission denied (publickey).', 'auth-failed'],
    ['ssh: connect to host x220 port 22: Connection refused', 'unreachable'],
    ['ssh: Could not resolve hostname x220: Name or service not known', 'unreachable'],
    ['Connection to 127.0.0.1 closed by remote host.', 'connection-lost'],
    ['Timeout, server x220 not responding.', 'connection-lost'],
    ['', 'connection-lost'],
  ])('%j is %s', (stderr, kind) => {
    expect(classifySshFailure(255, stderr)?.kind).toBe(kind);
  });

  it('leaves any other exit status to the remote command', () => {
    expect(classifySshFailure(1, 'Host key verification failed.')).toBeNull();
    expect(classifySshFailure(0, '')).toBeNull();
  });
});
