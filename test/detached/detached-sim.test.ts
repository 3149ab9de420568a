import { describe, expect, it, vi } from 'vitest';
import { Backend } from '../../src/app/backend';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LogEntry, type WizardState } from '../../src/contract/state';
import { VirtualClock } from '../../src/host/simulated/clock';
import type { SimulatedHost } from '../../src/host/simulated/simulated-host';
import type { ExecRequest } from '../../src/host/types';
import { JOBS_ROOT } from '../../src/detached/wrapper';
import { atCudaJail, atFirstModel } from '../steps/walk';

/**
 * debootstrap runs detached on the simulated host: the job plays on the host's clock whatever the wizard
 * does. The clock is paused around the run, so "half-way" is a point in simulated time, not a race.
 */

const build = (state: WizardState) => state.current.actions.find((a) => a.id === 'build');
const userland = (state: WizardState) => state.current.checks.find((c) => c.id === 'userland');

/** Counts the daemon(8) starts that reach the host, whichever session sends them. */
function countStarts(host: SimulatedHost): { readonly count: number } {
  const counter = { count: 0 };
  const exec = host.exec.bind(host);
  host.exec = (request: ExecRequest) => {
    if (request.argv.includes('daemon')) counter.count += 1;
    return exec(request);
  };
  return counter;
}

/** pkg installs debootstrap beforehand, so the build action's one job is debootstrap (pkg's is a job too). */
async function installDebootstrap(host: SimulatedHost): Promise<void> {
  const run = await host.exec({ argv: ['sudo', '-S', '-p', '', '--', 'pkg', 'install', '-y', 'debootstrap'], stdin: 'demo\n', timeoutMs: 60_000 });
  expect(run.exitCode).toBe(0);
}

/** Lets simulated time pass until the detached job is running and has played `ms` of its run. */
async function intoTheJob(clock: VirtualClock, host: SimulatedHost, ms: number): Promise<void> {
  await vi.waitFor(async () => {
    await clock.next();
    expect(host.runningJobs).toBe(1);
  });
  await clock.advance(ms);
}

/**
 * x220-fresh at the jail step with debootstrap installed, the jail's build started on a paused clock and
 * `ms` into its detached job. `starts` counts the daemon(8) starts from then on.
 */
async function buildStartedFor(ms: number) {
  const clock = new VirtualClock();
  const walk = await atCudaJail('x220-fresh', { clock });
  const host = walk.host();
  if (host === null) throw new Error('no host');
  await installDebootstrap(host);
  const starts = countStarts(host);
  await walk.call('wizard:runChecks', { stepId: 'cuda-jail' });
  clock.pause();
  const running = walk.call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'build', confirmed: true });
  await intoTheJob(clock, host, ms);
  return { clock, walk, host, starts, running };
}

/** debootstrap's run and the daemon(8) start of its job (the walk's driver install started a job of its own). */
const detachedEntries = (entries: LogEntry[]) =>
  entries.filter((e) => e.commandId === 'detached:debootstrap' || (e.commandId === 'detachedStart' && e.argv.some((a) => a.startsWith(`${JOBS_ROOT}/debootstrap-`))));

describe('a detached debootstrap', () => {
  it('runs on while the wizard is closed; reopened, the step shows it still running with its progress, then its result; it is started once', async () => {
    // Past the follower's second look (5 s apart) and short of debootstrap's 9 s.
    const { clock, walk, host, starts, running: first } = await buildStartedFor(6000);
    expect(build(await walk.call('wizard:state', {}))?.progress?.done ?? 0).toBeGreaterThan(0);

    // The window closes half-way: the wizard lets go, the job does not stop.
    await walk.backend.close();
    const left = await first;
    expect(build(left)?.lastRun).toBeNull();
    expect(host.runningJobs).toBe(1);
    expect(host.snapshot().linux?.userland).not.toBe('complete');

    // Reopened on the same host and data folder: the job is followed again, not started again.
    const reopened = await Backend.create({ dataDir: walk.dataDir, hostSpec: 'sim:x220-fresh', mode: 'browser', version: '0.0.0', hostFactory: () => host });
    const call = async (channel: string, payload: unknown): Promise<WizardState> => {
      const reply = await reopened.dispatch(channel, payload);
      if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
      return reply.data as WizardState;
    };
    await vi.waitFor(async () => expect(build(await call('wizard:state', {}))?.progress?.done ?? 0).toBeGreaterThan(0));
    const during = build(await call('wizard:state', {}));
    expect(during).toMatchObject({ running: true, offered: false, lastRun: null });
    expect(during?.detachedSince).toMatch(/^\d{4}-\d\d-\d\dT/);
    const again = await reopened.dispatch('wizard:runAction', { stepId: 'cuda-jail', actionId: 'build', confirmed: true });
    expect(again.ok).toBe(false);

    clock.resume();
    await vi.waitFor(async () => expect(build(await call('wizard:state', {}))?.lastRun?.status).toBe('ok'));
    const after = await call('wizard:runChecks', { stepId: 'cuda-jail' });
    expect(userland(after)?.status).toBe('pass');
    expect(build(after)).toMatchObject({ running: false, detachedSince: null });
    expect(host.snapshot().linux?.userland).toBe('complete');
    expect(starts.count).toBe(1);
    expect(host.runningJobs).toBe(0);

    // The audit log on disk (both windows wrote to it) has the start command, and the run's start and end.
    await reopened.audit.flush();
    const lines = (await readFile(join(walk.dataDir, 'audit.log'), 'utf8')).trim().split('\n');
    const entries = detachedEntries(lines.map((l) => LogEntry.parse(JSON.parse(l))));
    expect(entries.map((e) => [e.commandId, e.exitCode])).toEqual([
      ['detachedStart', 0],
      ['detached:debootstrap', null],
      ['detached:debootstrap', 0],
    ]);
    expect(entries[0]?.argv).toEqual(expect.arrayContaining(['daemon', '-f', '/bin/sh', 'debootstrap', '--arch=amd64']));
    expect(entries[0]?.argv.some((a) => a.startsWith(`${JOBS_ROOT}/debootstrap-`))).toBe(true);
    expect(entries[1]?.argv.slice(0, 2)).toEqual(['debootstrap', '--arch=amd64']);
    expect(entries[2]?.stdout).toContain('I: Base system installed successfully.');
    expect(Date.parse(entries[2]?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(entries[1]?.at ?? ''));
    await reopened.close();
  });

  it('is stopped by Stop: its process group is signalled, and the check reports the half-built root', async () => {
    const { clock, walk, host, running } = await buildStartedFor(4000);
    expect(await walk.call('wizard:cancel', {})).toEqual({ cancelled: 1 });
    clock.resume();
    const after = await running;
    expect(build(after)?.lastRun).toMatchObject({ status: 'failed', exitCode: 143, problem: { key: 'wizard.action.cancelled' } });
    expect(host.runningJobs).toBe(0);
    expect(userland(after)?.reason?.key).toBe('jail.userland.halfBuilt');
    const stop = walk.backend.audit.recent(1000).find((e) => e.commandId === 'detachedStop');
    expect(stop?.argv.slice(-3)).toEqual(['-TERM', '--', expect.stringMatching(/^-\d+$/)]);
    await walk.backend.close();
  });

  it('the driver’s pkg install, the NVIDIA installer, the llama.cpp build and the model download run detached too, the build’s cmake [ NN%] lines giving its progress', async () => {
    const sent: WizardState[] = [];
    const walk = await atFirstModel('x220-fresh', { onState: (state) => sent.push(state) });
    await walk.call('wizard:runChecks', { stepId: 'first-model' });
    sent.length = 0;
    await walk.call('wizard:runAction', { stepId: 'first-model', actionId: 'build', confirmed: true });
    const percents = sent.map((s) => s.current.actions.find((a) => a.id === 'build')).filter((a) => a?.detachedSince).map((a) => a?.progress?.done);
    expect(percents.filter((p) => p !== undefined).length).toBeGreaterThan(0);
    const state = await walk.call('wizard:runAction', { stepId: 'first-model', actionId: 'download', confirmed: true });
    expect(state.current.checks.find((c) => c.id === 'model')?.status).toBe('pass');
    const ends = walk.backend.audit.recent(1000).filter((e) => e.commandId.startsWith('detached:') && e.exitCode !== null);
    expect(ends.map((e) => [e.commandId, e.exitCode])).toEqual([
      ['detached:pkgInstall', 0],
      ['detached:pkgInstallTool', 0],
      ['detached:debootstrap', 0],
      ['detached:jailInstallNvidia', 0],
      ['detached:llamaBuild', 0],
      ['detached:modelFetch', 0],
    ]);
    // A job with arguments (the packages, the NVIDIA installer's version) records the argv its own entry makes from them.
    expect(ends[0]?.argv).toEqual(['pkg', 'install', '-y', 'nvidia-driver-580', 'linux-nvidia-libs-580']);
    expect(ends[3]?.argv.slice(0, 4)).toEqual(['jexec', 'cuda', 'sh', '/root/NVIDIA-Linux-x86_64-580.105.08.run']);
    await walk.backend.close();
  });

  it('reopened without the sudo password, a Stop says it needs it; with it given, Stop ends the job and the check reports what is left', async () => {
    const { clock, walk, host, running: first } = await buildStartedFor(3000);
    await walk.backend.close();
    await first;

    const reopened = await Backend.create({ dataDir: walk.dataDir, hostSpec: 'sim:x220-fresh', mode: 'browser', version: '0.0.0', hostFactory: () => host });
    const call = async (channel: string, payload: unknown): Promise<WizardState> => {
      const reply = await reopened.dispatch(channel, payload);
      if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
      return reply.data as WizardState;
    };
    await vi.waitFor(async () => expect(build(await call('wizard:state', {}))?.progress?.done ?? 0).toBeGreaterThan(0));
    expect(await call('wizard:cancel', {})).toEqual({ cancelled: 1 });
    await vi.waitFor(async () => expect((await call('wizard:state', {})).notices.map((n) => n.key)).toContain('detached.stopFailed'));
    expect(host.runningJobs).toBe(1);
    expect(build(await call('wizard:state', {}))).toMatchObject({ running: true, lastRun: null });

    await call('auth:providePassword', { password: 'demo' });
    expect(await call('wizard:cancel', {})).toEqual({ cancelled: 1 });
    await vi.waitFor(async () => expect(build(await call('wizard:state', {}))?.lastRun?.status).toBe('failed'));
    expect(host.runningJobs).toBe(0);
    expect(build(await call('wizard:state', {}))?.lastRun).toMatchObject({ exitCode: 143, problem: { key: 'wizard.action.cancelled' } });
    clock.resume();
    const checked = await call('wizard:runChecks', { stepId: 'cuda-jail' });
    expect(userland(checked)?.reason?.key).toBe('jail.userland.halfBuilt');
    await reopened.close();
  });
});

describe('a detached debootstrap the host lost to a restart', () => {
  it('shows interrupted when the wizard reopens, audits it, offers to finish it, and runs again only when asked, one at a time', async () => {
    const { clock, walk, host, starts, running: first } = await buildStartedFor(4000);
    // Each start records how many jobs were already running on the host when it came.
    const runningAtStart: number[] = [];
    const exec = host.exec.bind(host);
    host.exec = (request: ExecRequest) => {
      if (request.argv.includes('daemon')) runningAtStart.push(host.runningJobs);
      return exec(request);
    };
    const bootTime = async () => (await host.exec({ argv: ['sysctl', '-n', 'kern.boottime'], timeoutMs: 1000 })).stdout;
    const bootBefore = await bootTime();
    await walk.backend.close();
    await first;

    // The laptop's battery dies half-way: the job ends with the machine, leaving no status behind.
    host.restart();
    expect(host.runningJobs).toBe(0);
    expect(await bootTime()).not.toBe(bootBefore);
    const files = Object.keys(host.snapshot().files).filter((f) => f.startsWith(`${JOBS_ROOT}/debootstrap-`));
    expect(files.map((f) => f.slice(f.lastIndexOf('/') + 1)).sort()).toEqual(['boot', 'log', 'pid']);
    expect(host.snapshot().linux?.userland).toBe('half-built');
    clock.resume();

    const reopened = await Backend.create({ dataDir: walk.dataDir, hostSpec: 'sim:x220-fresh', mode: 'browser', version: '0.0.0', hostFactory: () => host });
    const call = async (channel: string, payload: unknown): Promise<WizardState> => {
      const reply = await reopened.dispatch(channel, payload);
      if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
      return reply.data as WizardState;
    };
    await vi.waitFor(async () => expect(build(await call('wizard:state', {}))?.lastRun?.status).toBe('interrupted'));
    expect(build(await call('wizard:state', {}))).toMatchObject({ running: false, detachedSince: null, lastRun: { exitCode: null, problem: { key: 'detached.interrupted.restarted' } } });
    // The checks afterwards say what is left, and offer to finish it; nothing was started meanwhile.
    await vi.waitFor(async () => expect(userland(await call('wizard:state', {}))?.reason?.key).toBe('jail.userland.halfBuilt'));
    const finish = (await call('wizard:state', {})).current.actions.find((a) => a.id === 'finish');
    expect(finish?.offered).toBe(true);
    expect(starts.count).toBe(1);

    await reopened.audit.flush();
    const lines = (await readFile(join(walk.dataDir, 'audit.log'), 'utf8')).trim().split('\n');
    const ends = detachedEntries(lines.map((l) => LogEntry.parse(JSON.parse(l)))).filter((e) => e.commandId === 'detached:debootstrap' && e.outcome !== 'ok');
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ outcome: 'interrupted', exitCode: null });
    expect(ends[0]?.stderr).toContain('kern.boottime');
    expect(ends[0]?.stdout).toMatch(/^I: /);

    // Started again by the user (the reopened wizard needs the password for it): one new run, with nothing
    // else running, and it ends well.
    await call('auth:providePassword', { password: 'demo' });
    const after = await call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'finish', confirmed: true });
    expect(after.current.actions.find((a) => a.id === 'finish')?.lastRun?.status).toBe('ok');
    expect(userland(after)?.status).toBe('pass');
    expect(starts.count).toBe(2);
    expect(runningAtStart).toEqual([0]);
    expect(host.runningJobs).toBe(0);
    await reopened.close();
  });

  it('while the wizard follows it: the restart is noticed at a later look, and the job is not started again on its own', async () => {
    const { clock, walk, host, starts, running } = await buildStartedFor(4000);
    host.restart();
    clock.resume();
    const state = await running;
    expect(build(state)?.lastRun).toMatchObject({ status: 'interrupted', problem: { key: 'detached.interrupted.restarted' } });
    expect(userland(state)?.reason?.key).toBe('jail.userland.halfBuilt');
    expect(starts.count).toBe(1);
    expect(host.runningJobs).toBe(0);
    await walk.backend.close();
  });
});
