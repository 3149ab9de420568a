import { performance } from 'node:perf_hooks';
import type { SshTarget } from '../../contract/ssh-spec';
import { sshSpecOf } from '../../contract/ssh-spec';
import { LocalHost } from '../local-host';
import { notRunResult, type ExecRequest, type ExecResult, type Host } from '../types';
import { classifySshFailure } from './classify';
import { quoteArgv } from './quote';

export interface SshHostOptions {
  /** The known_hosts file the wizard owns (in its data folder); keys the user accepted go here. */
  knownHostsFile: string;
  /** The user's own known_hosts files, read but never written. */
  userKnownHostsFiles?: readonly string[];
  connectTimeoutSeconds?: number;
  /** Only this key instead of the user's keys and agent (tests). */
  identityFile?: string;
  sshBinary?: string;
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
 */
export function sshOptions(target: SshTarget, options: SshHostOptions): string[] {
  const knownHosts = [options.knownHostsFile, ...(options.userKnownHostsFiles ?? DEFAULT_USER_KNOWN_HOSTS)].map(optionPath).join(' ');
  return [
    '-T',
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${options.connectTimeoutSeconds ?? 10}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`,
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

/**
 * A machine reached through the system's ssh client. The argv is quoted for the remote shell by one
 * function; the local ssh process runs like any local command (own process group, timeout, cancel).
 * Cancelling ends the connection; the remote command then loses its output channel.
 */
export class SshHost implements Host {
  readonly spec: string;
  readonly simulated = false;
  private readonly local = new LocalHost(SSH_ENV);

  constructor(
    readonly target: SshTarget,
    readonly options: SshHostOptions,
  ) {
    this.spec = sshSpecOf(target);
  }

  /** The full local argv that runs `argv` on the remote host. */
  sshArgv(argv: readonly string[]): string[] {
    return [this.options.sshBinary ?? 'ssh', ...sshOptions(this.target, this.options), '--', destinationOf(this.target), remoteCommand(argv)];
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    const started = performance.now();
    const [program] = request.argv;
    // env(1) would take a leading `-` as its option and `NAME=value` as a variable; the catalogue has neither.
    if (program === undefined || program === '' || program.startsWith('-') || program.includes('=') || request.argv.some((a) => a.includes('\0'))) {
      return notRunResult(started, { spawnError: 'EINVAL' });
    }
    const result = await this.local.exec({ ...request, argv: this.sshArgv(request.argv) });
    if (result.spawnError === 'ENOENT') {
      return { ...result, spawnError: null, transport: { kind: 'ssh-missing', detail: 'the ssh client was not found on this computer' } };
    }
    if (result.spawnError !== null || result.timedOut || result.cancelled) return result;
    const transport = classifySshFailure(result.exitCode, result.stderr);
    if (transport) return { ...result, transport };
    if (notFoundOnRemote(result)) return { ...result, exitCode: null, spawnError: 'ENOENT' };
    return result;
  }
}
