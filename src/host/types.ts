export type OutputStream = 'stdout' | 'stderr';

export interface ExecRequest {
  /** argv[0] is the program; never a shell string. */
  readonly argv: readonly string[];
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Written to the process's stdin, then stdin is closed. Used only for the sudo password. */
  readonly stdin?: string;
  /** Per stream; output past this is dropped and `truncated` is set. */
  readonly maxOutputBytes?: number;
  readonly onLine?: (stream: OutputStream, line: string) => void;
}

export interface ExecResult {
  /** null when the process did not exit by itself (timeout, cancel, signal, not started). */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  cancelled: boolean;
  truncated: boolean;
  /** Set when the program could not be started at all, e.g. `ENOENT` for a missing binary. */
  spawnError: string | null;
  /**
   * Set when the way to a remote host failed (ssh exited 255): the command may or may not have run there.
   * Absent for local and simulated hosts.
   */
  transport?: TransportFailure;
}

/** Why a remote host could not be used; each kind is a message key `ssh.error.<kind>`. */
export type TransportKind = 'ssh-missing' | 'host-key-unknown' | 'host-key-changed' | 'auth-failed' | 'unreachable' | 'connection-lost';

export interface TransportFailure {
  kind: TransportKind;
  /** ssh's own words, for the log. */
  detail: string;
}

/** A machine the wizard acts on: this one, a simulated FreeBSD box, later one over SSH. */
export interface Host {
  readonly spec: string;
  readonly simulated: boolean;
  exec(request: ExecRequest): Promise<ExecResult>;
  /**
   * Waits `ms` of the host's time (a simulated host's clock); hosts without one of their own leave it out
   * and real time is used.
   */
  wait?(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * The passthrough route's Linux guest, reached from this host (src/bhyve): over SSH, through this host
   * when it is itself reached over SSH. Hosts that cannot have a guest leave it out.
   */
  guest?(access: GuestAccess): Host;
}

/** How the wizard logs in to the bhyve guest: cloud-init gave `user` the wizard's key; the address is static. */
export interface GuestAccess {
  /** The guest's IPv4 address, as `vm create -n ip=…` gave it (read back from its cloud-init network-config). */
  readonly address: string;
  readonly user: string;
  /** The private half of the wizard's guest key (`<data>/bhyve/guest_ed25519`). */
  readonly identityFile: string;
  /** The wizard's own known_hosts for guests (`<data>/bhyve/known_hosts`): a guest's key is learned on first login. */
  readonly knownHostsFile: string;
  /** The guest's sshd port; 22 when left out (tests run their sshd elsewhere). */
  readonly port?: number;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/** The result for a process that never ran (refused, already cancelled, not found); `fields` says which. */
export function notRunResult(started: number, fields: Partial<ExecResult>): ExecResult {
  return {
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    durationMs: performance.now() - started,
    timedOut: false,
    cancelled: false,
    truncated: false,
    spawnError: null,
    ...fields,
  };
}
