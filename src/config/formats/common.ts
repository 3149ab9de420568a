import { parseFailure, type ParseResult } from '../../commands/parse-result';
import { firstBinaryLine } from '../../commands/parsers/text';

/**
 * Plumbing shared by the configuration-file editors: byte-exact line splitting, the binary-input gate,
 * the typed edit error and a few validators.
 *
 * Every editor follows the same rules: a parsed document renders back to exactly the text it came from,
 * documents are frozen (edits build new ones), and an edit never writes a line the owning program would
 * read differently from what the caller asked for: it throws a `ConfigEditError` instead.
 */

export type ConfigEditErrorCode =
  /** A variable / parameter name the file format cannot hold. */
  | 'invalid-key'
  /** A value that cannot be written literally (newline, NUL, a quote that cannot be represented, …). */
  | 'invalid-value'
  /** A section / jail / ruleset name the format cannot hold. */
  | 'invalid-name'
  /** A ruleset number outside 1..65535 or not an integer. */
  | 'invalid-number'
  /** A devfs rule line that the rc scripts would not read back as written. */
  | 'invalid-rule'
  /** A comment that cannot be written on one line. */
  | 'invalid-comment'
  /** The ruleset number already belongs to another ruleset. */
  | 'number-in-use'
  /** The name or number belongs to a ruleset of /etc/defaults/devfs.rules. */
  | 'reserved'
  /** The jail (or other target) the edit needs does not exist. */
  | 'not-found'
  /** The file holds the target more than once, or holds a line that may set it that the editor cannot read. */
  | 'ambiguous'
  /** The file is not understood well enough around the edit to change it safely. */
  | 'unsafe-document'
  /** The edit produced text that does not parse back to what was intended (an editor bug, never written). */
  | 'internal';

/** Thrown by every edit function that refuses its arguments or its document. */
export class ConfigEditError extends Error {
  override readonly name = 'ConfigEditError';
  readonly code: ConfigEditErrorCode;

  constructor(code: ConfigEditErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export type Eol = '' | '\n' | '\r\n';

/** One physical line: its text without the line ending, and the ending ('' only for a last line without one). */
export interface RawLine {
  readonly text: string;
  readonly eol: Eol;
}

/** Splits text into lines so that `lines.map(l => l.text + l.eol).join('') === text` for every string. */
export function splitRawLines(text: string): RawLine[] {
  const lines: RawLine[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      lines.push({ text: text.slice(start), eol: '' });
      break;
    }
    const crlf = nl > start && text.charCodeAt(nl - 1) === 13;
    lines.push({ text: text.slice(start, crlf ? nl - 1 : nl), eol: crlf ? '\r\n' : '\n' });
    start = nl + 1;
  }
  return lines;
}

/** The line ending new lines get: the one the file already uses last, else LF. */
export function preferredEol(lines: readonly RawLine[]): '\n' | '\r\n' {
  for (let i = lines.length - 1; i >= 0; i--) {
    const eol = lines[i]?.eol;
    if (eol === '\n' || eol === '\r\n') return eol;
  }
  return '\n';
}

/**
 * Joins lines back into text. A line without an ending that is no longer last gets `eol`, which is the only
 * way an edit ever changes bytes of a line it does not own (the "file lacked a final newline" case).
 */
export function joinLines(lines: readonly RawLine[], eol: '\n' | '\r\n'): string {
  let out = '';
  lines.forEach((line, index) => {
    const last = index === lines.length - 1;
    out += line.text + (line.eol === '' && !last ? eol : line.eol);
  });
  return out;
}

/** Rejects what is not text a configuration file can hold; null means the text may be parsed. */
export function checkConfigText(text: unknown, what: string): ParseResult<never> | null {
  if (typeof text !== 'string') return parseFailure('malformed', `${what}: input is not text`);
  const binary = firstBinaryLine(text.split('\n'));
  if (binary !== null) return parseFailure('malformed', `${what}: input contains binary data`, binary);
  return null;
}

/** Freezes a freshly built document tree so that no caller (or editor bug) can change it in place. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** C0 controls other than tab, and DEL: never allowed inside a value or comment the editors write. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** Describes the first control character of `text` (newline, NUL, …) or returns null. */
export function controlCharacter(text: string): string | null {
  const match = CONTROL.exec(text);
  if (!match) return null;
  const ch = match[0];
  if (ch === '\n') return 'a newline';
  if (ch === '\r') return 'a carriage return';
  if (ch === '\u0000') return 'a NUL byte';
  return `the control character U+${ch.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
}

/** Validates the text of a `# comment` line an editor is asked to add. */
export function assertComment(comment: string): void {
  if (typeof comment !== 'string') throw new ConfigEditError('invalid-comment', 'comment must be a string');
  const bad = controlCharacter(comment);
  if (bad) throw new ConfigEditError('invalid-comment', `comment contains ${bad}`);
}

export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Shows a value in an error message without flooding it. */
export const shown = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

/** Longest common subsequence of two string lists, as matched index pairs in ascending order. */
export function lcsPairs(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const table = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => table[i * cols + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * cols + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      i++;
    } else {
      j++;
    }
  }
  return pairs;
}
