import { spawnSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SshTarget } from '../../contract/ssh-spec';
import { sshSpecOf } from '../../contract/ssh-spec';
import { LocalHost } from '../local-host';
import { notRunResult, type ExecRequest, type ExecResult, type GuestAccess, type Host } from '../types';
import { Limiter } from '../limit';
import { attemptEnd, classifySshFailure } from './classify';
import { guestKey, guestOptions, guestTarget, proxyCommandOption } from './guest';
import { quoteArgv } from './quote';
import { privateSocketDir, socketDirCandidates, socketName } from './socket-dir';

export interface SshHostOptions {
  /** The known_hosts file the wizard owns (in its data folder); keys the user accepted go here. */
  knownHostsFile: string;
  /** The user's own known_hosts files, read but never written. */
  userKnownHostsFiles?: readonly string[];
  connectTimeoutSeconds?: number;
  /** Only this key instead of the user's keys and agent (tests). */
  identityFile?: string;
  sshBinary?: string;
  /**
   * 'master' (the default): one connection per host, every command a session on it. 'pool': a connection
   * per command, at most MAX_CONNECTIONS at a time (Windows' OpenSSH has no ControlMaster; tests, bench).
   */
  multiplex?: 'master' | 'pool';
  /** Folders for the master's socket, best first; see socketDirCandidates. */
  socketDirs?: readonly string[];
  /** Pauses before retrying a run that failed before its command started; one retry per entry. */
  retryDelaysMs?: readonly number[];
  /** How long an idle master stays up (ssh's ControlPersist), in seconds. */
  persistSeconds?: number;
  /**
   * For a machine whose key nobody can know beforehand (the bhyve guest, a VM the wizard just made): its key
   * is learned on the first login into knownHostsFile, the only known_hosts read, and a changed key is still
   * refused. userKnownHostsFiles are not read then (see sshOptions).
   */
  learnHostKeys?: boolean;
  /**
   * The user's ssh config is not read (`-F none`): for the wizard's own guest, where an IdentityFile, User or
   * ProxyJump the user set for that address would change which key logs in or which way it goes.
   */
  ownConfigOnly?: boolean;
}

export const DEFAULT_USER_KNOWN_HOSTS = ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'] as const;

/** The local ssh client needs the agent's socket to use the user's agent; nothing else of the environment. */
const SSH_ENV = ['SSH_AUTH_SOCK'] as const;

/** A path inside an ssh option value: double quotes keep a space (macOS's "Application Support") in one word. */
const optionPath = (path: string): string => (path.startsWith('~') ? path : `"${path}"`);

/**
 * The options every connection uses. BatchMode: never a prompt (no password, no yes/no for a new key);
 * StrictHostKeyChecking=yes: an unknown or changed key stops the connection instead of being added;
 * UpdateHostKeys=no: the user's known_hosts is never written. The user's config, keys and agent still apply.
 *
 * With learnHostKeys (the guest), StrictHostKeyChecking=accept-new: a fresh VM makes its key at first boot,
 * so nobody could compare a fingerprint, and the first login (through the X220 the user already trusts,
 * onto its own bridge) writes the key to the wizard's file; a key that changes later is refused like any
 * other. Only that file is consulted, so a stale entry for the same LAN address elsewhere neither blocks
 * nor vouches for the guest, and accept-new can only ever write there.
 */
export function sshOptions(target: SshTarget, options: SshHostOptions): string[] {
  const learn = options.learnHostKeys === true;
  const knownHosts = learn
    ? optionPath(options.knownHostsFile)
    : [options.knownHostsFile, ...(options.userKnownHostsFiles ?? DEFAULT_USER_KNOWN_HOSTS)].map(optionPath).join(' ');
  return [
    ...(options.ownConfigOnly ? ['-F', 'none'] : []),
    '-T',
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${options.connectTimeoutSeconds ?? 10}`,
    '-o', `StrictHostKeyChecking=${learn ? 'accept-new' : 'yes'}`,
    '-o', `UserKnownHostsFile=${knownHosts}`,
    ...(learn && process.platform !== 'win32' ? ['-o', 'GlobalKnownHostsFile=/dev/null'] : []),
    '-o', 'UpdateHostKeys=no',
    // A connection that dies mid-command is noticed within ~15 s instead of at the command's timeout.
    '-o', 'ServerAliveInterval=5',
    '-o', 'ServerAliveCountMax=3',
    '-o', 'LogLevel=ERROR',
    '-o', 'ClearAllForwardings=yes',
    '-o', 'ForwardAgent=no',
    '-o', 'ForwardX11=no',
    ...(options.identityFile ? ['-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-i', options.identityFile] : []),
    '-p', String(target.port),
  ];
}

/** `user@host`; an IPv6 address needs no brackets here, as the port is given with -p. */
export const destinationOf = (target: SshTarget): string => `${target.user}@${target.host}`;

/** What the remote shell runs: the argv with the C locale the parsers expect, through env(1). */
export const remoteCommand = (argv: readonly string[]): string => quoteArgv(['env', 'LC_ALL=C', 'LANG=C', ...argv]);

/** env(1) could not find the program: the remote twin of a local ENOENT. */
const notFoundOnRemote = (result: ExecResult): boolean =>
  result.exitCode === 127 && /^env: .*(No such file or directory|not found)/m.test(result.stderr);

/** Sessions at a time on one master: below sshd's default MaxSessions (10 per connection). */
export const MAX_SESSIONS = 8;
/** Connections at a time without a master: well below sshd's default MaxStartups (10 unauthenticated). */
export const MAX_CONNECTIONS = 4;
/** Waits before the retries of a run that failed before its command started (sshd busy or restarting). */
export const RETRY_DELAYS_MS: readonly number[] = [250, 500, 1000, 2000, 4000];
/** An idle master ends after this long, so one left behind by a crash does not stay for ever. */
const PERSIST_SECONDS = 300;

/** ssh cannot be a master here: the socket cannot be made, or this ssh lacks multiplexing. */
const MASTER_UNSUPPORTED = /ControlSocket|unix_listener|ControlPath|ControlPersist|multiplex|Bad configuration option|Unsupported option/i;
/** The connection itself failed: a master could work once the network does. */
const NETWORK_TROUBLE = /Connection (closed|reset) by|Broken pipe|Connection timed out|Timeout|closed by remote host|Network is unreachable|No route to host/i;

/**
 * How commands reach the host: sessions on the master behind `path`, or a connection each (with `proxy`, the
 * ProxyCommand option of a guest reached through another host).
 */
type Link = { kind: 'master'; path: string; generation: number } | { kind: 'pool'; proxy: readonly string[] };

const sleep = (ms: number, signal?: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const done = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', done);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** Masters still up when the process exits are ended then (the CLI has no other moment to do it). */
const openMasters = new Map<SshHost, () => string[][]>();
let exitHookInstalled = false;
function endMastersOnExit(host: SshHost, argvs: () => string[][]): void {
  openMasters.set(host, argvs);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    // Newest first: a guest's master, registered after the master it rides on, ends before that one.
    for (const exitArgvs of [...openMasters.values()].reverse()) {
      for (const [program = 'ssh', ...args] of exitArgvs()) spawnSync(program, args, { stdio: 'ignore', timeout: 3000 });
    }
  });
}

/**
 * A machine reached through the system's ssh client. The argv is quoted for the remote shell by one
 * function; the local ssh process runs like any local command (own process group, timeout, cancel).
 * Cancelling ends the session; the remote command then loses its output channel.
 *
 * Every command goes over one master connection (OpenSSH's ControlMaster), opened on first use with the same
 * host-key and login options as any connection, so its first connection checks the host key like any other.
 * Where ssh has no master (Windows) or it cannot be set up, each command opens its own connection, at most
 * MAX_CONNECTIONS at a time. A run that failed before its command started is retried after a pause; one that
 * may have started never is.
 *
 * A guest (`guest()`) is an SshHost too, with `via` the host it is reached through: its own master's
 * connection is a stdio forward (`ssh -W`) made as a session of `via`'s master, so the guest needs no route
 * from this computer and its commands share one connection like any host's.
 */
export class SshHost implements Host {
  readonly spec: string;
  readonly simulated = false;
  private readonly local = new LocalHost(SSH_ENV);
  private readonly sessions = new Limiter(MAX_SESSIONS);
  private readonly connections = new Limiter(MAX_CONNECTIONS);
  private mode: 'master' | 'pool';
  private master: { path: string; generation: number } | null = null;
  private starting: Promise<Link | ExecResult> | null = null;
  private generation = 0;
  /**
   * Masters given up on while perhaps still alive: a master whose connection just died may take a moment
   * to exit, and one that only lost a session stays until ControlPersist ends it. Ended with this host.
   */
  private readonly retired = new Set<string>();
  /** Why this host uses separate connections, when it does (for the log and the tests). */
  poolReason: string | null = null;
  /** Counts for the tests and the bench: masters started, runs retried. */
  readonly stats = { masterStarts: 0, retries: 0 };
  /** The guests reached through this host, by their access: one SshHost (one master) each. */
  private readonly guests = new Map<string, SshHost>();
  private knownHostsDirReady = false;

  constructor(
    readonly target: SshTarget,
    readonly options: SshHostOptions,
    /** The host this one is reached through (a guest's X220), or null when ssh connects to it directly. */
    readonly via: SshHost | null = null,
  ) {
    // The audit log names both: `ssh://ubuntu@192.168.1.60 via ssh://demo@x220`.
    this.spec = via === null ? sshSpecOf(target) : `${sshSpecOf(target)} via ${via.spec}`;
    const multiplex = options.multiplex ?? (process.platform === 'win32' ? 'pool' : 'master');
    this.mode = multiplex;
    if (multiplex === 'pool') this.poolReason = process.platform === 'win32' ? "Windows' OpenSSH has no ControlMaster" : 'asked for';
  }

  /** 'master' while commands share one connection. */
  get multiplexing(): 'master' | 'pool' {
    return this.mode;
  }

  /** The socket of the master now up, or null. */
  get masterSocket(): string | null {
    return this.master?.path ?? null;
  }

  private get ssh(): string {
    return this.options.sshBinary ?? 'ssh';
  }

  /**
   * The full local argv that runs `argv` on the remote host: on its own connection, or as a session of the
   * master. A session never connects by itself: if the master is gone, ssh would quietly open a connection of
   * its own, so its ProxyCommand is `false` and that run fails at once, before anything started.
   */
  sshArgv(argv: readonly string[], link: Link = { kind: 'pool', proxy: [] }): string[] {
    // ssh keeps the first value it is given for an option, so a guest's ProxyCommand is only ever in the
    // argv of a connection of its own, never before a session's `false`.
    const via =
      link.kind === 'master'
        ? ['-o', 'ControlMaster=no', '-o', `ControlPath=${link.path}`, '-o', 'ProxyCommand=false']
        : ['-o', 'ControlMaster=no', '-o', 'ControlPath=none', ...link.proxy];
    return [this.ssh, ...sshOptions(this.target, this.options), ...via, '--', destinationOf(this.target), remoteCommand(argv)];
  }

  /**
   * The argv that starts the master: authenticates, then goes to the background with its socket listening.
   * `proxy`: a guest's ProxyCommand option (see route).
   */
  masterArgv(path: string, proxy: readonly string[] = []): string[] {
    const persist = this.options.persistSeconds ?? PERSIST_SECONDS;
    const via = ['-o', 'ControlMaster=yes', '-o', `ControlPath=${path}`, '-o', `ControlPersist=${persist}`, ...proxy, '-N', '-f'];
    return [this.ssh, ...sshOptions(this.target, this.options), ...via, '--', destinationOf(this.target)];
  }

  /**
   * The argv, on this host's side, of a stdio forward to `to` (a guest on this host's network): a session of
   * this host's master when `link` is one, else a connection of its own. Unlike a command's session it may
   * connect by itself if the master vanished meanwhile: it has this host's full options (known_hosts, key,
   * BatchMode), and the guest's master simply rides that connection instead. ProxyJump (-J) would not do:
   * the jump hop would get none of these options.
   */
  forwardArgv(link: Link, to: SshTarget): string[] {
    const via = ['-o', 'ControlMaster=no', '-o', `ControlPath=${link.kind === 'master' ? link.path : 'none'}`];
    return [this.ssh, ...sshOptions(this.target, this.options), ...via, '-W', `${to.host}:${to.port}`, '--', destinationOf(this.target)];
  }

  /**
   * The bhyve guest `access` names, reached through this host (the guest sits on the X220's LAN bridge, which
   * this computer may not reach). Asked again for the same access, it returns the same SshHost, so the
   * guest's commands share one master; closing this host closes its guests. Throws on an access that fails
   * its schema: it comes from the wizard's own files, so a bad one is a bug, not user input.
   */
  guest(access: GuestAccess): SshHost {
    // A guest's own guest would need this host's ProxyCommand nested in the forward: no route has one.
    if (this.via !== null) throw new Error(`${this.spec} is itself a guest`);
    const key = guestKey(access);
    const known = this.guests.get(key);
    if (known) return known;
    const guest = new SshHost(guestTarget(access), guestOptions(access, this.options), this);
    this.guests.set(key, guest);
    return guest;
  }

  private exitArgv(path: string): string[] {
    return [this.ssh, '-o', 'BatchMode=yes', '-o', 'LogLevel=QUIET', '-o', `ControlPath=${path}`, '-O', 'exit', '--', destinationOf(this.target)];
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    const started = performance.now();
    const [program] = request.argv;
    // env(1) would take a leading `-` as its option and `NAME=value` as a variable; the catalogue has neither.
    if (program === undefined || program === '' || program.startsWith('-') || program.includes('=') || request.argv.some((a) => a.includes('\0'))) {
      return notRunResult(started, { spawnError: 'EINVAL' });
    }
    const cancelled = (): ExecResult => notRunResult(started, { cancelled: true });
    return this.sessions.run(() => this.runWithRetries(request, cancelled), request.signal, cancelled);
  }

  private async runWithRetries(request: ExecRequest, cancelled: () => ExecResult): Promise<ExecResult> {
    const deadline = performance.now() + request.timeoutMs;
    const delays = this.options.retryDelaysMs ?? RETRY_DELAYS_MS;
    for (let attempt = 0; ; attempt++) {
      const link = await this.link();
      if (!('kind' in link)) return link;
      const run = (): Promise<ExecResult> => this.local.exec({ ...request, argv: this.sshArgv(request.argv, link) });
      const result = link.kind === 'pool' ? await this.connections.run(run, request.signal, cancelled) : await run();
      if (result.spawnError === 'ENOENT') {
        return { ...result, spawnError: null, transport: { kind: 'ssh-missing', detail: 'the ssh client was not found on this computer' } };
      }
      if (result.spawnError !== null || result.timedOut || result.cancelled) return result;
      const end = attemptEnd(result.exitCode, result.stderr, link.kind === 'master');
      // A session lost on a master means its connection died: sessions opened on it in the moment before the
      // master notices would be lost too, so the next command starts a new master instead.
      if (end.kind === 'lost' && link.kind === 'master') this.masterGone(link.generation);
      if (end.kind === 'not-started') {
        if (end.masterGone && link.kind === 'master') this.masterGone(link.generation);
        // Spread out: clients dropped together by sshd should not all come back at the same moment.
        const base = delays[attempt];
        const wait = base === undefined ? undefined : Math.round(base * (0.75 + Math.random() / 2));
        if (wait !== undefined && performance.now() + wait < deadline) {
          this.stats.retries++;
          if (!(await sleep(wait, request.signal))) return cancelled();
          continue;
        }
      }
      return this.finish(result);
    }
  }

  private finish(result: ExecResult): ExecResult {
    const transport = classifySshFailure(result.exitCode, result.stderr);
    if (transport) return { ...result, transport };
    // As a local ENOENT: nothing ran, so nothing was printed (env's complaint is not the program's output).
    if (notFoundOnRemote(result)) return { ...result, exitCode: null, spawnError: 'ENOENT', stderr: '' };
    return result;
  }

  /** The way the next command goes: the master (started once, by whichever command needs it first). */
  private async link(): Promise<Link | ExecResult> {
    if (this.mode === 'pool') return this.poolLink();
    if (this.master) return { kind: 'master', ...this.master };
    this.starting ??= this.startMaster()
      .catch((error: unknown) => this.fallBack(`the master could not be set up: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.starting = null;
      });
    return this.starting;
  }

  /** A command found the master dead: the next one starts a new master (once, whoever notices first). */
  private masterGone(generation: number): void {
    if (this.master?.generation !== generation) return;
    this.retired.add(this.master.path);
    this.master = null;
  }

  private fallBack(reason: string): Promise<Link | ExecResult> {
    this.mode = 'pool';
    this.poolReason = reason;
    return this.poolLink();
  }

  private async poolLink(): Promise<Link | ExecResult> {
    const proxy = await this.route();
    return Array.isArray(proxy) ? { kind: 'pool', proxy } : proxy;
  }

  /**
   * A guest's ProxyCommand option: a stdio forward through `via`, on its master when it has one (checked
   * alive first, as nothing else may have used `via` since its master died); [] for a host reached directly.
   * A failure of `via` itself (the X220 unreachable, its key unknown) is the answer for the guest too.
   */
  private async route(): Promise<string[] | ExecResult> {
    const folder = await this.knownHostsDir();
    if (folder !== null) return folder;
    const via = this.via;
    if (via === null) return [];
    let link = await via.link();
    if ('kind' in link && link.kind === 'master' && !(await via.masterAnswers(link.path))) {
      via.masterGone(link.generation);
      link = await via.link();
    }
    if (!('kind' in link)) return link;
    return proxyCommandOption(via.forwardArgv(link, this.target));
  }

  /**
   * accept-new cannot write a key into a folder that does not exist, and ssh goes on without it: every login
   * would then be a first one and no key would ever be held to. So a folder that cannot be made stops the run.
   */
  private async knownHostsDir(): Promise<ExecResult | null> {
    if (!this.options.learnHostKeys || this.knownHostsDirReady) return null;
    const started = performance.now();
    try {
      await mkdir(dirname(this.options.knownHostsFile), { recursive: true, mode: 0o700 });
    } catch (error) {
      const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'EFAIL';
      return notRunResult(started, { spawnError: code, stderr: `cannot make the folder of ${this.options.knownHostsFile}` });
    }
    this.knownHostsDirReady = true;
    return null;
  }

  /** `ssh -O check`: the master behind `path` still answers. */
  private async masterAnswers(path: string): Promise<boolean> {
    const argv = [this.ssh, '-o', 'BatchMode=yes', '-o', 'LogLevel=QUIET', '-o', `ControlPath=${path}`, '-O', 'check', '--', destinationOf(this.target)];
    return (await this.local.exec({ argv, timeoutMs: 5000 })).exitCode === 0;
  }

  /**
   * Starts the master. A host key or login problem is the answer for the commands waiting on it (nothing
   * else would work either); a master that cannot be made at all leaves separate connections.
   */
  private async startMaster(): Promise<Link | ExecResult> {
    const dir = await privateSocketDir(this.options.socketDirs ?? socketDirCandidates());
    if (dir === null) return this.fallBack('no private folder where a socket path fits');
    // A socket of its own for each master: an old master that exits late unlinks its own path, not this one.
    const path = join(dir, socketName(this.target, this.options.knownHostsFile));
    const timeoutMs = ((this.options.connectTimeoutSeconds ?? 10) + 20) * 1000;
    const delays = this.options.retryDelaysMs ?? RETRY_DELAYS_MS;
    for (let attempt = 0; ; attempt++) {
      // Each attempt anew: the master of the host a guest rides on may have been replaced since the last.
      const proxy = await this.route();
      if (!Array.isArray(proxy)) return proxy;
      this.stats.masterStarts++;
      const result = await this.local.exec({ argv: this.masterArgv(path, proxy), timeoutMs });
      if (result.spawnError === 'ENOENT') {
        return { ...result, spawnError: null, transport: { kind: 'ssh-missing', detail: 'the ssh client was not found on this computer' } };
      }
      if (result.exitCode === 0) {
        this.generation++;
        this.master = { path, generation: this.generation };
        endMastersOnExit(this, () => this.masterPaths().map((p) => this.exitArgv(p)));
        return { kind: 'master', ...this.master };
      }
      if (result.timedOut) return { ...result, timedOut: false, transport: { kind: 'unreachable', detail: 'no answer while connecting' } };
      const failure = classifySshFailure(result.exitCode, result.stderr) ?? { kind: 'connection-lost' as const, detail: `exit ${result.exitCode ?? 'none'}` };
      const why = `the master did not start: ${failure.detail || result.stderr.trim().slice(0, 200)}`;
      // A key or login problem, or a name that does not resolve: trying again would only repeat it.
      if (failure.kind !== 'unreachable' && failure.kind !== 'connection-lost') return { ...result, transport: failure };
      if (MASTER_UNSUPPORTED.test(result.stderr)) return this.fallBack(why);
      // Nothing runs in a master, so any other failure is safe to try again: sshd busy, a network hiccup.
      const retryable = failure.kind === 'connection-lost' || attemptEnd(result.exitCode, result.stderr, false).kind === 'not-started';
      const wait = delays[attempt];
      if (retryable && wait !== undefined) {
        await sleep(Math.round(wait * (0.75 + Math.random() / 2)));
        continue;
      }
      if (failure.kind === 'unreachable' || NETWORK_TROUBLE.test(result.stderr)) return { ...result, transport: failure };
      // Still failing for a reason that is not the network's: do without a master.
      return this.fallBack(why);
    }
  }

  /** The sockets of the master in use and of those given up on: what ends with this host. */
  private masterPaths(): string[] {
    return [...(this.master ? [this.master.path] : []), ...this.retired];
  }

  /** Ends the master, if one is up (on exit, and when the app switches to another host), and its guests' first. */
  async close(): Promise<void> {
    // A guest's master rides on this one: ended first, it goes cleanly instead of losing its connection.
    for (const guest of this.guests.values()) await guest.close();
    await this.starting;
    const paths = this.masterPaths();
    this.master = null;
    this.retired.clear();
    openMasters.delete(this);
    for (const path of paths) {
      const [program = 'ssh', ...args] = this.exitArgv(path);
      await this.local.exec({ argv: [program, ...args], timeoutMs: 5000 });
      // A master killed outright leaves its socket behind.
      await rm(path, { force: true });
    }
  }
}
