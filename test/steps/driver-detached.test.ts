import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Backend } from '../../src/app/backend';
import { LogEntry, type WizardState } from '../../src/contract/state';
import { JOBS_ROOT, WRAPPER_NAME, WRAPPER_SCRIPT } from '../../src/detached/wrapper';
import { VirtualClock } from '../../src/host/simulated/clock';
import type { SimulatedHost } from '../../src/host/simulated/simulated-host';
import type { ExecRequest } from '../../src/host/types';
import { atDriver } from './walk';

/**
 * The driver step's pkg runs detached on the host (daemon(8) and the wizard's wrapper), so a closed window
 * or a dropped connection does not cut an install half-way. The clock is paused around the install, so
 * "half-way" is a point in simulated time.
 */

const action = (state: WizardState, id: string) => state.current.actions.find((a) => a.id === id);
const check = (state: WizardState, id: string) => state.current.checks.find((c) => c.id === id);
const DRIVER_PACKAGES = ['pkg', 'install', '-y', 'nvidia-driver-580', 'linux-nvidia-libs-580'];

/** Counts the daemon(8) starts of a pkg job that reach the host, whichever session sends them. */
function countPkgStarts(host: SimulatedHost): { readonly count: number } {
  const counter = { count: 0 };
  const exec = host.exec.bind(host);
  host.exec = (request: ExecRequest) => {
    if (request.argv.includes('daemon') && request.argv.includes('pkg')) counter.count += 1;
    return exec(request);
  };
  return counter;
}

const caller = (backend: Backend) => async (channel: string, payload: unknown): Promise<WizardState> => {
  const reply = await backend.dispatch(channel, payload);
  if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
  return reply.data as WizardState;
};

describe('the driver’s pkg runs detached', () => {
  it('runs on while the wizard is closed; reopened, the step shows it still running with its progress, never starts pkg twice, and records the run', async () => {
    const clock = new VirtualClock();
    const walk = await atDriver('x220-fresh', { clock, jobPollMs: 100 });
    const host = walk.host();
    if (host === null) throw new Error('no host');
    await walk.call('wizard:runChecks', { stepId: 'driver' });
    const starts = countPkgStarts(host);

    clock.pause();
    const first = walk.call('wizard:runAction', { stepId: 'driver', actionId: 'install', confirmed: true });
    // Into pkg's fetching, short of its 4.8 s.
    await vi.waitFor(async () => {
      await clock.next();
      expect(host.runningJobs).toBe(1);
    });
    await clock.advance(2600);
    await walk.backend.close();
    expect(action(await first, 'install')?.lastRun).toBeNull();
    expect(host.runningJobs).toBe(1);
    expect(host.snapshot().packages.map((p) => p.name)).not.toContain('nvidia-driver-580');

    // Reopened on the same host and data folder: the job is followed from the top of its log.
    const reopened = await Backend.create({ dataDir: walk.dataDir, hostSpec: 'sim:x220-fresh', mode: 'browser', version: '0.0.0', hostFactory: () => host, jobPollMs: 100 });
    const call = caller(reopened);
    await vi.waitFor(async () => {
      if (!(action(await call('wizard:state', {}), 'install')?.progress)) await clock.advance(50);
      expect(action(await call('wizard:state', {}), 'install')?.progress?.done ?? 0).toBeGreaterThan(0);
    });
    const during = action(await call('wizard:state', {}), 'install');
    expect(during).toMatchObject({ running: true, offered: false, lastRun: null, progress: { total: 8 } });
    expect(during?.detachedSince).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(host.runningJobs).toBe(1);
    const again = await reopened.dispatch('wizard:runAction', { stepId: 'driver', actionId: 'install', confirmed: true });
    expect(again.ok).toBe(false);

    clock.resume();
    await vi.waitFor(async () => expect(action(await call('wizard:state', {}), 'install')?.lastRun?.status).toBe('ok'));
    const after = await call('wizard:runChecks', { stepId: 'driver' });
    expect(check(after, 'branch')?.status).toBe('pass');
    expect(check(after, 'versions')?.status).toBe('pass');
    expect(action(after, 'install')).toMatchObject({ running: false, detachedSince: null, offered: false });
    expect(starts.count).toBe(1);

    // Both windows wrote to the audit log: the daemon(8) start with the whole argv, and the run's start and end.
    await reopened.audit.flush();
    const lines = (await readFile(join(walk.dataDir, 'audit.log'), 'utf8')).trim().split('\n');
    const entries = lines
      .map((l) => LogEntry.parse(JSON.parse(l)))
      .filter((e) => e.commandId === 'detached:pkgInstall' || (e.commandId === 'detachedStart' && e.argv.some((a) => a.startsWith(`${JOBS_ROOT}/pkgInstall-`))));
    expect(entries.map((e) => [e.commandId, e.exitCode])).toEqual([
      ['detachedStart', 0],
      ['detached:pkgInstall', null],
      ['detached:pkgInstall', 0],
    ]);
    expect(entries[0]?.argv).toEqual(expect.arrayContaining(['daemon', '-f', '/bin/sh', ...DRIVER_PACKAGES]));
    expect(entries[1]?.argv).toEqual(DRIVER_PACKAGES);
    expect(entries[2]?.stdout).toContain('[4/4] Extracting linux-nvidia-libs-580-580.105.08: .......... done');
    await reopened.close();
  });

  it('a locked package database, found by the detached pkg, is named and can be retried', async () => {
    const walk = await atDriver('x220-pkg-offline');
    await walk.call('wizard:runChecks', { stepId: 'driver' });
    await walk.call('wizard:runChecks', { stepId: 'driver' });
    let state = await walk.call('wizard:runAction', { stepId: 'driver', actionId: 'install', confirmed: true });
    expect(action(state, 'install')?.lastRun).toMatchObject({ status: 'failed', exitCode: 1, problem: { key: 'steps.driver.pkg.locked' } });
    const failed = walk.backend.audit.recent(1000).filter((e) => e.commandId === 'detached:pkgInstall' && e.exitCode !== null);
    expect(failed.map((e) => e.exitCode)).toEqual([1]);
    expect(failed[0]?.stdout).toContain('Cannot get an advisory lock on a database');
    state = await walk.call('wizard:runAction', { stepId: 'driver', actionId: 'install', confirmed: true });
    expect(action(state, 'install')?.lastRun).toMatchObject({ status: 'ok' });
    await walk.backend.close();
  });

  it('pkg upgrade runs detached too', async () => {
    const walk = await atDriver('x220-mismatch');
    await walk.call('wizard:runChecks', { stepId: 'driver' });
    const state = await walk.call('wizard:runAction', { stepId: 'driver', actionId: 'align', confirmed: true });
    expect(check(state, 'versions')?.status).toBe('pass');
    const ends = walk.backend.audit.recent(1000).filter((e) => e.commandId === 'detached:pkgUpgrade' && e.exitCode !== null);
    expect(ends.map((e) => [e.argv, e.exitCode])).toEqual([[['pkg', 'upgrade', '-y', 'linux-nvidia-libs-580'], 0]]);
    await walk.backend.close();
  });

  it('without the sudo password, no job is started and the action says the password is needed', async () => {
    const walk = await atDriver('x220-fresh');
    const host = walk.host();
    if (host === null) throw new Error('no host');
    await walk.call('wizard:runChecks', { stepId: 'driver' });
    await walk.call('auth:forgetPassword', {});
    const state = await walk.call('wizard:runAction', { stepId: 'driver', actionId: 'install', confirmed: true });
    expect(action(state, 'install')).toMatchObject({ running: false, detachedSince: null, lastRun: { status: 'failed', problem: { key: 'steps.driver.pkg.needsPassword' } } });
    // sudo -n refused daemon(8): no job folder, no run recorded, nothing saved to follow on reopen.
    expect(Object.keys(host.snapshot().files).filter((path) => path.startsWith(`${JOBS_ROOT}/pkgInstall-`))).toEqual([]);
    expect(walk.backend.audit.recent(1000).filter((e) => e.commandId === 'detached:pkgInstall')).toEqual([]);
    expect(walk.backend.currentSession.savedProgress().jobs).toEqual([]);
    expect(host.runningJobs).toBe(0);
    await walk.backend.close();
  });

  it('shows, before it runs, the exact daemon(8) line with the wrapper that starts pkg, and starts that line', async () => {
    const walk = await atDriver('x220-fresh', { jobPollMs: 100 });
    const shown = action(await walk.call('wizard:runChecks', { stepId: 'driver' }), 'install')?.commands ?? [];
    const pkg = shown.find((c) => c.argv.join(' ') === DRIVER_PACKAGES.join(' '));
    expect(pkg?.privileged).toBe(true);
    const wrapped = pkg?.detached?.argv ?? [];
    expect(wrapped.slice(0, 6)).toEqual(['daemon', '-f', '/bin/sh', '-c', WRAPPER_SCRIPT, WRAPPER_NAME]);
    expect(wrapped[6]).toBe(`${JOBS_ROOT}/pkgInstall-START`);
    expect(wrapped.slice(7)).toEqual(DRIVER_PACKAGES);
    // Commands that do not run detached say nothing of the kind.
    expect(shown.filter((c) => c.detached === undefined).length).toBe(shown.length - 1);

    const host = walk.host();
    if (host === null) throw new Error('no host');
    const started: string[][] = [];
    const exec = host.exec.bind(host);
    host.exec = (request: ExecRequest) => {
      if (request.argv.includes('daemon')) started.push(request.argv.slice(request.argv.indexOf('daemon')));
      return exec(request);
    };
    await walk.call('wizard:runAction', { stepId: 'driver', actionId: 'install', confirmed: true });
    expect(started).toHaveLength(1);
    // What ran is what was shown, with the job folder named at its start.
    expect(started[0]?.map((w, i) => (i === 6 ? w.replace(/-\d+$/, '-START') : w))).toEqual(wrapped);
  });
});
