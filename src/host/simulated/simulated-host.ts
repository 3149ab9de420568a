import { performance } from 'node:perf_hooks';
import { RealClock, VirtualClock, type SimClock } from './clock';
import { DEFAULT_MAX_OUTPUT_BYTES, notRunResult, type ExecRequest, type ExecResult, type GuestAccess, type Host, type OutputStream } from '../types';
import { guestUnreachable, runInGuest } from './guest';
import type { Scenario } from './scenario';
import { WRAPPER_NAME } from '../../detached/wrapper';
import { formatBootTime } from '../../detached/boot-time';
import { bootTimeOf } from './machine';
import { findTool } from './tools';
import { rebootMachine } from './tools/reboot';
import { ran, type HostEffect, type Ran, type ToolResult } from './tools/tool';

export interface SimulatedHostOptions {
  /** The time commands are played in; wins over `timeScale`. Tests share one `VirtualClock` to drive it. */
  clock?: SimClock;
  /**
   * Without a clock: real milliseconds per simulated one. 1 (the default) plays commands in real time for
   * demos; 0 gives the host its own running `VirtualClock`, so commands finish at once in simulated time.
   */
  timeScale?: number;
  /** Runs every command as root (the test sshd's shim, for a command a root daemon(8) started). */
  asRoot?: boolean;
  /**
   * Where daemon(8)'s jobs go instead of being played on this host's clock: the test sshd's shim lives for
   * one command, so it starts a real detached process for the job.
   */
  onDetach?: (job: { dir: string; argv: readonly string[]; root: boolean }) => void;
}

type Interruption = 'cancelled' | 'timeout';

/** The abort reason of a job the machine's restart ended, as opposed to a Stop's SIGTERM. */
const RESTART = 'restart';

/** Keeps each stream's text up to the byte cap and reports the lines it keeps, like LocalHost does. */
class Output {
  private readonly text: Record<OutputStream, string> = { stdout: '', stderr: '' };
  private readonly bytes: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
  truncated = false;

  constructor(
    private readonly cap: number,
    private readonly onLine: ExecRequest['onLine'],
  ) {}

  push(stream: OutputStream, line: string): void {
    const chunk = `${line}\n`;
    const size = Buffer.byteLength(chunk);
    const room = this.cap - this.bytes[stream];
    if (size > room) {
      if (room > 0) this.text[stream] += Buffer.from(chunk).subarray(0, room).toString();
      this.bytes[stream] = this.cap;
      this.truncated = true;
      return;
    }
    this.text[stream] += chunk;
    this.bytes[stream] += size;
    try {
      this.onLine?.(stream, line);
    } catch {
      // A listener's failure is the caller's problem; the command itself went on.
    }
  }

  get stdout(): string {
    return this.text.stdout;
  }

  get stderr(): string {
    return this.text.stderr;
  }
}

const sameArgv = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

const textLines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/**
 * A FreeBSD machine played from a scenario. Commands answer in the real tools' formats from the host's own
 * copy of the scenario, which commands change (packages, modules, reboots) as they would change the machine.
 * A command's changes apply only when it runs to its end, so a cancelled or timed-out one changes nothing.
 */
export class SimulatedHost implements Host {
  readonly spec: string;
  readonly simulated = true;
  private state: Scenario;
  private readonly clock: SimClock;
  private readonly options: SimulatedHostOptions;
  /** Detached jobs still running, by process group: they live on the host's clock, not in any exec call. */
  private readonly jobs = new Map<number, AbortController>();
  private nextPid = 4100;

  constructor(scenario: Scenario, options: SimulatedHostOptions = {}) {
    this.state = structuredClone(scenario);
    this.options = options;
    this.spec = `sim:${scenario.name}`;
    const scale = options.timeScale ?? 1;
    this.clock = options.clock ?? (scale > 0 ? new RealClock(scale) : new VirtualClock());
  }

  /** The machine as it is now; a copy, so callers cannot change it behind the host's back. */
  snapshot(): Scenario {
    return structuredClone(this.state);
  }

  /** The user switches the adapter's power supply; the bus notices at the next boot. */
  setEgpuPower(powered: boolean): void {
    this.state.egpu.powered = powered;
  }

  /** Waits `ms` of the host's own time, so a poll's pause passes in simulated time like the commands do. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return this.clock.sleepUntil(this.clock.now() + ms, signal);
  }

  /** How many detached jobs are running now. */
  get runningJobs(): number {
    return this.jobs.size;
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    const started = performance.now();
    const notRun = (fields: Partial<ExecResult>): ExecResult => notRunResult(started, fields);
    try {
      if (request.argv.length === 0 || request.argv[0] === '') return notRun({ spawnError: 'EINVAL' });
      if (request.signal?.aborted) return notRun({ cancelled: true });
      const result = this.dispatch(request.argv, this.state.user.uid === 0 || this.options.asRoot === true, request.stdin);
      if (result.kind === 'missing') return notRun({ spawnError: 'ENOENT' });
      return await this.play(result, request);
    } catch {
      return notRun({ spawnError: 'EFAIL' });
    }
  }

  /**
   * The passthrough guest, logged in to over SSH as `access` says: it answers while this host's bhyve runs
   * it at that address, and fails like ssh (exit 255, unreachable) otherwise. Its commands take this host's
   * time, and what they change is kept in this host's scenario.
   */
  guest(access: GuestAccess): Host {
    return {
      spec: `ssh://${access.user}@${access.address}`,
      simulated: true,
      exec: (request) => this.execInGuest(access, request),
      wait: (ms, signal) => this.wait(ms, signal),
    };
  }

  private async execInGuest(access: GuestAccess, request: ExecRequest): Promise<ExecResult> {
    const started = performance.now();
    const notRun = (fields: Partial<ExecResult>): ExecResult => notRunResult(started, fields);
    try {
      if (request.argv.length === 0 || request.argv[0] === '') return notRun({ spawnError: 'EINVAL' });
      if (request.signal?.aborted) return notRun({ cancelled: true });
      const failure = guestUnreachable(this.state, access);
      if (failure !== null) return notRun({ exitCode: 255, stderr: `${failure.detail}\n`, transport: failure });
      const result = runInGuest(this.state, request.argv);
      if (result.kind === 'missing') return notRun({ spawnError: 'ENOENT' });
      return await this.play(result, request);
    } catch {
      return notRun({ spawnError: 'EFAIL' });
    }
  }

  private dispatch(argv: readonly string[], root: boolean, stdin: string | undefined): ToolResult {
    const failure = this.state.failures.find((f) => sameArgv(f.argv, argv));
    if (failure !== undefined) {
      return ran(failure.exitCode, textLines(failure.stdout), textLines(failure.stderr), {
        durationMs: failure.durationMs,
        commit: (state) => {
          const index = state.failures.findIndex((f) => sameArgv(f.argv, argv));
          const live = state.failures[index];
          if (live === undefined || live.times === null) return;
          if (live.times <= 1) state.failures.splice(index, 1);
          else live.times -= 1;
        },
      });
    }
    const [program = '', ...args] = argv;
    const tool = findTool(this.state, program);
    if (tool === null) return { kind: 'missing' };
    return tool.run(args, {
      machine: this.state,
      root,
      stdin,
      run: (inner, innerRoot, innerStdin) => this.dispatch(inner, innerRoot, innerStdin),
    });
  }

  /**
   * Plays the output over the command's simulated duration on the host's clock, honouring the deadline and
   * cancellation. Whether the deadline is hit is decided from the simulated times alone, never from how long
   * the real machine took to get there.
   */
  private async play(result: Ran, request: ExecRequest): Promise<ExecResult> {
    const clock = this.clock;
    const started = clock.now();
    const output = new Output(Math.max(0, request.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES), request.onLine);
    const total = result.durationMs;
    const deadline = Number.isFinite(request.timeoutMs) && request.timeoutMs > 0 ? started + request.timeoutMs : Number.POSITIVE_INFINITY;
    let played = 0;
    const stopped = (why: Interruption): ExecResult => {
      result.onInterrupt?.(this.state, played);
      return interruptedResult(why);
    };
    const interruptedResult = (why: Interruption): ExecResult => ({
      exitCode: null,
      signal: 'SIGTERM',
      stdout: output.stdout,
      stderr: output.stderr,
      durationMs: clock.now() - started,
      timedOut: why === 'timeout',
      cancelled: why === 'cancelled',
      truncated: output.truncated,
      spawnError: null,
    });
    const count = result.lines.length;
    for (let i = 0; i < count; i++) {
      const line = result.lines[i];
      const interrupted = await waitUntil(clock, started + (total * (i + 1)) / (count + 1), deadline, request.signal);
      if (interrupted) return stopped(interrupted);
      if (line) output.push(line.stream, line.text);
      played = i + 1;
    }
    const interrupted = await waitUntil(clock, started + total, deadline, request.signal);
    if (interrupted) return stopped(interrupted);
    result.commit?.(this.state);
    if (result.hostEffect) this.apply(result.hostEffect);
    return {
      exitCode: result.exitCode,
      signal: null,
      stdout: result.rawStdout !== undefined && !output.truncated ? result.rawStdout : output.stdout,
      stderr: output.stderr,
      durationMs: clock.now() - started,
      timedOut: false,
      cancelled: false,
      truncated: output.truncated,
      spawnError: null,
    };
  }

  private apply(effect: HostEffect): void {
    if (effect.kind === 'signal') this.jobs.get(effect.pgid)?.abort();
    else if (effect.kind === 'reboot') this.endJobsByRestart();
    else if (this.options.onDetach) this.options.onDetach(effect);
    else void this.runJob(effect.dir, effect.argv, effect.root);
  }

  /**
   * The machine is started again while the wizard is away from it (power cut, crash, someone's `reboot`):
   * running jobs die with it, leaving their pid and log but no status, and kern.boottime changes.
   */
  restart(): void {
    this.endJobsByRestart();
    rebootMachine(this.state);
  }

  /** A restart's end of the jobs: what they had done stays (debootstrap's half-built root), no status is written. */
  private endJobsByRestart(): void {
    for (const job of this.jobs.values()) job.abort(RESTART);
    this.jobs.clear();
  }

  /**
   * What the wrapper script does on a real host: pid file, the command's output in the log as it comes,
   * and the status file once it has ended (128 + 15 when a Stop's SIGTERM ended it).
   */
  private async runJob(dir: string, argv: readonly string[], root: boolean): Promise<void> {
    const pgid = this.nextPid;
    this.nextPid += 7;
    const files = this.state.files;
    files[`${dir}/boot`] = `${formatBootTime(bootTimeOf(this.state))}\n`;
    files[`${dir}/pid`] = `${pgid}\n`;
    files[`${dir}/log`] = '';
    const controller = new AbortController();
    this.jobs.set(pgid, controller);
    let exitCode: number;
    try {
      const result = this.dispatch(argv, root, undefined);
      if (result.kind === 'missing') {
        this.state.files[`${dir}/log`] += `${WRAPPER_NAME}: ${argv[0] ?? ''}: not found\n`;
        exitCode = 127;
      } else {
        const played = await this.play(result, {
          argv,
          timeoutMs: Number.POSITIVE_INFINITY,
          signal: controller.signal,
          onLine: (_stream, line) => {
            this.state.files[`${dir}/log`] += `${line}\n`;
          },
        });
        exitCode = played.exitCode ?? 143;
      }
    } finally {
      this.jobs.delete(pgid);
    }
    // The wrapper died with the machine: nothing is left to write the status.
    if (controller.signal.reason === RESTART) return;
    this.state.files[`${dir}/status`] = `${exitCode}\n`;
  }
}

/** Waits on the clock until `at`; null if reached, or what came first: the deadline or the abort. */
async function waitUntil(clock: SimClock, at: number, deadline: number, signal: AbortSignal | undefined): Promise<Interruption | null> {
  if (signal?.aborted) return 'cancelled';
  await clock.sleepUntil(Math.min(at, deadline), signal);
  if (signal?.aborted) return 'cancelled';
  return at > deadline ? 'timeout' : null;
}
