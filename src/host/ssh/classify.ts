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
