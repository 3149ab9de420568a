import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { guestKey, guestOptions, guestTarget } from './ssh/guest';
import { SshHost } from './ssh/ssh-host';
import { DEFAULT_MAX_OUTPUT_BYTES, notRunResult, type ExecRequest, type ExecResult, type GuestAccess, type Host } from './types';

export const DEFAULT_PATH = '/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin';

/** Time a terminated process (and its process group) gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Only what the tools need: secrets in the wizard's environment stay out of children, and a fixed C locale
 * keeps tool output in the form the parsers expect whatever the user's language.
 */
export function sanitizedEnv(source: Env = process.env, passThrough: readonly string[] = []): Record<string, string> {
  const env: Record<string, string> = { PATH: source.PATH || DEFAULT_PATH };
  for (const key of ['HOME', 'USER', 'LOGNAME', ...passThrough]) {
    const value = source[key];
    if (value !== undefined) env[key] = value;
  }
  env.LC_ALL = 'C';
  env.LANG = 'C';
  return env;
}

/**
 * Keeps the first `cap` bytes of one stream as text and reports complete lines. Past the cap, chunks are
 * still read (so the child never blocks on a full pipe) but dropped, so memory stays bounded.
 */
class CappedText {
  // Not fatal: invalid bytes become U+FFFD, since tools print whatever bytes their data holds.
  private readonly decoder = new TextDecoder('utf-8');
  private readonly parts: string[] = [];
  // The unfinished line kept as pieces: re-joining it per chunk would be quadratic on a long line.
  private lineParts: string[] = [];
  private kept = 0;
  truncated = false;

  constructor(
    private readonly cap: number,
    private readonly onLine: ((line: string) => void) | undefined,
  ) {}

  push(chunk: Uint8Array): void {
    if (this.truncated) return;
    const room = this.cap - this.kept;
    let bytes = chunk;
    if (chunk.byteLength > room) {
      bytes = chunk.subarray(0, room);
      this.truncated = true;
    }
    this.kept += bytes.byteLength;
    this.take(this.decoder.decode(bytes, { stream: true }));
  }

  finish(): string {
    this.take(this.decoder.decode());
    if (this.lineParts.length > 0) this.emitLine();
    return this.parts.join('');
  }

  private take(text: string): void {
    if (text === '') return;
    this.parts.push(text);
    if (!this.onLine) return;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.lineParts.push(text.slice(start, nl));
      this.emitLine();
      start = nl + 1;
    }
    if (start < text.length) this.lineParts.push(text.slice(start));
  }

  private emitLine(): void {
    const line = this.lineParts.join('');
    this.lineParts = [];
    try {
      this.onLine?.(line.endsWith('\r') ? line.slice(0, -1) : line);
    } catch {
      // A failing observer must not crash the process from inside a stream event, nor lose the output.
    }
  }
}

function collect(stream: Readable | null | undefined, sink: CappedText): void {
  stream?.on('data', (chunk: unknown) => {
    if (chunk instanceof Uint8Array) sink.push(chunk);
    else if (typeof chunk === 'string') sink.push(Buffer.from(chunk, 'utf8'));
  });
}

/** Signals the child's whole process group: descendants holding the pipes would otherwise outlive a timeout. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone (ESRCH) or some members not ours to signal (EPERM): nothing more to do.
  }
}

/** A result for a process that never ran: refused, already cancelled, or failed to spawn. */
const notRun = (started: number, fields: Pick<ExecResult, 'spawnError'> & Partial<ExecResult>): ExecResult =>
  notRunResult(started, fields);

/** Runs programs on this machine. Never through a shell, never rejects: every failure is in the result. */
export class LocalHost implements Host {
  readonly spec = 'local';
  readonly simulated = false;

  /** `passEnv`: further variables a child needs (ssh: the agent's socket, SSH_AUTH_SOCK). */
  constructor(private readonly passEnv: readonly string[] = []) {}

  private readonly guests = new Map<string, SshHost>();

  /**
   * The bhyve guest when the wizard runs on the X220 itself: ssh straight to it on the bridge, with the same
   * key and known_hosts rules as through an SSH host (see SshHost.guest). The same access gives the same
   * SshHost, so the guest's commands share one master. Nothing closes it here (a LocalHost has no close):
   * it ends when the process exits, as every master does, or after ControlPersist's idle minutes.
   */
  guest(access: GuestAccess): SshHost {
    const key = guestKey(access);
    const known = this.guests.get(key);
    if (known) return known;
    const guest = new SshHost(guestTarget(access), guestOptions(access));
    this.guests.set(key, guest);
    return guest;
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    const started = performance.now();
    const [program, ...args] = request.argv;
    if (program === undefined || program === '') return notRun(started, { spawnError: 'EINVAL' });
    if (request.signal?.aborted) return notRun(started, { spawnError: null, cancelled: true });
    try {
      return await this.run(program, args, request, started);
    } catch (error) {
      const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'EFAIL';
      return notRun(started, { spawnError: code });
    }
  }

  private async run(program: string, args: string[], request: ExecRequest, started: number): Promise<ExecResult> {
    const cap = Math.max(0, request.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
    const { onLine } = request;
    const out = new CappedText(cap, onLine && ((line) => onLine('stdout', line)));
    const err = new CappedText(cap, onLine && ((line) => onLine('stderr', line)));
    const hasTimeout = Number.isFinite(request.timeoutMs) && request.timeoutMs > 0;

    const subprocess = execa(program, args, {
      shell: false,
      extendEnv: false,
      env: sanitizedEnv(process.env, this.passEnv),
      // No stdin means /dev/null, so a tool that prompts (pkg's bootstrapper) reads EOF instead of hanging.
      ...(request.stdin !== undefined ? { stdin: 'pipe' as const, input: request.stdin } : { stdin: 'ignore' as const }),
      stdout: 'pipe',
      stderr: 'pipe',
      // Output is consumed from the streams above, so execa keeps none of it and imposes no maxBuffer.
      buffer: false,
      encoding: 'buffer',
      reject: false,
      ...(hasTimeout ? { timeout: request.timeoutMs } : {}),
      ...(request.signal ? { cancelSignal: request.signal } : {}),
      killSignal: 'SIGTERM',
      forceKillAfterDelay: KILL_GRACE_MS,
      // Own session and process group: the whole tree can be terminated, and a prompt that opens /dev/tty
      // (sudo without -S) fails instead of waiting on the wizard's terminal.
      detached: true,
    });
    collect(subprocess.stdout, out);
    collect(subprocess.stderr, err);

    const { pid } = subprocess;
    let terminating = false;
    const terminateGroup = (): void => {
      if (terminating) return;
      terminating = true;
      signalGroup(pid, 'SIGTERM');
      setTimeout(() => signalGroup(pid, 'SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer = hasTimeout ? setTimeout(terminateGroup, request.timeoutMs) : undefined;
    request.signal?.addEventListener('abort', terminateGroup, { once: true });

    const result = await subprocess;
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', terminateGroup);

    const stdout = out.finish();
    const stderr = err.finish();
    const durationMs = performance.now() - started;
    if (pid === undefined) {
      return notRun(started, { spawnError: typeof result.code === 'string' ? result.code : 'EFAIL' });
    }
    // execa's own timer and ours fire together; whichever killed the child, the request's deadline passed.
    const cancelled = result.isCanceled || (terminating && request.signal?.aborted === true && !result.timedOut);
    const timedOut = !cancelled && (result.timedOut || terminating);
    return {
      exitCode: timedOut || cancelled ? null : (result.exitCode ?? null),
      signal: result.signal ?? null,
      stdout,
      stderr,
      durationMs,
      timedOut,
      cancelled,
      truncated: out.truncated || err.truncated,
      spawnError: null,
    };
  }
}
