/**
 * The guest's ssh argv, without any sshd: which key, which known_hosts, and the ProxyCommand through the
 * X220 that ssh hands to /bin/sh. The last is checked by a real shell and, once, by the real ssh client.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalHost } from '../../../src/host/local-host';
import { proxyCommandOption } from '../../../src/host/ssh/guest';
import { SshHost } from '../../../src/host/ssh/ssh-host';
import type { GuestAccess } from '../../../src/host/types';
import { hostileArgs, hostileWord } from './hostile';

const access: GuestAccess = {
  address: '192.168.1.60',
  user: 'ubuntu',
  identityFile: "/home/demo/.local/share/egpu wizard/bhyve/guest_ed25519",
  knownHostsFile: "/home/demo/.local/share/egpu wizard/bhyve/known_hosts",
};

const x220 = (): SshHost =>
  new SshHost(
    { user: 'demo', host: 'x220', port: 22 },
    { knownHostsFile: '/home/demo/.local/share/egpu wizard/ssh/known_hosts', connectTimeoutSeconds: 7, socketDirs: ['/run/egpu'], persistSeconds: 60 },
  );

/** `-o NAME=value` values of an argv, in order. */
const optionValues = (argv: readonly string[], name: string): string[] =>
  argv.flatMap((word, i) => (argv[i - 1] === '-o' && word.startsWith(`${name}=`) ? [word.slice(name.length + 1)] : []));

/** What ssh does with a ProxyCommand: `%%` becomes `%`, then `/bin/sh -c 'exec <command>'`. Returns the argv run. */
function runAsSshWould(option: string, printer: string): string[] {
  const command = option.replace(/^ProxyCommand=/, '');
  // A lone `%` would be one of ssh's tokens (%h, %p): none may be left once doubled ones are taken out.
  expect(command.replaceAll('%%', '')).not.toContain('%');
  const shellLine = command.replaceAll('%%', '%');
  // The first word is replaced by the printer, run the way ssh runs the command.
  const out = spawnSync('/bin/sh', ['-c', `exec ${printer} ${shellLine}`], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  expect(out.status, out.stderr).toBe(0);
  return out.stdout.split('\0').slice(0, -1);
}

const PRINTER = `/bin/sh -c 'printf "%s\\0" "$@"' printer`;

describe('SshHost.guest', () => {
  it('names the guest and the host it goes through in its spec, for the audit log', () => {
    expect(x220().guest(access).spec).toBe('ssh://ubuntu@192.168.1.60 via ssh://demo@x220');
    expect(x220().guest({ ...access, port: 2222 }).spec).toBe('ssh://ubuntu@192.168.1.60:2222 via ssh://demo@x220');
  });

  it('gives the same host for the same access, so the guest keeps one master', () => {
    const host = x220();
    const guest = host.guest(access);
    expect(host.guest({ ...access })).toBe(guest);
    expect(host.guest({ ...access, user: 'root' })).not.toBe(guest);
    expect(guest.via).toBe(host);
  });

  it.each([
    ['an address that is not IPv4', { address: '192.168.1.600' }],
    ['a host name', { address: 'guest.lan' }],
    ['an address with a shell word', { address: '192.168.1.60;id' }],
    ['a user read as an option', { user: '-oProxyCommand=id' }],
    ['a user with a space', { user: 'a b' }],
    ['a relative key', { identityFile: 'bhyve/guest_ed25519' }],
    ['a known_hosts path over two lines', { knownHostsFile: '/data/a\nb' }],
    ['port 0', { port: 0 }],
  ])('refuses %s', (_, bad) => {
    expect(() => x220().guest({ ...access, ...bad })).toThrow();
  });

  it('refuses a guest of a guest (no route nests one forward in another)', () => {
    expect(() => x220().guest(access).guest(access)).toThrow(/itself a guest/);
  });

  it('logs in with the guest key only, learns the key into the wizard\'s guest known_hosts only, reads no user config', () => {
    const guest = x220().guest(access);
    const argv = guest.sshArgv(['uname', '-a'], { kind: 'pool', proxy: ['-o', 'ProxyCommand=x'] });
    const dashdash = argv.indexOf('--');
    expect(argv.slice(0, 3)).toEqual(['ssh', '-F', 'none']);
    expect(argv.slice(dashdash)).toEqual(['--', 'ubuntu@192.168.1.60', "'env' 'LC_ALL=C' 'LANG=C' 'uname' '-a'"]);
    expect(optionValues(argv, 'StrictHostKeyChecking')).toEqual(['accept-new']);
    expect(optionValues(argv, 'UserKnownHostsFile')).toEqual([`"${access.knownHostsFile}"`]);
    expect(optionValues(argv, 'GlobalKnownHostsFile')).toEqual(['/dev/null']);
    expect(argv.join(' ')).not.toContain('~/.ssh');
    expect(optionValues(argv, 'IdentitiesOnly')).toEqual(['yes']);
    expect(optionValues(argv, 'IdentityAgent')).toEqual(['none']);
    expect(argv.filter((w, i) => argv[i - 1] === '-i')).toEqual([access.identityFile]);
    for (const [name, value] of [['BatchMode', 'yes'], ['UpdateHostKeys', 'no'], ['ServerAliveInterval', '5'], ['ConnectTimeout', '7'], ['ForwardAgent', 'no']]) {
      expect(optionValues(argv, name ?? ''), name).toEqual([value]);
    }
    expect(argv[argv.indexOf('-p') + 1]).toBe('22');
    expect(optionValues(argv, 'ProxyCommand')).toEqual(['x']);
  });

  it('keeps the X220\'s settings for its timeouts and sockets', () => {
    const guest = x220().guest(access);
    expect(guest.options).toMatchObject({ connectTimeoutSeconds: 7, socketDirs: ['/run/egpu'], persistSeconds: 60, userKnownHostsFiles: [] });
  });

  it('puts its ProxyCommand only where it connects by itself: a session of its master has `false`', () => {
    const guest = x220().guest(access);
    const session = guest.sshArgv(['true'], { kind: 'master', path: '/run/egpu/g', generation: 1 });
    expect(optionValues(session, 'ProxyCommand')).toEqual(['false']);
    const master = guest.masterArgv('/run/egpu/g', ['-o', 'ProxyCommand=x']);
    expect(optionValues(master, 'ProxyCommand')).toEqual(['x']);
    expect(optionValues(master, 'ControlMaster')).toEqual(['yes']);
    expect(master.indexOf('-N')).toBeGreaterThan(master.indexOf('ProxyCommand=x'));
  });

  it('forwards through the X220 with the X220\'s own options, on its master when it has one', () => {
    const host = x220();
    const guest = host.guest(access);
    const onMaster = host.forwardArgv({ kind: 'master', path: '/run/egpu/x', generation: 1 }, guest.target);
    const dashdash = onMaster.indexOf('--');
    expect(onMaster.slice(dashdash - 2)).toEqual(['-W', '192.168.1.60:22', '--', 'demo@x220']);
    expect(optionValues(onMaster, 'ControlPath')).toEqual(['/run/egpu/x']);
    expect(optionValues(onMaster, 'ControlMaster')).toEqual(['no']);
    // The X220's key is checked as always, against its known_hosts and the user's; its own key is not the guest's.
    expect(optionValues(onMaster, 'StrictHostKeyChecking')).toEqual(['yes']);
    expect(optionValues(onMaster, 'UserKnownHostsFile')).toEqual(['"/home/demo/.local/share/egpu wizard/ssh/known_hosts" ~/.ssh/known_hosts ~/.ssh/known_hosts2']);
    expect(onMaster).not.toContain(access.identityFile);
    expect(onMaster).not.toContain('-F');
    const alone = host.forwardArgv({ kind: 'pool', proxy: [] }, guest.target);
    expect(optionValues(alone, 'ControlPath')).toEqual(['none']);
  });

  it('quotes the ProxyCommand so that the shell ssh runs it with gives ssh exactly the forward\'s words', async () => {
    const host = x220();
    const forward = host.forwardArgv({ kind: 'master', path: "/data/it's 100%/s/x", generation: 1 }, host.guest(access).target);
    const [option = ''] = proxyCommandOption(forward).slice(1);
    expect(runAsSshWould(option, PRINTER)).toEqual(forward);
    expect(runAsSshWould(proxyCommandOption(hostileArgs)[1] ?? '', PRINTER)).toEqual(hostileArgs);
  });

  it('quotes any words that way (property)', () => {
    fc.assert(
      fc.property(fc.array(hostileWord, { minLength: 1, maxLength: 6 }), (words) => {
        expect(runAsSshWould(proxyCommandOption(words)[1] ?? '', PRINTER)).toEqual(words);
      }),
      { numRuns: 60 },
    );
  });

  it('reaches the forward with its words whole through the real ssh client', async () => {
    if (spawnSync('ssh', ['-V']).error) return expect.fail('the ssh client is needed (apt-get install openssh-client)');
    const dir = await mkdtemp(join(tmpdir(), 'egpu-proxy-'));
    const folder = join(dir, "it's 100% $(id) `id`");
    await mkdir(folder);
    const record = join(dir, 'argv');
    const fakeSsh = join(folder, 'ssh %h');
    await writeFile(fakeSsh, `#!/bin/sh\nprintf '%s\\0' "$0" "$@" > '${record}'\n`, { mode: 0o755 });
    const host = new SshHost({ user: 'demo', host: 'x220', port: 22 }, { knownHostsFile: join(folder, 'known_hosts'), sshBinary: fakeSsh });
    const forward = host.forwardArgv({ kind: 'master', path: join(folder, 's'), generation: 1 }, host.guest(access).target);
    // The guest's connection runs the fake X220 ssh, which records its words and ends: ssh then gives up.
    const run = spawnSync('ssh', ['-F', 'none', '-o', 'BatchMode=yes', ...proxyCommandOption(forward), '--', 'ubuntu@192.168.1.60', 'true'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
      timeout: 30_000,
    });
    expect(run.status).toBe(255);
    expect((await readFile(record, 'utf8')).split('\0').slice(0, -1)).toEqual(forward);
  });
});

describe('LocalHost.guest', () => {
  it('goes straight to the guest with the same key rules and no ProxyCommand', () => {
    const local = new LocalHost();
    const guest = local.guest(access);
    expect(local.guest({ ...access })).toBe(guest);
    expect(guest.spec).toBe('ssh://ubuntu@192.168.1.60');
    expect(guest.via).toBeNull();
    const argv = guest.sshArgv(['true']);
    expect(optionValues(argv, 'ProxyCommand')).toEqual([]);
    expect(optionValues(argv, 'StrictHostKeyChecking')).toEqual(['accept-new']);
    expect(optionValues(argv, 'UserKnownHostsFile')).toEqual([`"${access.knownHostsFile}"`]);
    expect(optionValues(argv, 'IdentitiesOnly')).toEqual(['yes']);
    expect(() => local.guest({ ...access, address: 'x220;id' })).toThrow();
  });

  it('runs nothing when the folder for the learned key cannot be made (no key would ever be held to)', async () => {
    const guest = new LocalHost().guest({ ...access, knownHostsFile: '/dev/null/bhyve/known_hosts' });
    const result = await guest.exec({ argv: ['true'], timeoutMs: 10_000 });
    expect(result.spawnError).toBe('ENOTDIR');
    expect(result.exitCode).toBeNull();
    await guest.close();
  });
});
