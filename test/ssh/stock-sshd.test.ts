/**
 * Whole diagnoses and whole rounds of checks over SSH, against the throwaway sshd with OpenSSH's stock
 * limits (MaxStartups 10:30:100, MaxSessions 10), compared with the same machine simulated directly. Before
 * the master connection, a diagnosis opened one connection per command at once and sshd dropped some at
 * random. Skipped only where sshd is not installed; in CI a missing sshd fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { CommandRunner, type Elevation } from '../../src/commands/runner';
import { diagnoseHost } from '../../src/diagnosis/collect';
import type { Host } from '../../src/host/types';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';
import { MAX_CONTROL_PATH_BYTES } from '../../src/host/ssh/socket-dir';
import { SshHost, type SshHostOptions } from '../../src/host/ssh/ssh-host';
import { probeSsh, trustAndProbe } from '../../src/host/ssh/connect';
import { wizardSteps } from '../../src/steps';
import { diagnose } from '../../src/wizard/diagnose';
import { CheckRound, toCheckResult } from '../../src/wizard/run-checks';
import { findSshd, sshdMissingReason, startSshd, type TestSshd } from './support/sshd';

const haveSshd = findSshd() !== null;
const SCENARIO = 'x220-fresh';
const none: Elevation = { method: 'none', password: null };
const sudo: Elevation = { method: 'sudo', password: 'demo' };

/** What `egpu-wizard diagnose --host` computes: every read-only check, and the engine's findings. */
async function wholeDiagnosis(host: Host) {
  const runner = new CommandRunner(host, new AuditLog(null), () => none);
  const [checks, engine] = await Promise.all([diagnose(runner, wizardSteps), diagnoseHost(runner)]);
  return { checks, diagnosis: engine.diagnosis, sources: engine.input.outputs.map((o) => o.source).sort() };
}

/** A round of every step's checks, as the wizard runs them (each step's checks side by side). */
async function everyRound(host: Host) {
  const runner = new CommandRunner(host, new AuditLog(null), () => sudo);
  const results: Record<string, unknown> = {};
  for (const step of wizardSteps) {
    const round = new CheckRound(runner, {});
    const verdicts = await Promise.all(step.checks.map((check) => round.check(check, { passwordVerified: true })));
    step.checks.forEach((check, i) => {
      const verdict = verdicts[i]?.verdict;
      if (verdict) results[`${step.id}/${check.id}`] = { ...toCheckResult(verdict, new Date(0)), facts: verdict.facts ?? null };
    });
  }
  return results;
}

const lostChecks = (checks: ReadonlyArray<{ reason: { key: string } }>): number => checks.filter((c) => c.reason.key.startsWith('ssh.error.')).length;

describe.skipIf(!haveSshd && process.env.CI === undefined)(haveSshd ? 'SSH under a stock sshd' : `SSH under a stock sshd — SKIPPED: ${sshdMissingReason}`, () => {
  let sshd: TestSshd;
  let dir: string;
  let knownHosts: string;
  const hosts: SshHost[] = [];
  let expectedDiagnosis: Awaited<ReturnType<typeof wholeDiagnosis>>;
  let expectedRounds: Awaited<ReturnType<typeof everyRound>>;

  const hostFor = (extra: Partial<SshHostOptions> = {}): SshHost => {
    const host = new SshHost(
      { user: sshd.user, host: '127.0.0.1', port: sshd.port },
      { knownHostsFile: knownHosts, userKnownHostsFiles: [], identityFile: sshd.clientKey, connectTimeoutSeconds: 10, socketDirs: [join(dir, 's')], ...extra },
    );
    hosts.push(host);
    return host;
  };

  beforeAll(async () => {
    sshd = await startSshd(loadScenario(SCENARIO));
    dir = await mkdtemp(join(tmpdir(), 'egpu-stock-'));
    knownHosts = join(dir, 'known_hosts');
    const first = hostFor();
    const probe = await probeSsh(first);
    expect(probe.status).toBe('unknown-key');
    expect((await trustAndProbe(first, probe.key?.fingerprint ?? '')).status).toBe('ok');
    await first.close();
    expectedDiagnosis = await wholeDiagnosis(new SimulatedHost(loadScenario(SCENARIO), { timeScale: 0 }));
    expectedRounds = await everyRound(new SimulatedHost(loadScenario(SCENARIO), { timeScale: 0 }));
  }, 120_000);

  afterAll(async () => {
    for (const host of hosts) await host.close();
    await sshd?.stop();
  }, 60_000);

  beforeEach(async () => {
    await sshd.setScenario(loadScenario(SCENARIO));
    await writeFile(sshd.dropPath, '{}');
  });

  it('is a stock sshd: MaxStartups and MaxSessions are the defaults', () => {
    expect(sshd.stockLimits()).toEqual({ maxstartups: '10:30:100', maxsessions: '10' });
  });

  it('has a diagnosis that needs more sessions at once than sshd allows', () => {
    // Otherwise the tests below would prove nothing about the limits.
    expect(expectedDiagnosis.checks.length).toBeGreaterThan(10);
  });

  it('runs three whole diagnoses over one master connection, losing nothing, equal to the simulated host', async () => {
    const host = hostFor();
    const loginsBefore = sshd.acceptedLogins();
    for (let run = 1; run <= 3; run++) {
      const got = await wholeDiagnosis(host);
      expect(lostChecks(got.checks), `run ${run}`).toBe(0);
      expect(got.sources, `run ${run}`).toEqual(expectedDiagnosis.sources);
      expect(got, `run ${run}`).toEqual(expectedDiagnosis);
    }
    expect(host.multiplexing).toBe('master');
    expect(host.stats.masterStarts).toBe(1);
    // The server saw one connection for the three diagnoses: one handshake, not one per command.
    expect(sshd.acceptedLogins() - loginsBefore).toBe(1);
    const socket = host.masterSocket ?? '';
    expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(MAX_CONTROL_PATH_BYTES);
    await host.close();
    expect(host.masterSocket).toBeNull();
  }, 300_000);

  it('runs a whole round of every step\'s checks over SSH with the same results as the simulated host', async () => {
    const host = hostFor();
    expect(await everyRound(host)).toEqual(expectedRounds);
    expect(host.stats.masterStarts).toBe(1);
    await host.close();
  }, 300_000);

  it('without a master (the pool of at most 4 connections) loses nothing either', async () => {
    const host = hostFor({ multiplex: 'pool' });
    expect(await wholeDiagnosis(host)).toEqual(expectedDiagnosis);
    expect(await everyRound(host)).toEqual(expectedRounds);
    expect(host.multiplexing).toBe('pool');
    expect(host.stats.masterStarts).toBe(0);
    expect(sshd.acceptedLogins()).toBeGreaterThan(expectedDiagnosis.checks.length);
  }, 300_000);

  it('retries connections sshd drops at the banner when many clients connect at once', async () => {
    // 24 hosts at once (24 connections, past MaxStartups' 10): sshd drops some before authentication; each
    // such run never started, so it is run again after a pause. Whether drops happen depends on timing; that
    // none is lost does not.
    const burst = Array.from({ length: 24 }, () => hostFor({ multiplex: 'pool', retryDelaysMs: [250, 500, 1000, 1000, 2000, 2000, 4000, 4000] }));
    const results = await Promise.all(burst.map((host) => host.exec({ argv: ['uname', '-s'], timeoutMs: 60_000 })));
    expect(results.map((r) => `${r.exitCode} ${r.transport?.kind ?? ''} ${r.stdout.trim()}`)).toEqual(burst.map(() => '0  FreeBSD'));
  }, 120_000);

  it('ends the master when a CLI process exits', async () => {
    const child = join(import.meta.dirname, 'support', 'exit-child.ts');
    const tsx = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');
    const options = { knownHostsFile: knownHosts, userKnownHostsFiles: [], identityFile: sshd.clientKey, socketDirs: [join(dir, 's')] };
    const out = spawnSync(tsx, [child, JSON.stringify({ target: { user: sshd.user, host: '127.0.0.1', port: sshd.port }, options })], { encoding: 'utf8', timeout: 120_000 });
    expect(out.status, out.stderr).toBe(0);
    const { socket, stdout } = JSON.parse(out.stdout.trim().split('\n').at(-1) ?? '{}') as { socket: string | null; stdout: string };
    expect(stdout.trim()).toBe('FreeBSD');
    expect(socket).toMatch(/^\//);
    // `ssh -O exit` ran on exit: the master removed its socket and no longer answers.
    expect(existsSync(socket ?? '')).toBe(false);
    const check = spawnSync('ssh', ['-o', `ControlPath=${socket ?? ''}`, '-O', 'check', '--', 'egpu'], { encoding: 'utf8' });
    expect(check.status).not.toBe(0);
  }, 180_000);

  describe('when the master dies mid-session', () => {
    const remote = () => dirname(sshd.statePath);

    /** A remote command that notes it started, then waits for the test to let it go. */
    async function installBlocker(): Promise<void> {
      const script = `#!/bin/sh\necho started >> "$1"\ni=0\nwhile [ ! -e "$2" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done\necho done\n`;
      await writeFile(join(sshd.binDir, 'block-until'), script, { mode: 0o755 });
    }

    const masterPid = (host: SshHost): number => {
      const check = spawnSync('ssh', ['-o', `ControlPath=${host.masterSocket ?? ''}`, '-O', 'check', '--', 'egpu'], { encoding: 'utf8' });
      return Number(/pid=(\d+)/.exec(check.stderr)?.[1] ?? NaN);
    };

    async function until(condition: () => Promise<boolean>): Promise<void> {
      for (let i = 0; i < 600; i++) {
        if (await condition()) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('condition not met in 60 s');
    }

    it('reports the running command lost without running it again, then starts a new master for the next ones', async () => {
      await installBlocker();
      const host = hostFor();
      expect((await host.exec({ argv: ['uname', '-s'], timeoutMs: 30_000 })).stdout.trim()).toBe('FreeBSD');
      const pid = masterPid(host);
      expect(Number.isInteger(pid)).toBe(true);

      const marks = join(remote(), `started-${Date.now()}`);
      const release = `${marks}.release`;
      const running = host.exec({ argv: ['block-until', marks, release], timeoutMs: 60_000 });
      await until(async () => (await readFile(marks, 'utf8').catch(() => '')).includes('started'));
      process.kill(pid, 'SIGKILL');
      const lost = await running;
      await writeFile(release, '');
      expect(lost.transport?.kind).toBe('connection-lost');
      expect(lost.stdout).not.toContain('done');

      // The next commands find the socket dead, start one new master, and run once each.
      expect(await wholeDiagnosis(host)).toEqual(expectedDiagnosis);
      expect(host.stats.masterStarts).toBe(2);
      expect(masterPid(host)).not.toBe(pid);
      // The command that may have run was never run again.
      expect((await readFile(marks, 'utf8')).trim().split('\n')).toEqual(['started']);
      await host.close();
    }, 300_000);

    it('recovers when the server side of the master connection dies during a diagnosis', async () => {
      const host = hostFor();
      // The sshd process of the master's connection is killed as kldstat starts: every session on it is cut.
      await writeFile(sshd.dropPath, JSON.stringify({ argv0: 'kldstat', when: 'before', skip: 0, times: 1 }));
      const cut = await wholeDiagnosis(host);
      expect(lostChecks(cut.checks)).toBeGreaterThan(0);
      // Nothing of the cut run is trusted as a result; the next diagnosis is whole again on a new master.
      expect(await wholeDiagnosis(host)).toEqual(expectedDiagnosis);
      expect(host.stats.masterStarts).toBe(2);
      await host.close();
    }, 300_000);
  });
});
