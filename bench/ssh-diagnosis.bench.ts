// What a whole diagnosis costs over SSH against a throwaway sshd with stock limits, next to one ssh round
// trip: over one master connection, and (for comparison) with a connection per command. Prints numbers,
// asserts nothing. Needs sshd (skips with a note without it).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AuditLog } from '../src/audit/audit-log';
import { CommandRunner } from '../src/commands/runner';
import { diagnoseHost } from '../src/diagnosis/collect';
import { LocalHost } from '../src/host/local-host';
import { loadScenario } from '../src/host/simulated/scenarios';
import { SimulatedHost } from '../src/host/simulated/simulated-host';
import { probeSsh, trustAndProbe } from '../src/host/ssh/connect';
import { SshHost, type SshHostOptions } from '../src/host/ssh/ssh-host';
import type { ExecRequest, ExecResult, Host } from '../src/host/types';
import { wizardSteps } from '../src/steps';
import { diagnose } from '../src/wizard/diagnose';
import { findSshd, startSshd } from '../test/ssh/support/sshd';

const RUNS = 3;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Counts the commands a diagnosis sends. */
class Counting implements Host {
  count = 0;
  constructor(private readonly inner: Host) {}
  get spec() {
    return this.inner.spec;
  }
  get simulated() {
    return this.inner.simulated;
  }
  exec(request: ExecRequest): Promise<ExecResult> {
    this.count++;
    return this.inner.exec(request);
  }
}

/** What `egpu-wizard diagnose --host` runs: every read-only check and the engine's collection. */
async function wholeDiagnosis(host: Host): Promise<{ ms: number; lost: number }> {
  const runner = new CommandRunner(host, new AuditLog(null), () => ({ method: 'none', password: null }));
  const started = performance.now();
  const [checks] = await Promise.all([diagnose(runner, wizardSteps), diagnoseHost(runner)]);
  return { ms: performance.now() - started, lost: checks.filter((c) => c.reason.key.startsWith('ssh.error.')).length };
}

async function timeRuns(label: string, runs: number, once: () => Promise<number>): Promise<number> {
  await once(); // warm-up: the master (if any) is started here, as when the host is chosen
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  return median(times);
}

async function main(): Promise<void> {
  if (findSshd() === null) {
    console.log('ssh-diagnosis bench: skipped, sshd is not installed');
    return;
  }
  const sshd = await startSshd(loadScenario('x220-fresh'));
  const dir = await mkdtemp(join(tmpdir(), 'egpu-bench-'));
  const hosts: SshHost[] = [];
  const hostFor = (extra: Partial<SshHostOptions>): SshHost => {
    const host = new SshHost(
      { user: sshd.user, host: '127.0.0.1', port: sshd.port },
      { knownHostsFile: join(dir, 'known_hosts'), userKnownHostsFiles: [], identityFile: sshd.clientKey, socketDirs: [join(dir, 's')], ...extra },
    );
    hosts.push(host);
    return host;
  };
  try {
    const first = hostFor({});
    const probe = await probeSsh(first);
    await trustAndProbe(first, probe.key?.fingerprint ?? '');
    await first.close();

    const pool = hostFor({ multiplex: 'pool' });
    const master = hostFor({ multiplex: 'master' });
    const roundTrip = await timeRuns('round trip', 5, async () => {
      const t = performance.now();
      await pool.exec({ argv: ['true'], timeoutMs: 30_000 });
      return performance.now() - t;
    });
    const session = await timeRuns('session', 5, async () => {
      const t = performance.now();
      await master.exec({ argv: ['true'], timeoutMs: 30_000 });
      return performance.now() - t;
    });
    const counting = new Counting(new SimulatedHost(loadScenario('x220-fresh'), { timeScale: 0 }));
    const direct = await timeRuns('direct', RUNS, async () => (await wholeDiagnosis(counting)).ms);
    const commands = counting.count / (RUNS + 1);
    // The remote tools are the sim shim (a node process each): the same commands run here without ssh give
    // the part of the time that is the tools' own, as fast tools on a real host would not cost it.
    process.env.PATH = `${sshd.binDir}:${process.env.PATH ?? ''}`;
    process.env.EGPU_SIM_STATE = sshd.statePath;
    const shimAlone = await timeRuns('shim', RUNS, async () => (await wholeDiagnosis(new LocalHost(['EGPU_SIM_STATE']))).ms);
    let lostMaster = 0;
    let lostPool = 0;
    const viaMaster = await timeRuns('master', RUNS, async () => {
      const r = await wholeDiagnosis(master);
      lostMaster += r.lost;
      return r.ms;
    });
    const viaPool = await timeRuns('pool', RUNS, async () => {
      const r = await wholeDiagnosis(pool);
      lostPool += r.lost;
      return r.ms;
    });

    const row = (label: string, ms: number, note = ''): void =>
      console.log(`${label.padEnd(52)} ${ms.toFixed(0).padStart(7)} ms  ${(ms / roundTrip).toFixed(1).padStart(6)} × round trip  ${note}`);
    console.log(`whole diagnosis = ${commands} commands (every read-only check + the engine's collection); median of ${RUNS} runs`);
    row('one ssh round trip (`true`, a connection of its own)', roundTrip);
    row('one session on the master (`true`)', session);
    row('diagnosis on the simulated host, in process', direct, '(the engine alone)');
    row('the same commands through the shim here, no ssh', shimAlone, '(the stand-in tools\' own cost)');
    row('diagnosis over SSH, one master connection', viaMaster, `${master.stats.masterStarts} connection(s) in all, ${lostMaster} check(s) lost`);
    row('diagnosis over SSH, a connection per command (≤ 4)', viaPool, `${commands} connections per run, ${lostPool} check(s) lost`);
    console.log(`ssh's own share of a diagnosis: ${((viaMaster - shimAlone) / roundTrip).toFixed(1)} × round trip with the master, ${((viaPool - shimAlone) / roundTrip).toFixed(1)} × without`);
    console.log(`master vs connection per command: ${(viaPool / viaMaster).toFixed(1)}× faster`);
  } finally {
    for (const host of hosts) await host.close();
    await sshd.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
