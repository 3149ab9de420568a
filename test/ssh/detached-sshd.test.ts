/**
 * A detached job over real SSH: debootstrap, and the driver's pkg install, is started through daemon(8) on
 * the throwaway sshd (the shim starts the wizard's wrapper script for real, in its own session), held
 * half-way by the test, while the ssh client's master connection is killed and the wizard "closes"; a new
 * SshHost (the wizard reopened) follows the same job to its end. The job runs once. Skipped only where sshd
 * is not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { CommandRunner, type Elevation } from '../../src/commands/runner';
import type { CommandProgress } from '../../src/commands/types';
import { followJob, type SavedJob } from '../../src/detached/follow';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SshHost } from '../../src/host/ssh/ssh-host';
import { userlandCheck } from '../../src/steps/cuda-jail/setup-checks';
import { CheckRound } from '../../src/wizard/run-checks';
import { probeSsh, trustAndProbe } from '../../src/host/ssh/connect';
import { findSshd, sshdMissingReason, startSshd, type TestSshd } from './support/sshd';

const haveSshd = findSshd() !== null;

const isAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};
const sudo: Elevation = { method: 'sudo', password: 'demo' };

describe.skipIf(!haveSshd && process.env.CI === undefined)(haveSshd ? 'a detached job over SSH' : `a detached job over SSH — SKIPPED: ${sshdMissingReason}`, () => {
  let sshd: TestSshd;
  let dir: string;
  let knownHosts: string;
  const hosts: SshHost[] = [];

  const hostFor = (): SshHost => {
    const host = new SshHost(
      { user: sshd.user, host: '127.0.0.1', port: sshd.port },
      { knownHostsFile: knownHosts, userKnownHostsFiles: [], identityFile: sshd.clientKey, connectTimeoutSeconds: 10, socketDirs: [join(dir, 's')] },
    );
    hosts.push(host);
    return host;
  };

  const masterPid = (host: SshHost): number => {
    const check = spawnSync('ssh', ['-o', `ControlPath=${host.masterSocket ?? ''}`, '-O', 'check', '--', 'egpu'], { encoding: 'utf8' });
    return Number(/pid=(\d+)/.exec(check.stderr)?.[1] ?? NaN);
  };

  beforeAll(async () => {
    sshd = await startSshd(loadScenario('x220-fresh'));
    dir = await mkdtemp(join(tmpdir(), 'egpu-detached-'));
    knownHosts = join(dir, 'known_hosts');
    const first = hostFor();
    const probe = await probeSsh(first);
    expect((await trustAndProbe(first, probe.key?.fingerprint ?? '')).status).toBe('ok');
    await first.close();
  }, 120_000);

  afterAll(async () => {
    // Lets a job that a failed assertion left held run out, so nothing outlives the test.
    await rm(sshd.holdPath, { force: true });
    for (const host of hosts) await host.close();
    await sshd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('survives the ssh client being killed, is followed again by a new connection, and runs once', async () => {
    const first = hostFor();
    const runner = new CommandRunner(first, new AuditLog(null), () => sudo);
    expect((await runner.run('pkgInstallTool', { package: 'debootstrap' })).outcome).toBe('ok');

    // Held half-way until the test lets it go: whatever the machine's speed, it is running when the client dies.
    await writeFile(sshd.holdPath, '');
    const job: SavedJob = { jobId: `debootstrap-${Date.now()}`, command: 'debootstrap', stepId: 'cuda-jail', actionId: 'build', startedAt: new Date().toISOString(), args: {} };
    const start = await runner.run('detachedStart', { jobId: job.jobId, command: 'debootstrap' });
    expect(start.outcome).toBe('ok');
    expect(start.argv).toEqual(expect.arrayContaining(['sudo', 'daemon', '-f', '/bin/sh', 'debootstrap']));

    // Follow until debootstrap's progress shows, then kill the ssh client's master connection under the follower.
    const seen: CommandProgress[] = [];
    const firstFollower = new AbortController();
    const following = followJob(runner, first, job, { signal: firstFollower.signal, pollMs: 200, onProgress: (p) => seen.push(p) });
    for (let i = 0; i < 600 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(seen.length).toBeGreaterThan(0);
    const pid = masterPid(first);
    expect(Number.isInteger(pid)).toBe(true);
    process.kill(pid, 'SIGKILL');
    // The wizard closes: it lets go of the job, and its connection is gone.
    firstFollower.abort('let-go');
    expect(await following).toMatchObject({ kind: 'let-go', pgid: expect.any(Number) });
    await first.close();

    // The job is still there, held half-way, with no ssh session left to carry it.
    const pgid = Number((await readFile(join(sshd.jobsDir, job.jobId, 'pid'), 'utf8')).trim());
    expect(() => process.kill(-pgid, 0)).not.toThrow();
    await expect(readFile(join(sshd.jobsDir, job.jobId, 'status'), 'utf8')).rejects.toThrow();

    // Reopened: a new connection follows the same job; let it go on, and it ends well.
    const second = hostFor();
    const again = new CommandRunner(second, new AuditLog(null), () => sudo);
    const lines: string[] = [];
    const resumed = followJob(again, second, job, { signal: new AbortController().signal, pollMs: 200, onLine: (l) => lines.push(l) });
    for (let i = 0; i < 600 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(lines[0]).toMatch(/^I: /);
    await rm(sshd.holdPath);
    const end = await resumed;
    expect(end).toMatchObject({ kind: 'ended', exitCode: 0 });
    expect(end.kind === 'ended' ? end.log : '').toContain('I: Base system installed successfully.');
    // The log was read whole on the new connection, from its first line.
    expect(lines.filter((l) => l === 'I: Base system installed successfully.')).toHaveLength(1);

    // The step's check passes on the new connection, and debootstrap ran exactly once.
    const { verdict } = await new CheckRound(again, {}).check(userlandCheck, { passwordVerified: true, inputs: {} });
    expect(verdict).toMatchObject({ status: 'pass', reason: { key: 'jail.userland.ok' } });
    expect((await readFile(sshd.runsPath, 'utf8')).trim().split('\n')).toEqual(['debootstrap']);
    await second.close();
  }, 300_000);

  it('a job the host lost (its processes killed, the boot moved) is followed to an interrupted end, and can be started again', async () => {
    await sshd.setScenario(loadScenario('x220-fresh'));
    const first = hostFor();
    const runner = new CommandRunner(first, new AuditLog(null), () => sudo);
    expect((await runner.run('pkgInstallTool', { package: 'debootstrap' })).outcome).toBe('ok');
    await writeFile(sshd.holdPath, '');
    const job: SavedJob = { jobId: `debootstrap-${Date.now()}`, command: 'debootstrap', stepId: 'cuda-jail', actionId: 'build', startedAt: new Date().toISOString(), args: {} };
    expect((await runner.run('detachedStart', { jobId: job.jobId, command: 'debootstrap' })).outcome).toBe('ok');
    const folder = join(sshd.jobsDir, job.jobId);
    const lines: string[] = [];
    const watching = new AbortController();
    // Followed while it runs: the real ps lists its wrapper, so it is not taken for lost.
    const following = followJob(runner, first, job, { signal: watching.signal, pollMs: 200, onLine: (l) => lines.push(l) });
    for (let i = 0; i < 600 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(lines[0]).toMatch(/^I: /);
    watching.abort('let-go');
    expect((await following).kind).toBe('let-go');
    await first.close();

    // The power goes: every process of the job dies at once, no status is written, and the machine boots again.
    const pgid = Number((await readFile(join(folder, 'pid'), 'utf8')).trim());
    const bootThen = (await readFile(join(folder, 'boot'), 'utf8')).trim();
    expect(bootThen).toMatch(/^\{ sec = \d+, usec = \d+ \} /);
    process.kill(-pgid, 'SIGKILL');
    for (let i = 0; i < 600 && isAlive(pgid); i++) await new Promise((r) => setTimeout(r, 50));
    const machine = await sshd.readScenario();
    await sshd.setScenario({ ...machine, boots: machine.boots + 1 });
    await rm(sshd.holdPath);

    const second = hostFor();
    const again = new CommandRunner(second, new AuditLog(null), () => sudo);
    const end = await followJob(again, second, job, { signal: new AbortController().signal, pollMs: 200 });
    expect(end).toMatchObject({ kind: 'interrupted', reason: 'restarted', log: expect.stringMatching(/^I: /) });
    await expect(readFile(join(folder, 'status'), 'utf8')).rejects.toThrow();

    // Started again (a new job), it runs to its end.
    const rerun: SavedJob = { ...job, jobId: `debootstrap-${Date.now() + 1}` };
    expect((await again.run('detachedStart', { jobId: rerun.jobId, command: 'debootstrap' })).outcome).toBe('ok');
    expect(await followJob(again, second, rerun, { signal: new AbortController().signal, pollMs: 200 })).toMatchObject({ kind: 'ended', exitCode: 0 });
    expect((await readFile(sshd.runsPath, 'utf8')).trim().split('\n').slice(-2)).toEqual(['debootstrap', 'debootstrap']);
    await second.close();
  }, 300_000);

  it('the driver’s pkg install survives the ssh client being killed mid-install, is followed to its end by a new connection, and runs once', async () => {
    const first = hostFor();
    const runner = new CommandRunner(first, new AuditLog(null), () => sudo);
    await writeFile(sshd.holdPath, '');
    const packages = ['nvidia-driver-580', 'linux-nvidia-libs-580'];
    const job: SavedJob = { jobId: `pkgInstall-${Date.now()}`, command: 'pkgInstall', stepId: 'driver', actionId: 'install', startedAt: new Date().toISOString(), args: { packages } };
    const start = await runner.run('detachedStart', { jobId: job.jobId, command: 'pkgInstall', args: { packages } });
    expect(start.outcome).toBe('ok');
    expect(start.argv).toEqual(expect.arrayContaining(['sudo', 'daemon', '-f', '/bin/sh', 'pkg', 'install', '-y', ...packages]));

    // pkg's [i/n] lines give progress through the job's log; then the client's master dies under the follower.
    const seen: CommandProgress[] = [];
    const firstFollower = new AbortController();
    const following = followJob(runner, first, job, { signal: firstFollower.signal, pollMs: 200, onProgress: (p) => seen.push(p) });
    for (let i = 0; i < 600 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(seen[0]).toMatchObject({ total: 8, label: expect.stringMatching(/^Fetching /) });
    process.kill(masterPid(first), 'SIGKILL');
    firstFollower.abort('let-go');
    expect(await following).toMatchObject({ kind: 'let-go', pgid: expect.any(Number) });
    await first.close();
    await expect(readFile(join(sshd.jobsDir, job.jobId, 'status'), 'utf8')).rejects.toThrow();

    const second = hostFor();
    const again = new CommandRunner(second, new AuditLog(null), () => sudo);
    const resumed = followJob(again, second, job, { signal: new AbortController().signal, pollMs: 200 });
    await rm(sshd.holdPath);
    const end = await resumed;
    expect(end).toMatchObject({ kind: 'ended', exitCode: 0 });
    expect(end.kind === 'ended' ? end.log : '').toContain('[4/4] Extracting linux-nvidia-libs-580-580.105.08: .......... done');
    const installed = await again.run('pkgQuery', {});
    expect(installed.parsed.ok ? installed.parsed.value.packages.map((p) => p.name) : []).toEqual(expect.arrayContaining(packages));
    expect((await readFile(sshd.runsPath, 'utf8')).trim().split('\n').filter((program) => program === 'pkg')).toHaveLength(1);
    await second.close();
  }, 300_000);
});
