/**
 * Plays one FreeBSD tool on the "remote" side of the test sshd: `sim-shim.ts <program> [args…]`. The machine
 * is the SimulatedHost's scenario, kept in the JSON file named by $EGPU_SIM_STATE between calls, so what one
 * command changes (a file written, a module loaded) the next one sees. The test sshd puts wrappers named
 * after each tool first in the PATH; each runs this with its own name.
 *
 * $EGPU_SIM_DROP (tests of lost connections): a JSON file `{ "argv0": "mv", "when": "before" | "after",
 * "skip": 0, "times": 1 }`; after `skip` matching calls, the next `times` ones kill this connection's sshd
 * session process, before or after the command's effect is saved, as a network failure at that moment would
 * look to the wizard.
 *
 * Detached jobs (src/detached): $EGPU_SIM_JOBS is a real folder standing in for the host's job root. daemon
 * starts the wizard's wrapper script for real, detached (its own session, no tie to the ssh session), and
 * returns once the wrapper has written its pid; `cat` and `tail` of job files read the real files. The job's
 * command comes back to this shim with $EGPU_SIM_JOB set: it streams its lines as they are played and, when
 * the file $EGPU_SIM_HOLD exists, stays half-way ($EGPU_SIM_HOLD_MS of simulated time) until it is removed, so
 * a test can cut the connection while the job is surely running. Each job run appends its program to
 * $EGPU_SIM_RUNS. `ps` is the real one: the wrappers are real processes.
 * The wrapper asks /sbin/sysctl for kern.boottime by its absolute path, which this machine cannot answer as
 * FreeBSD does; the shim writes the simulated machine's boot time in the job's `boot` in its place.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { JOBS_ROOT, WRAPPER_NAME, WRAPPER_SCRIPT } from '../../../src/detached/wrapper';
import { formatBootTime } from '../../../src/detached/boot-time';
import { VirtualClock } from '../../../src/host/simulated/clock';
import { bootTimeOf } from '../../../src/host/simulated/machine';
import { z } from 'zod';
import { Scenario } from '../../../src/host/simulated/scenario';
import { SimulatedHost } from '../../../src/host/simulated/simulated-host';

const Drop = z
  .object({ argv0: z.string(), when: z.enum(['before', 'after']), skip: z.number().int().nonnegative().default(0), times: z.number().int().nonnegative() })
  .strict();

function readStdin(): string | undefined {
  try {
    const text = readFileSync(0, 'utf8');
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

/** Sessions of one master run side by side: each writes its own temporary file before the rename. */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** The sshd process serving this session: the nearest ancestor called sshd. */
function sessionSshd(): number | null {
  let pid = process.ppid;
  for (let depth = 0; depth < 10 && pid > 1; depth++) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = /\(([^)]*)\)/.exec(stat)?.[1] ?? '';
    if (comm.startsWith('sshd')) return pid;
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return null;
}

/** Cuts this connection if the drop file says so for this program at this moment. */
function maybeDrop(program: string, when: 'before' | 'after'): void {
  const path = process.env.EGPU_SIM_DROP;
  if (!path) return;
  let drop: z.infer<typeof Drop>;
  try {
    drop = Drop.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return;
  }
  if (drop.argv0 !== program || drop.when !== when || drop.times === 0) return;
  if (drop.skip > 0) {
    writeAtomically(path, JSON.stringify({ ...drop, skip: drop.skip - 1 }));
    return;
  }
  writeAtomically(path, JSON.stringify({ ...drop, times: drop.times - 1 }));
  const sshd = sessionSshd();
  if (sshd !== null) process.kill(sshd, 'SIGKILL');
  process.exit(255);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A job path on the test machine: the host's job root is a folder of the test sshd. */
function jobPath(path: string): string {
  const jobs = process.env.EGPU_SIM_JOBS;
  if (!jobs || !(path === JOBS_ROOT || path.startsWith(`${JOBS_ROOT}/`))) return path;
  return jobs + path.slice(JOBS_ROOT.length);
}

/** cat and tail of the job files: the real tools on the real files, with the host's paths in their messages. */
function readJobFiles(program: string, args: readonly string[]): number | null {
  const jobs = process.env.EGPU_SIM_JOBS;
  if (!jobs || (program !== 'cat' && program !== 'tail') || !args.some((a) => jobPath(a) !== a)) return null;
  const real = spawnSync(`/usr/bin/${program}`, args.map(jobPath));
  process.stdout.write(real.stdout);
  process.stderr.write(real.stderr.toString().split(jobs).join(JOBS_ROOT));
  return real.status ?? 70;
}

/** `ps` of the job wrappers: the real processes. */
function listJobProcesses(program: string, args: readonly string[]): number | null {
  if (!process.env.EGPU_SIM_JOBS || program !== 'ps') return null;
  const real = spawnSync('/usr/bin/ps', args);
  process.stdout.write(real.stdout);
  process.stderr.write(real.stderr);
  return real.status ?? 70;
}

/** Waits (with a hang guard, not a timing) until `path` exists, or with `gone`, until it does not. */
async function untilExists(path: string, seconds: number, gone = false): Promise<void> {
  for (let i = 0; i < seconds * 20 && existsSync(path) === gone; i++) await sleep(50);
}

/** The command of a detached job: played line by line into the wrapper's log, held half-way at the gate. */
async function runJob(program: string, args: readonly string[], scenario: Scenario, statePath: string): Promise<number> {
  const runs = process.env.EGPU_SIM_RUNS;
  if (runs) appendFileSync(runs, `${program}\n`);
  const hold = process.env.EGPU_SIM_HOLD;
  const clock = new VirtualClock({ paused: true });
  const host = new SimulatedHost(scenario, { clock, asRoot: process.env.EGPU_SIM_AS_ROOT === '1' });
  const running = host.exec({
    argv: [program, ...args],
    timeoutMs: 24 * 3600_000,
    onLine: (stream, line) => (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`),
  });
  await clock.advance(Number(process.env.EGPU_SIM_HOLD_MS ?? '4500'));
  if (hold) await untilExists(hold, 120, true);
  clock.resume();
  const result = await running;
  writeAtomically(statePath, JSON.stringify(host.snapshot()));
  return result.exitCode ?? 70;
}

async function main(): Promise<number> {
  const statePath = process.env.EGPU_SIM_STATE;
  const [program = '', ...args] = process.argv.slice(2);
  if (!statePath) {
    process.stderr.write('sim-shim: EGPU_SIM_STATE is not set\n');
    return 70;
  }
  // The real wrapped programs: sudo and doas hand the wrapped program's name on, so drop on that too.
  const effective = program === 'sudo' || program === 'doas' ? (args.find((a, i) => i > 0 && args[i - 1] === '--') ?? args.find((a) => !a.startsWith('-')) ?? program) : program;
  maybeDrop(effective, 'before');
  const jobRead = readJobFiles(program, args) ?? listJobProcesses(program, args);
  if (jobRead !== null) return jobRead;
  const scenario = Scenario.parse(JSON.parse(readFileSync(statePath, 'utf8')));
  if (process.env.EGPU_SIM_JOB === '1') return runJob(program, args, scenario, statePath);
  const before = JSON.stringify(scenario);
  let detached: string | null = null;
  const host = new SimulatedHost(scenario, {
    timeScale: 0,
    onDetach: (job) => {
      detached = jobPath(job.dir);
      // What daemon(8) does: a new session, stdio on /dev/null, nothing tying it to this ssh session.
      const env = { ...process.env, EGPU_SIM_JOB: '1', EGPU_SIM_AS_ROOT: job.root ? '1' : '' };
      spawn('/bin/sh', ['-c', WRAPPER_SCRIPT, WRAPPER_NAME, detached, ...job.argv], { detached: true, stdio: 'ignore', env }).unref();
    },
  });
  const stdin = readStdin();
  // Simulated durations take no time here (timeScale 0); the wizard's own timeout, on the ssh side, is the one that counts.
  const result = await host.exec({ argv: [program, ...args], timeoutMs: 24 * 3600_000, ...(stdin !== undefined ? { stdin } : {}) });
  if (result.spawnError === 'ENOENT') {
    // What env(1) says when the program is not on the PATH.
    process.stderr.write(`env: ${program}: No such file or directory\n`);
    return 127;
  }
  // A reading changes nothing: leaving the file alone keeps concurrent readings from undoing each other's writes.
  if (detached !== null) {
    await untilExists(`${detached}/pid`, 30);
    // The wrapper wrote `boot` before its pid, so this replaces what it got from the Linux sysctl.
    writeAtomically(`${detached}/boot`, `${formatBootTime(bootTimeOf(host.snapshot()))}\n`);
  }
  const after = JSON.stringify(host.snapshot());
  if (after !== before) writeAtomically(statePath, after);
  maybeDrop(effective, 'after');
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.exitCode ?? 70;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`sim-shim: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);
