import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { CommandRunner } from '../../src/commands/runner';
import type { WizardState } from '../../src/contract/state';
import { attachedCheck } from '../../src/steps/driver/proof-checks';
import { versionsCheck } from '../../src/steps/driver/versions-check';
import { CheckRound } from '../../src/wizard/run-checks';
import type { CheckDefinition } from '../../src/wizard/step';
import { sharedFixtureFiles } from '../fixtures-path';
import { FakeHost, type Canned } from '../wizard/fake-host';
import { atDriver, files } from './walk';

const check = (state: WizardState, id: string) => state.current.checks.find((c) => c.id === id);
const action = (state: WizardState, id: string) => state.current.actions.find((a) => a.id === id);
const statuses = (state: WizardState) => Object.fromEntries(state.current.checks.map((c) => [c.id, c.status]));

describe('the NVIDIA driver step on the simulated hosts', () => {
  it('x220-fresh: picks the 580 branch over the default 595, installs, loads, and proves the card', async () => {
    const { call, host } = await atDriver('x220-fresh');
    let state = await call('wizard:runChecks', { stepId: 'driver' });
    expect(state.current.id).toBe('driver');
    const branch = check(state, 'branch');
    expect(branch?.status).toBe('warn');
    expect(branch?.reason).toMatchObject({ key: 'steps.driver.branch.ready', params: { name: 'Tesla P4', architecture: 'Pascal', package: 'nvidia-driver-580', version: '580.105.08' } });
    expect(branch?.advice.map((a) => a.key)).toEqual(['steps.driver.branch.skippedDefault', 'steps.driver.branch.stayOn']);
    expect(branch?.advice[0]?.params).toMatchObject({ name: 'nvidia-driver', version: '595.58.03', last: 580 });
    expect(state.current.canContinue).toBe(false);
    expect(state.current.canContinueAnyway).toBe(false);

    const install = action(state, 'install');
    expect(install?.offered).toBe(true);
    expect(install?.commands).toMatchObject([{ argv: ['pkg', 'install', '-y', 'nvidia-driver-580', 'linux-nvidia-libs-580'], privileged: true, detached: { argv: expect.arrayContaining(['daemon', 'pkg']) } }]);
    expect(install?.commands).toHaveLength(1);
    state = await call('wizard:runAction', { stepId: 'driver', actionId: 'install', confirmed: true });
    expect(action(state, 'install')?.lastRun).toMatchObject({ status: 'ok', problem: null });
    expect(statuses(state)).toMatchObject({ branch: 'pass', versions: 'pass', loaded: 'fail', 'nvidia-smi': 'fail' });
    expect(action(state, 'install')?.offered).toBe(false);

    const load = action(state, 'load');
    expect(load?.offered).toBe(true);
    expect(load?.commands.map((c) => c.argv.join(' '))).toEqual([
      'kldload -n nvidia-modeset',
      'tee /etc/rc.conf.egpu-new',
      'chown root:wheel /etc/rc.conf.egpu-new',
      'chmod 644 /etc/rc.conf.egpu-new',
      'mv -f /etc/rc.conf.egpu-new /etc/rc.conf',
    ]);
    expect(load?.files[0]?.diff).toContain('kld_list="nvidia-modeset"');
    state = await call('wizard:runAction', { stepId: 'driver', actionId: 'load', confirmed: true });
    expect(files(host())['/etc/rc.conf']).toContain('kld_list="nvidia-modeset"');
    expect(statuses(state)).toEqual({ branch: 'pass', versions: 'pass', loaded: 'pass', attached: 'pass', 'nvidia-smi': 'pass' });
    expect(check(state, 'nvidia-smi')?.reason?.params).toEqual({ name: 'Tesla P4', bus: '00000000:05:00.0', version: '580.105.08', memory: '7680' });
    expect(check(state, 'attached')?.evidence[0]?.lines[0]?.text).toBe('nvidia0: <Tesla P4> on vgapci1');
    expect(state.current.canContinue).toBe(true);

    // And after a restart the driver comes back by itself.
    const h = host();
    const boots = h?.snapshot().boots ?? 0;
    await h?.exec({ argv: ['sudo', '-S', '-p', '', '--', 'shutdown', '-r', 'now'], stdin: 'demo\n', timeoutMs: 10_000 });
    expect(h?.snapshot().boots).toBe(boots + 1);
    state = await call('wizard:runChecks', { stepId: 'driver' });
    expect(statuses(state)).toEqual({ branch: 'pass', versions: 'pass', loaded: 'pass', attached: 'pass', 'nvidia-smi': 'pass' });
  });

  it('x220-mismatch: names the lagging package, upgrades it, and calls the old API mismatch history', async () => {
    const { call } = await atDriver('x220-mismatch');
    let state = await call('wizard:runChecks', { stepId: 'driver' });
    const versions = check(state, 'versions');
    expect(versions?.status).toBe('fail');
    expect(versions?.reason).toMatchObject({ key: 'steps.driver.versions.libsDiffer', params: { libs: 'linux-nvidia-libs-580', libsVersion: '580.95.05', driverVersion: '580.105.08' } });
    expect(versions?.evidence.some((e) => e.lines.some((l) => l.text.startsWith('NVRM: API mismatch: the client has the version 580.95.05')))).toBe(true);
    expect(action(state, 'align')?.commands).toMatchObject([{ argv: ['pkg', 'upgrade', '-y', 'linux-nvidia-libs-580'], privileged: true, detached: { argv: expect.arrayContaining(['daemon', 'upgrade']) } }]);
    expect(action(state, 'align')?.commands).toHaveLength(1);
    expect(action(state, 'restart')?.offered).toBe(false);
    state = await call('wizard:runAction', { stepId: 'driver', actionId: 'align', confirmed: true });
    expect(check(state, 'versions')).toMatchObject({ status: 'pass', reason: { key: 'steps.driver.versions.ok' } });
    expect(check(state, 'versions')?.advice[0]?.key).toBe('steps.driver.versions.oldMismatch');
  });

  it('x220-legacy-card: a Kepler card gets the 470 package, never 580 or 595', async () => {
    const { call } = await atDriver('x220-legacy-card');
    const state = await call('wizard:runChecks', { stepId: 'driver' });
    expect(check(state, 'branch')?.reason?.params).toMatchObject({ name: 'GeForce GTX 760', architecture: 'Kepler', package: 'nvidia-driver-470', version: '470.256.02' });
    expect(action(state, 'install')?.commands[0]?.argv).toEqual(['pkg', 'install', '-y', 'nvidia-driver-470', 'linux-nvidia-libs-470']);
  });

  it('x220-pkg-offline: a network failure and a locked database each get their own message, and a retry works', async () => {
    const { call } = await atDriver('x220-pkg-offline');
    let state = await call('wizard:runChecks', { stepId: 'driver' });
    expect(check(state, 'branch')).toMatchObject({ status: 'error', reason: { key: 'steps.driver.pkg.network' } });
    expect(check(state, 'branch')?.evidence.flatMap((e) => e.lines.map((l) => l.text))).toContain('Unable to update repository FreeBSD');
    expect(action(state, 'install')?.offered).toBe(false);

    state = await call('wizard:runChecks', { stepId: 'driver' });
    expect(check(state, 'branch')?.status).toBe('warn');
    state = await call('wizard:runAction', { stepId: 'driver', actionId: 'install', confirmed: true });
    expect(action(state, 'install')?.lastRun).toMatchObject({ status: 'failed', exitCode: 1, problem: { key: 'steps.driver.pkg.locked' } });
    expect(action(state, 'install')?.offered).toBe(true);
    state = await call('wizard:runAction', { stepId: 'driver', actionId: 'install', confirmed: true });
    expect(action(state, 'install')?.lastRun).toMatchObject({ status: 'ok', problem: null });
    expect(check(state, 'branch')?.status).toBe('pass');
  });

  it('a driver branch that dropped the card is refused, and the kernel\'s legacy notice is shown as the proof', async () => {
    const { call, host } = await atDriver('x220-fresh');
    const h = host();
    if (h === null) throw new Error('no host');
    const asRoot = (argv: string[]) => h.exec({ argv: ['sudo', '-S', '-p', '', '--', ...argv], stdin: 'demo\n', timeoutMs: 10_000 });
    await asRoot(['pkg', 'install', '-y', 'nvidia-driver', 'linux-nvidia-libs']);
    await asRoot(['kldload', 'nvidia']);
    const state = await call('wizard:runChecks', { stepId: 'driver' });
    expect(check(state, 'branch')).toMatchObject({ status: 'fail', reason: { key: 'steps.driver.branch.installedUnsupported', params: { package: 'nvidia-driver', version: '595.58.03', last: 580 } } });
    expect(check(state, 'attached')).toMatchObject({ status: 'fail', reason: { key: 'steps.driver.attached.legacy', params: { gpu: 'Tesla P4', branch: '580', driver: '595.58.03' } } });
    expect(check(state, 'nvidia-smi')).toMatchObject({ status: 'fail', reason: { key: 'steps.driver.smi.noDevices' } });
    expect(check(state, 'nvidia-smi')?.advice[0]?.key).toBe('steps.driver.advice.troubleshoot');
  });
});

/** One check of the driver step against canned outputs, the dmesg being a real FreeBSD machine's. */
async function verdictOf(definition: CheckDefinition, table: Record<string, Canned>) {
  const host = new FakeHost('sim:fixture', table);
  const runner = new CommandRunner(host, new AuditLog(null), () => ({ method: 'root', password: null }));
  return (await new CheckRound(runner, {}).check(definition, { passwordVerified: true })).verdict;
}

describe('the driver checks on real boot messages', () => {
  const dmesgFiles = sharedFixtureFiles('dmesg');

  it.each(dmesgFiles.filter((f) => basename(f).startsWith('nvrm-legacy-')).map((f) => [basename(f), f]))('%s: the legacy notice names the branch to install', async (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const verdict = await verdictOf(attachedCheck, {
      dmesg: { stdout: text },
      'pciconf -lvb': { stdout: '' },
      kldstat: { stdout: 'Id Refs Address                Size Name\n 1   50 0xffffffff80200000  1f4e5c0 kernel\n 2    1 0xffffffff82a00000  2e07c58 nvidia.ko\n' },
    });
    const branch = /supported through the NVIDIA (\d+)\.xx Legacy/.exec(text)?.[1];
    expect(branch).toBeDefined();
    expect(verdict).toMatchObject({ status: 'fail', reason: { key: 'steps.driver.attached.legacy', params: { branch } } });
    expect(verdict.evidence[0]?.lines.length).toBe(5);
  });

  it.each(dmesgFiles.filter((f) => basename(f).startsWith('nvidia-attach-')).map((f) => [basename(f), f]))('%s: an attached driver passes with its own line', async (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const verdict = await verdictOf(attachedCheck, {
      dmesg: { stdout: text },
      'pciconf -lvb': { stdout: '' },
      kldstat: { stdout: 'Id Refs Address                Size Name\n 1   50 0xffffffff80200000  1f4e5c0 kernel\n 2    1 0xffffffff82a00000  2e07c58 nvidia.ko\n' },
    });
    expect(verdict.status).toBe('pass');
    expect(verdict.evidence[0]?.lines[0]?.text).toMatch(/^nvidia\d+: <.+> on vgapci\d+$/);
  });

  it('nvrm-api-mismatch: with the versions the kernel names installed, the mismatch is current and shown', async () => {
    const file = dmesgFiles.find((f) => basename(f).startsWith('nvrm-api-mismatch-'));
    if (file === undefined) throw new Error('no API mismatch fixture');
    const text = readFileSync(file, 'utf8');
    const verdict = await verdictOf(versionsCheck, {
      dmesg: { stdout: text },
      'pkg query %n\t%v': { stdout: 'nvidia-driver\t460.56\nlinux-nvidia-libs\t460.67\n' },
      'sysctl -n hw.nvidia.version': { stdout: 'NVIDIA UNIX x86_64 Kernel Module  460.56  Tue Feb 23 23:29:31 UTC 2021\n' },
    });
    expect(verdict.status).toBe('fail');
    expect(verdict.reason).toMatchObject({ key: 'steps.driver.versions.libsDiffer', params: { driverVersion: '460.56', libsVersion: '460.67' } });
    const shown = verdict.evidence.flatMap((e) => e.lines.map((l) => l.text));
    expect(shown).toContain('NVRM: API mismatch: the client has the version 460.67, but');
    expect(shown).toContain('NVRM: this kernel module has the version 460.56.  Please');
    // The older package here is the driver: it is the one to bring up.
    expect(verdict.commands?.[0]?.args).toEqual({ packages: ['nvidia-driver'] });
  });
});
