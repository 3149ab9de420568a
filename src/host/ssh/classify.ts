import type { TransportFailure, TransportKind } from '../types';

/** ssh's own messages that tell why it gave up, most specific first (its log level is ERROR, so few remain). */
const PATTERNS: readonly [TransportKind, RegExp][] = [
  ['host-key-changed', /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/],
  ['host-key-unknown', /No \S+ host key is known for|Host key verification failed/],
  ['auth-failed', /Permission denied \(|Too many authentication failures/],
  ['unreachable', /Could not resolve hostname|connect to host .*:|Connection timed out during banner exchange|kex_exchange_identification/],
];

/**
 * ssh exits 255 when ssh itself failed, and with the remote command's status otherwise. The last lines of
 * stderr are ssh's; the remote command's own stderr comes before them.
 */
export function classifySshFailure(exitCode: number | null, stderr: string): TransportFailure | null {
  if (exitCode !== 255) return null;
  const tail = stderr.split('\n').slice(-12).join('\n');
  const detail = tail.replaceAll('\r', '').split('\n').filter((line) => line.trim() !== '').slice(-3).join(' ').slice(0, 500);
  for (const [kind, pattern] of PATTERNS) if (pattern.test(tail)) return { kind, detail };
  // "Connection to … closed by remote host", "Broken pipe", "Timeout, server … not responding", or nothing.
  return { kind: 'connection-lost', detail };
}

/** How one ssh run ended, for the retry decision. */
export type AttemptEnd =
  /** ssh did its job; the result is the remote command's (or a failure that retrying cannot mend). */
  | { kind: 'done' }
  /** ssh failed before the remote command could start: safe to run again. `masterGone`: the master is dead. */
  | { kind: 'not-started'; masterGone: boolean }
  /** ssh failed after the session may have started: the command may have run, so it is never run again. */
  | { kind: 'lost' };

/** The MaxSessions limit of the master's connection was reached: the master is fine, the session was refused. */
const SESSION_REFUSED = /mux_client_request_session: session request failed/;
/**
 * The mux client found no master: the socket is gone (`kex_exchange_identification` then comes from the
 * ProxyCommand `false` a mux client falls back to, see ssh-host.ts) or nobody listens on it any more.
 */
const NO_MASTER = /Control socket connect\(|kex_exchange_identification:|ssh_exchange_identification:/;
/**
 * Before authentication: sshd dropped the connection at the banner (over MaxStartups, or still starting), or
 * nothing listened yet. No session exists, so nothing ran.
 */
const BEFORE_SESSION = /kex_exchange_identification:|ssh_exchange_identification:|connect to host \S+ port \d+: Connection refused/;

/**
 * Reads an ssh run through a master (`viaMaster`) or on its own connection. Only ssh's own last lines count:
 * exit 255 and one of the messages above.
 */
export function attemptEnd(exitCode: number | null, stderr: string, viaMaster: boolean): AttemptEnd {
  if (exitCode !== 255) return { kind: 'done' };
  const tail = stderr.replaceAll('\r', '').split('\n').slice(-6).join('\n');
  if (viaMaster) {
    if (SESSION_REFUSED.test(tail)) return { kind: 'not-started', masterGone: false };
    if (NO_MASTER.test(tail)) return { kind: 'not-started', masterGone: true };
  } else if (BEFORE_SESSION.test(tail)) {
    return { kind: 'not-started', masterGone: false };
  }
  const failure = classifySshFailure(exitCode, stderr);
  // A key or login problem happened before any session too, but retrying would only repeat it.
  return failure?.kind === 'connection-lost' ? { kind: 'lost' } : { kind: 'done' };
}
