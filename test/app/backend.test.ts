import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/app/backend';
import { channelNames, type EventName } from '../../src/contract/channels';
import { WizardState } from '../../src/contract/state';
import { FakeHost } from '../wizard/fake-host';

const freebsd = { 'uname -rsm': { stdout: 'FreeBSD 14.2-RELEASE amd64\n' } };

async function backend(table: Record<string, { stdout: string }> = freebsd) {
  const dataDir = await mkdtemp(join(tmpdir(), 'egpu-backend-'));
  const events: EventName[] = [];
  const hosts: FakeHost[] = [];
  const instance = await Backend.create({
    dataDir,
    hostSpec: 'sim:x220-fresh',
    mode: 'browser',
    version: '0.0.0',
    emit: (event) => events.push(event),
    hostFactory: (spec) => {
      const host = new FakeHost(spec, table);
      hosts.push(host);
      return host;
    },
  });
  return { instance, events, hosts };
}

describe('Backend.dispatch', () => {
  it('answers a valid request with a state that satisfies the contract', async () => {
    const { instance } = await backend();
    const reply = await instance.dispatch('wizard:state', {});
    expect(reply.ok).toBe(true);
    if (reply.ok) expect(WizardState.safeParse(reply.data).success).toBe(true);
  });

  it.each([['no-such:channel'], ['__proto__'], ['constructor'], [42], [null]])('rejects unknown channel %s', async (channel) => {
    const { instance } = await backend();
    const reply = await instance.dispatch(channel, {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  it.each([
    ['wizard:runChecks', { stepId: 5 }],
    ['wizard:runChecks', {}],
    ['wizard:runChecks', { stepId: 'preflight', extra: 1 }],
    ['wizard:next', { stepId: 'preflight', continueAnyway: 'yes' }],
    ['auth:providePassword', { password: 'x'.repeat(5000) }],
    ['host:select', { spec: 'ssh://root@evil; rm -rf /' }],
    ['log:recent', { limit: -1 }],
    ['wizard:state', null],
    ['wizard:state', JSON.parse('{"__proto__": {"polluted": true}}') as unknown],
  ])('rejects an invalid payload for %s without running anything', async (channel, payload) => {
    const { instance, hosts } = await backend();
    const callsBefore = hosts.reduce((n, h) => n + h.calls.length, 0);
    const reply = await instance.dispatch(channel, payload);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(hosts.reduce((n, h) => n + h.calls.length, 0)).toBe(callsBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('turns a request the wizard cannot honour into a typed error', async () => {
    const { instance } = await backend();
    const reply = await instance.dispatch('wizard:goTo', { stepId: 'power-cooling' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-state' } });
  });

  it('opens the host picker when the host is not FreeBSD', async () => {
    const { instance } = await backend({ 'uname -rsm': { stdout: 'Linux 6.1.0-18-amd64 x86_64\n' } });
    await instance.hostChecked;
    const state = instance.state();
    expect(state.hostPickerReason).toEqual({ key: 'host.picker.notFreeBSD', params: { os: 'Linux 6.1.0-18-amd64' } });
  });

  it('pushes state and log events while checks run', async () => {
    const { instance, events } = await backend();
    await instance.dispatch('wizard:runChecks', { stepId: 'preflight' });
    await new Promise((r) => setTimeout(r, 0));
    expect(events).toContain('state:changed');
    expect(events).toContain('log:entry');
  });

  it('has a handler for every channel of the contract', async () => {
    const { instance } = await backend();
    for (const channel of channelNames) {
      const reply = await instance.dispatch(channel, {});
      if (!reply.ok) expect(reply.error.code, channel).not.toBe('unknown-channel');
    }
  });
});

describe('the sudo password', () => {
  it('is used through stdin only and never reaches the audit log or the saved files', async () => {
    const secret = 'S3cret-pw!';
    const dataDir = await mkdtemp(join(tmpdir(), 'egpu-backend-'));
    const hosts: FakeHost[] = [];
    const instance = await Backend.create({
      dataDir,
      hostSpec: 'sim:x220-fresh',
      mode: 'browser',
      version: '0.0.0',
      hostFactory: (spec) => {
        const host = new FakeHost(spec, {
          'uname -rsm': { stdout: 'FreeBSD 14.2-RELEASE amd64\n' },
          'id -u': { stdout: '1001\n' },
          'id -un': { stdout: 'demo\n' },
          'which sudo': { stdout: '/usr/local/bin/sudo\n' },
          'sudo -n true': { exitCode: 1, stderr: 'sudo: a password is required\n' },
          'sudo -S -p  -k -- id -u': { stdout: '0\n' },
        });
        hosts.push(host);
        return host;
      },
    });
    await instance.dispatch('wizard:runChecks', { stepId: 'preflight' });
    expect(instance.state().privilege).toMatchObject({ method: 'sudo', needsPassword: true, passwordHeld: false });
    const reply = await instance.dispatch('auth:providePassword', { password: secret });
    expect(reply.ok && (reply.data as { privilege: unknown }).privilege).toMatchObject({ passwordHeld: true });
    await instance.close();

    const host = hosts[0];
    const probe = host?.calls.findIndex((argv) => argv.join(' ') === 'sudo -S -p  -k -- id -u') ?? -1;
    expect(probe).toBeGreaterThanOrEqual(0);
    expect(host?.stdins[probe]).toBe(`${secret}\n`);
    const argvs = hosts.flatMap((h) => h.calls).flat();
    expect(argvs.join(' ')).not.toContain(secret);
    const { readdir, readFile } = await import('node:fs/promises');
    const files = await readdir(dataDir, { recursive: true, withFileTypes: true });
    for (const file of files.filter((f) => f.isFile())) {
      expect(await readFile(join(file.parentPath, file.name), 'utf8'), file.name).not.toContain(secret);
    }
    expect(files.some((f) => f.name === 'audit.log')).toBe(true);
  });
});

describe('step inputs', () => {
  it('accept a value inside the range, refuse one outside it or an unknown input', async () => {
    const { instance } = await backend();
    expect(await instance.dispatch('wizard:setInput', { stepId: 'verify', inputId: 'model-size', value: 1000 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-state' },
    });
    expect(await instance.dispatch('wizard:setInput', { stepId: 'verify', inputId: 'nope', value: 1 })).toMatchObject({ ok: false });
    expect(await instance.dispatch('wizard:setInput', { stepId: 'verify', inputId: 'model-size', value: Number.NaN })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    expect((await instance.dispatch('wizard:setInput', { stepId: 'verify', inputId: 'model-size', value: 4 })).ok).toBe(true);
  });
});
