import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { AuditLog } from '../audit/audit-log';
import type { LogEntry } from '../contract/state';
import { elevate, type ElevationMethod } from '../host/elevation';
import { notRunResult, type GuestAccess, type Host, type OutputStream, type TransportFailure } from '../host/types';
import { GUEST_KEY_IN_DATA } from '../bhyve/guest-key';
import { UBUNTU_IMAGE } from '../bhyve/layout';
import { catalogue, type Catalogue, type CommandId } from './catalogue';
import { parseFailure, type ParseResult } from './parse-result';
import type { ArgsOf, CommandProgress, ResultOf } from './types';

export type RunOutcome = LogEntry['outcome'];

/** One finished catalogue command: what ran, how it ended, and what its output parsed to. */
export interface CommandRun<R> {
  runId: string;
  commandId: CommandId;
  argv: string[];
  privileged: boolean;
  outcome: RunOutcome;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  parsed: ParseResult<R>;
  /** The host it ran on (the guest's own spec for a guest command), as the audit log has it. */
  host?: string;
  /** Why a command was not even started (bad arguments, no way to elevate, no guest to run it in). */
  refusal: 'invalid-arguments' | 'no-elevation' | 'password-required' | 'no-guest' | null;
  /** For a `no-guest` refusal: why there is no guest to run it in. */
  noGuest?: NoGuestReason;
  /** For `connection-lost`: how the way to the remote host failed. */
  transport?: TransportFailure;
}

/**
 * Why a guest command has no guest: the host cannot reach guests (a simulated or local host without one),
 * the runner has no data folder (so no key), vm-bhyve wrote no network-config for the guest yet, the file
 * names no static address (a guest made by hand with DHCP), or the file could not be read.
 */
export type NoGuestReason = 'unsupported-host' | 'no-data-dir' | 'no-network-config' | 'no-static-address' | 'unreadable';

/** Where the wizard keeps what logs it in to the guest: the key cloud-init got, and the guest's own known_hosts. */
export const guestAccessFiles = (dataDir: string): Pick<GuestAccess, 'identityFile' | 'knownHostsFile'> => ({
  identityFile: join(dataDir, GUEST_KEY_IN_DATA),
  knownHostsFile: join(dataDir, 'bhyve', 'known_hosts'),
});

export interface RunnerOptions {
  /** The wizard's data folder, where the guest key is: without it, guest commands are refused. */
  dataDir?: string;
}

export interface Elevation {
  method: ElevationMethod;
  password: string | null;
}

export interface RunOptions {
  signal?: AbortSignal;
  onLine?: (runId: string, commandId: CommandId, stream: OutputStream, line: string) => void;
  /** Called when a line of a long command says how far it has got (see the entry's `progress`). */
  onProgress?: (commandId: CommandId, progress: CommandProgress) => void;
}

/** A catalogue entry through the shape all entries share. */
interface AnySpec<R> {
  args: { safeParse(v: unknown): { success: true; data: unknown } | { success: false } };
  argv(a: unknown): string[];
  privileged: boolean;
  timeoutMs: number;
  stdin?: (a: unknown) => string;
  parse(o: { stdout: string; stderr: string; exitCode: number | null }, a: unknown): ParseResult<R>;
  progress?: (line: string) => CommandProgress | null;
  progressOnStderr?: boolean;
  target?: 'guest';
}

/**
 * The catalogue's entries differ in argument and result types; the id ties them together, which the
 * compiler cannot follow through the lookup. Safe because every caller validates the arguments with the
 * entry's own schema before `argv` sees them.
 */
const specOf = <C extends CommandId>(commandId: C): AnySpec<ResultOf<Catalogue[C]>> =>
  catalogue[commandId] as unknown as AnySpec<ResultOf<Catalogue[C]>>;

/** The argv a catalogue command will run with these arguments, for showing before it runs. */
export function describeCommand(commandId: CommandId, rawArgs: unknown): { argv: string[]; privileged: boolean } {
  const spec = specOf(commandId);
  const args = spec.args.safeParse(rawArgs);
  if (!args.success) throw new Error(`invalid arguments for ${commandId}`);
  return { argv: spec.argv(args.data), privileged: spec.privileged };
}

/**
 * The only way the wizard runs anything on a host: checks the arguments against the catalogue, adds
 * elevation for privileged entries, applies the entry's timeout, records the audit entry, parses.
 */
export class CommandRunner {
  constructor(
    private readonly host: Host,
    private readonly audit: AuditLog,
    private readonly elevation: () => Elevation,
    private readonly options: RunnerOptions = {},
  ) {}

  /** One guest host per address, so an SSH guest keeps its one master connection. */
  private readonly guests = new Map<string, Host>();

  /**
   * The guest a guest command runs in: its address read back from vm-bhyve's network-config on the host (an
   * audited command like any other), the cloud image's user and the wizard's own key.
   */
  private async guestHost(signal: AbortSignal | undefined): Promise<{ host: Host } | { problem: NoGuestReason } | { cancelled: true }> {
    const { dataDir } = this.options;
    if (this.host.guest === undefined) return { problem: 'unsupported-host' };
    if (dataDir === undefined) return { problem: 'no-data-dir' };
    const read = await this.run('vmGuestNetwork', {}, signal ? { signal } : {});
    if (read.outcome === 'cancelled') return { cancelled: true };
    if (!read.parsed.ok) return { problem: 'unreadable' };
    const { present, network } = read.parsed.value;
    if (!present) return { problem: 'no-network-config' };
    if (network === null) return { problem: 'no-static-address' };
    const known = this.guests.get(network.address);
    if (known !== undefined) return { host: known };
    const guest = this.host.guest({ address: network.address, user: UBUNTU_IMAGE.user, ...guestAccessFiles(dataDir) });
    this.guests.set(network.address, guest);
    return { host: guest };
  }

  get hostSpec(): string {
    return this.host.spec;
  }

  async run<C extends CommandId>(
    commandId: C,
    rawArgs: ArgsOf<Catalogue[C]>,
    options: RunOptions = {},
  ): Promise<CommandRun<ResultOf<Catalogue[C]>>> {
    const spec = specOf(commandId);
    const runId = randomUUID();
    const started = new Date();
    const args = spec.args.safeParse(rawArgs);
    if (!args.success) return this.refused(runId, commandId, [], spec.privileged, 'invalid-arguments', started);
    const baseArgv = spec.argv(args.data);
    let argv = baseArgv;
    const data = spec.stdin?.(args.data);
    let stdin: string | undefined = data;
    let host = this.host;
    // Cancelled while the guest's address was read: the command never starts, and says so like any other.
    let cancelledEarly = false;
    if (spec.target === 'guest') {
      const guest = await this.guestHost(options.signal);
      if ('problem' in guest) return this.refused(runId, commandId, baseArgv, spec.privileged, 'no-guest', started, guest.problem);
      if ('cancelled' in guest) cancelledEarly = true;
      else host = guest.host;
      // The cloud image's user has passwordless sudo, whatever the FreeBSD host asks for: sudo without a password.
      const elevated = spec.privileged ? elevate(baseArgv, 'sudo') : null;
      if (elevated !== null && 'argv' in elevated) argv = elevated.argv;
    } else if (spec.privileged) {
      const { method, password } = this.elevation();
      const elevated = elevate(baseArgv, method, password ?? undefined);
      if ('error' in elevated) return this.refused(runId, commandId, baseArgv, true, elevated.error, started);
      argv = elevated.argv;
      // sudo -S reads the password line first and hands the rest of stdin to the command.
      stdin = elevated.stdin === undefined ? data : `${elevated.stdin}${data ?? ''}`;
    }
    const result = cancelledEarly ? notRunResult(performance.now(), { cancelled: true }) : await host.exec({
      argv,
      timeoutMs: spec.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(stdin !== undefined ? { stdin } : {}),
      onLine: (stream, line) => {
        options.onLine?.(runId, commandId, stream, line);
        // Most tools report on stdout; some only on stderr (bsdtar -v, ollama pull), so an entry may read both.
        const progress = stream === 'stdout' || spec.progressOnStderr === true ? spec.progress?.(line) : null;
        if (progress) options.onProgress?.(commandId, progress);
      },
    });
    // A failed connection first: whether the command ran on the remote host is unknown.
    const outcome: RunOutcome = result.transport
      ? 'connection-lost'
      : result.spawnError
      ? 'not-found'
      : result.timedOut
        ? 'timeout'
        : result.cancelled
          ? 'cancelled'
          : result.exitCode === 0
            ? 'ok'
            : 'failed';
    const parsedOutput: ParseResult<ResultOf<Catalogue[C]>> =
      outcome === 'ok' || outcome === 'failed'
        ? spec.parse({ stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode }, args.data)
        : parseFailure('command-failed', outcomeText(outcome, argv[0] ?? ''));
    this.audit.record({
      id: runId,
      at: started.toISOString(),
      host: host.spec,
      commandId,
      argv,
      privileged: spec.privileged,
      exitCode: result.exitCode,
      durationMs: Math.round(result.durationMs),
      outcome,
      stdout: result.stdout,
      stderr: result.stderr,
      truncated: result.truncated,
    });
    return {
      runId,
      commandId,
      argv,
      privileged: spec.privileged,
      outcome,
      exitCode: result.exitCode,
      stdout: result.stdout,
      stderr: result.stderr,
      durationMs: result.durationMs,
      host: host.spec,
      parsed: parsedOutput,
      refusal: null,
      ...(result.transport ? { transport: result.transport } : {}),
    };
  }

  private refused<R>(
    runId: string,
    commandId: CommandId,
    argv: string[],
    privileged: boolean,
    refusal: NonNullable<CommandRun<R>['refusal']>,
    started: Date,
    noGuest?: NoGuestReason,
  ): CommandRun<R> {
    const why = noGuest === undefined ? refusal : `${refusal}: ${noGuest}`;
    this.audit.record({
      id: runId,
      at: started.toISOString(),
      host: this.host.spec,
      commandId,
      argv,
      privileged,
      exitCode: null,
      durationMs: 0,
      outcome: 'refused',
      stdout: '',
      stderr: why,
      truncated: false,
    });
    return {
      runId,
      commandId,
      argv,
      privileged,
      outcome: 'refused',
      exitCode: null,
      stdout: '',
      stderr: '',
      durationMs: 0,
      host: this.host.spec,
      parsed: parseFailure('command-failed', `not run: ${why}`),
      refusal,
      ...(noGuest === undefined ? {} : { noGuest }),
    };
  }
}

function outcomeText(outcome: RunOutcome, program: string): string {
  switch (outcome) {
    case 'not-found':
      return `${program}: command not found on this host`;
    case 'timeout':
      return `${program}: timed out`;
    case 'cancelled':
      return `${program}: cancelled`;
    case 'connection-lost':
      return `${program}: the connection to the host failed`;
    default:
      return `${program}: ${outcome}`;
  }
}
