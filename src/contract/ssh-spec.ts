/**
 * `ssh://user@host[:port]`, checked before anything reaches ssh: no word can start with `-` (it would be read
 * as an option) and no character outside names and addresses gets through. Pure, so the renderer validates
 * the same way the backend does.
 */

// Login names as FreeBSD's pw(8) and most systems accept them; a leading `-` is impossible.
const USER = '[A-Za-z_][A-Za-z0-9_.-]{0,31}';
// A DNS name or an IPv4 address (labels of letters, digits and inner hyphens), or an IPv6 address in brackets.
const NAME = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*';
const IPV6 = '\\[[0-9A-Fa-f:.]{2,45}\\]';
const PORT = '[0-9]{1,5}';

/** `user@host[:port]` as the user types it. */
export const SSH_ADDRESS_PATTERN = `(${USER})@(${NAME}|${IPV6})(?::(${PORT}))?`;
/** The host spec form; also part of the HostSpec schema. */
export const SSH_SPEC_PATTERN = `ssh://${SSH_ADDRESS_PATTERN}`;

export interface SshTarget {
  readonly user: string;
  /** As typed; an IPv6 address without its brackets. */
  readonly host: string;
  readonly port: number;
}

/** Why an address was refused; each is a message key `ssh.address.<reason>`. */
export type SshAddressProblem = 'empty' | 'no-user' | 'bad-user' | 'bad-host' | 'bad-port' | 'too-long';

const addressRe = new RegExp(`^${SSH_ADDRESS_PATTERN}$`);

/** Parses `user@host[:port]` (with or without `ssh://`). */
export function parseSshAddress(input: string): { ok: true; target: SshTarget } | { ok: false; problem: SshAddressProblem } {
  const text = input.trim().replace(/^ssh:\/\//, '');
  if (text === '') return { ok: false, problem: 'empty' };
  if (text.length > 190) return { ok: false, problem: 'too-long' };
  const at = text.lastIndexOf('@');
  if (at <= 0) return { ok: false, problem: 'no-user' };
  const match = addressRe.exec(text);
  if (!match) {
    if (!new RegExp(`^${USER}$`).test(text.slice(0, at))) return { ok: false, problem: 'bad-user' };
    const hostAndPort = new RegExp(`^(?:${NAME}|${IPV6}):(.*)$`).exec(text.slice(at + 1));
    return { ok: false, problem: hostAndPort ? 'bad-port' : 'bad-host' };
  }
  const [, user = '', rawHost = '', rawPort] = match;
  const port = rawPort === undefined ? 22 : Number(rawPort);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, problem: 'bad-port' };
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  return { ok: true, target: { user, host, port } };
}

/** The canonical spec: `ssh://user@host` for port 22, `ssh://user@host:port` otherwise. */
export function sshSpecOf(target: SshTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `ssh://${target.user}@${host}${target.port === 22 ? '' : `:${target.port}`}`;
}

export const isSshSpec = (spec: string): boolean => spec.startsWith('ssh://');

/** `user@host[:port]`, as messages name an SSH host. */
export const sshAddressOf = (spec: string): string => spec.replace(/^ssh:\/\//, '');
