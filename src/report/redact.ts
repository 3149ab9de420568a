/**
 * Takes private details out of a support report before anyone sees it: serial numbers, MAC addresses,
 * UUIDs (GPU-UUIDs included), host names and user names. Each distinct value gets one placeholder
 * (`[serial-1]`, `[mac-2]`, `[uuid-1]`, `[host-1]`, `[user-1]`) for the life of the Redactor, so a
 * reader can still see that two lines name the same machine. Placeholders are never redacted again, so
 * redacting twice changes nothing.
 */

export type SecretKind = 'serial' | 'mac' | 'uuid' | 'host' | 'user';

export interface RedactionHints {
  /** Names known to be this machine's (from the host), redacted wherever they appear as a word. */
  hostnames?: readonly string[];
  users?: readonly string[];
}

const PLACEHOLDER = /^"?\[(?:serial|mac|uuid|host|user)-\d+\]"?$/;

const UUID = /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g;
const MAC = /(?<![0-9A-Fa-f:-])(?:[0-9A-Fa-f]{2}([:-]))(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![0-9A-Fa-f:-])/g;
/** `serial=…`, `smbios.system.serial="…"`, `Serial Number: …`, `sernum=…` (the value may be quoted). */
const SERIAL_ASSIGNED = /\b((?:serial(?:[ _.-]?(?:number|num|no\.?))?|sernum)\s*[:=]\s*)("[^"\n]*"|[^\s,;)]+)/gi;
/** `ada0: Serial Number S3Z9NB0K123456X` (no separator after the words). */
const SERIAL_WORDS = /\b(serial number\s+)("[^"\n]*"|[^\s,;)]+)/gi;
/** pciconf -c: `ecap 0003[100] = Serial 1 0123456789abcdef` (the PCI-Express device serial number). */
const SERIAL_ECAP = /(= Serial \d+ )([0-9a-fA-F]{8,16})\b/g;

const HOSTNAME_SOURCES = [
  /\bhostname\s*=\s*"?([A-Za-z0-9][A-Za-z0-9.-]*)"?/g,
  /^kern\.hostname\s*[:=]\s*"?([A-Za-z0-9][A-Za-z0-9.-]*)"?/gm,
];
const USER_SOURCES = [/\/(?:usr\/)?home\/([a-z_][a-z0-9_-]*)/g];

/** Names that are everybody's; redacting them would only garble the report ("root port", "localhost"). */
const COMMON = new Set(['serial', 'mac', 'uuid', 'host', 'root', 'toor', 'daemon', 'operator', 'bin', 'nobody', 'www', 'wheel', 'user', 'localhost', 'freebsd', 'none', 'unknown']);

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Redactor {
  private readonly placeholders = new Map<string, string>();
  private readonly counts: Record<SecretKind, number> = { serial: 0, mac: 0, uuid: 0, host: 0, user: 0 };
  private readonly names = new Map<string, 'host' | 'user'>();

  constructor(hints: RedactionHints = {}) {
    for (const name of hints.hostnames ?? []) this.learn(name, 'host');
    for (const name of hints.users ?? []) this.learn(name, 'user');
  }

  /** The placeholder for a value; the same value always gets the same one. */
  private placeholder(kind: SecretKind, value: string): string {
    const key = `${kind}\u0000${kind === 'mac' || kind === 'uuid' ? value.toLowerCase().replace(/-/g, ':') : value}`;
    let placeholder = this.placeholders.get(key);
    if (placeholder === undefined) {
      this.counts[kind] += 1;
      placeholder = `[${kind}-${this.counts[kind]}]`;
      this.placeholders.set(key, placeholder);
    }
    return placeholder;
  }

  private learn(name: string, kind: 'host' | 'user'): void {
    const clean = name.trim();
    if (clean.length < 2 || COMMON.has(clean.toLowerCase()) || PLACEHOLDER.test(clean)) return;
    if (!this.names.has(clean)) this.names.set(clean, kind);
    // A fully qualified host name also gives away its first label.
    if (kind === 'host' && clean.includes('.')) this.learn(clean.split('.')[0] ?? '', 'host');
  }

  private value(kind: SecretKind, raw: string): string {
    if (PLACEHOLDER.test(raw)) return raw;
    const quoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"');
    const inner = quoted ? raw.slice(1, -1) : raw;
    if (inner === '') return raw;
    return quoted ? `"${this.placeholder(kind, inner)}"` : this.placeholder(kind, inner);
  }

  redact(text: string): string {
    for (const pattern of HOSTNAME_SOURCES) for (const m of text.matchAll(pattern)) this.learn(m[1] ?? '', 'host');
    for (const pattern of USER_SOURCES) for (const m of text.matchAll(pattern)) this.learn(m[1] ?? '', 'user');
    let out = text
      .replace(UUID, (uuid) => this.placeholder('uuid', uuid))
      .replace(MAC, (mac) => this.placeholder('mac', mac))
      .replace(SERIAL_ECAP, (_whole, head: string, serial: string) => `${head}${this.value('serial', serial)}`)
      .replace(SERIAL_ASSIGNED, (_whole, head: string, serial: string) => `${head}${this.value('serial', serial)}`)
      .replace(SERIAL_WORDS, (_whole, head: string, serial: string) => `${head}${this.value('serial', serial)}`);
    // Longest first, so "x220.example.org" goes before its "x220".
    const names = [...this.names].sort((a, b) => b[0].length - a[0].length);
    for (const [name, kind] of names) {
      const word = new RegExp(`(?<![A-Za-z0-9_.-])${escapeRegExp(name)}(?![A-Za-z0-9_-])`, 'g');
      out = out.replace(word, () => this.placeholder(kind, name));
    }
    return out;
  }
}

/** One-shot redaction with a fresh Redactor. */
export const redact = (text: string, hints: RedactionHints = {}): string => new Redactor(hints).redact(text);
