import { parseFailure, parsed, type ParseResult } from '../../commands/parse-result';
import {
  ConfigEditError,
  assertComment,
  checkConfigText,
  controlCharacter,
  deepFreeze,
  escapeRegExp,
  joinLines,
  preferredEol,
  shown,
  splitRawLines,
  type Eol,
  type RawLine,
} from './common';

/**
 * FreeBSD `name="value"` files: /boot/loader.conf, /boot/loader.conf.local and /etc/rc.conf.
 *
 * One grammar serves the three files, so it only recognises what both readers agree on:
 *
 * - loader.conf(5) is read by the Lua loader (stand/lua/config.lua): one setting per line,
 *   `name = "value"` with optional blanks around `=`, or an unquoted value made only of letters and digits
 *   (`-?%d+` for numbers), then optionally `# comment`; no single quotes and no `"` inside a value.
 * - rc.conf(5) is sourced by sh(1): `name="value"`, `name='value'` or `name=word`, and sysrc(8) edits the
 *   last assignment of a name (the one that wins) and deletes every one of them.
 *
 * A line is an `assignment` only when it is unambiguous: indentation, a name (`[A-Za-z_][A-Za-z0-9_.-]*`,
 * dots for loader tunables, `-` for loader module names), `=`, a double-quoted, single-quoted or plain
 * value, then nothing but blanks and an optional `# comment` separated from the value by a blank. Everything else that is not blank or a
 * `#` comment is an `other` line, kept byte for byte and never edited. Lines inside a multi-line quoted
 * string or after a trailing backslash are `other` lines too.
 *
 * Edits are refused (ConfigEditError 'ambiguous') when an `other` line looks like it may assign the same
 * name, because the editor cannot tell whether its edit would still be the one that wins.
 *
 * Which names an edit accepts depends on the dialect given to the parser:
 * - 'generic' (default): `[A-Za-z_][A-Za-z0-9_.]*`;
 * - 'loader': also `-` after the first character, as module names in `<module>_load` lines need
 *   (`nvidia-modeset_load="YES"`; config.lua reads module names as `[%w-_]+`);
 * - 'rc': only shell variable names `[A-Za-z_][A-Za-z0-9_]*` (anything else is a command to sh).
 */

export type ShellVarsDialect = 'generic' | 'loader' | 'rc';

export interface ParseShellVarsOptions {
  dialect?: ShellVarsDialect;
}

export type QuoteStyle = '"' | "'" | '';

export type ShellVarsLine =
  | { readonly kind: 'blank'; readonly text: string; readonly eol: Eol }
  | { readonly kind: 'comment'; readonly text: string; readonly eol: Eol }
  | {
      readonly kind: 'assignment';
      readonly text: string;
      readonly eol: Eol;
      readonly key: string;
      /** Raw text between the quotes (no unescaping, no `$` expansion). */
      readonly value: string;
      readonly quote: QuoteStyle;
      /** Indentation, name, `=` and the blanks around it. */
      readonly lead: string;
      /** Blanks and the `# comment` after the value. */
      readonly trail: string;
    }
  | {
      readonly kind: 'other';
      readonly text: string;
      readonly eol: Eol;
      /** True when the line continues a statement begun on an earlier line (open quote or trailing `\`). */
      readonly continuation: boolean;
    };

export interface ShellVarsDocument {
  readonly dialect: ShellVarsDialect;
  readonly lines: readonly ShellVarsLine[];
  /** The text ends inside an open quote or after a trailing backslash: nothing may be appended. */
  readonly unterminated: boolean;
}

export interface SetValueOptions {
  /** Written as a `# comment` line above the assignment when the name is new (ignored when it exists). */
  comment?: string;
}

const KEYS: Readonly<Record<ShellVarsDialect, RegExp>> = {
  generic: /^[A-Za-z_][A-Za-z0-9_.]*$/,
  loader: /^[A-Za-z_][A-Za-z0-9_.-]*$/,
  rc: /^[A-Za-z_][A-Za-z0-9_]*$/,
};
const ASSIGNMENT =
  /^([ \t]*)([A-Za-z_][A-Za-z0-9_.-]*)([ \t]*=[ \t]*)(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_.,:/+@%=~-]*))((?:[ \t]+(?:#.*)?)?)$/;
/** An unquoted value both the Lua loader (`[%w]+` or `-?%d+`) and sh read as the same word. */
const BARE_VALUE = /^(?:[A-Za-z0-9]+|-[0-9]+)$/;
/** A list word addToList/removeFromList accept: safe unquoted in sh and inside either kind of quotes. */
const LIST_WORD = /^[A-Za-z0-9_.,:/+@%=~-]+$/;

// ---------------------------------------------------------------------------------------------- parsing

type ScanState = { quote: '"' | "'" | null };

/**
 * Follows sh(1) quoting across one line of a statement the editor does not understand, to learn whether
 * the statement goes on past the end of the line. Returns the quote still open, and whether it continues.
 */
function scanShellLine(text: string, start: ScanState): { state: ScanState; continues: boolean } {
  let quote = start.quote;
  let wordStart = quote === null;
  let trailingBackslash = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    trailingBackslash = false;
    if (quote === "'") {
      if (ch === "'") quote = null;
      continue;
    }
    if (quote === '"') {
      if (ch === '\\') {
        if (i === text.length - 1) trailingBackslash = true;
        i++;
      } else if (ch === '"') {
        quote = null;
      }
      continue;
    }
    if (ch === '\\') {
      if (i === text.length - 1) trailingBackslash = true;
      i++;
      wordStart = false;
      continue;
    }
    if (ch === '#' && wordStart) break;
    if (ch === '"' || ch === "'") quote = ch;
    wordStart = ch === ' ' || ch === '\t' || ch === ';' || ch === '&' || ch === '|' || ch === '(' || ch === ')';
  }
  return { state: { quote }, continues: quote !== null || trailingBackslash };
}

function classify(raw: RawLine): ShellVarsLine {
  const { text, eol } = raw;
  if (/^[ \t]*$/.test(text)) return { kind: 'blank', text, eol };
  if (/^[ \t]*#/.test(text)) return { kind: 'comment', text, eol };
  const match = ASSIGNMENT.exec(text);
  if (match) {
    const [, indent = '', key = '', eq = '', dq, sq, bare, trail = ''] = match;
    const quote: QuoteStyle = dq !== undefined ? '"' : sq !== undefined ? "'" : '';
    const value = dq ?? sq ?? bare ?? '';
    return { kind: 'assignment', text, eol, key, value, quote, lead: indent + key + eq, trail };
  }
  return { kind: 'other', text, eol, continuation: false };
}

function parseText(text: string, dialect: ShellVarsDialect): ShellVarsDocument {
  const lines: ShellVarsLine[] = [];
  let pending: ScanState | null = null;
  for (const raw of splitRawLines(text)) {
    // sh keeps the CR of a CRLF ending as part of the line: `\` before it escapes the CR, not the newline.
    const shellText = raw.eol === '\r\n' ? `${raw.text}\r` : raw.text;
    if (pending !== null) {
      const scan = scanShellLine(shellText, pending);
      lines.push({ kind: 'other', text: raw.text, eol: raw.eol, continuation: true });
      pending = scan.continues ? scan.state : null;
      continue;
    }
    const line = classify(raw);
    lines.push(line);
    if (line.kind === 'other') {
      const scan = scanShellLine(shellText, { quote: null });
      if (scan.continues) pending = scan.state;
    }
  }
  return deepFreeze({ dialect, lines, unterminated: pending !== null });
}

/** Parses any text; only non-text (binary, NUL) input is refused. */
export function parseShellVars(text: string, options: ParseShellVarsOptions = {}): ParseResult<ShellVarsDocument> {
  const rejected = checkConfigText(text, 'shell variables file');
  if (rejected) return rejected;
  const dialect = options.dialect ?? 'generic';
  if (!Object.hasOwn(KEYS, dialect)) return parseFailure('malformed', `unknown dialect ${shown(String(dialect))}`);
  return parsed(parseText(text, dialect));
}

/** Gives back the text; for an unedited document, exactly the text it was parsed from. */
export function renderShellVars(doc: ShellVarsDocument): string {
  return doc.lines.map((line) => line.text + line.eol).join('');
}

export { parseShellVars as parse, renderShellVars as render };

// ----------------------------------------------------------------------------------------- validation

function assertKey(doc: ShellVarsDocument, key: string): void {
  const pattern = KEYS[doc.dialect];
  if (typeof key !== 'string' || !pattern.test(key)) {
    throw new ConfigEditError('invalid-key', `not a ${doc.dialect} variable name (expected ${pattern.source}): ${shown(String(key))}`);
  }
}

function assertValueText(value: string): void {
  if (typeof value !== 'string') throw new ConfigEditError('invalid-value', 'value must be a string');
  const bad = controlCharacter(value);
  if (bad) throw new ConfigEditError('invalid-value', `value contains ${bad}: ${shown(value)}`);
}

function assertListWord(word: string): void {
  if (typeof word !== 'string' || !LIST_WORD.test(word)) {
    throw new ConfigEditError('invalid-value', `not a list word (letters, digits and _.,:/+@%=~- only): ${shown(String(word))}`);
  }
}

/**
 * Whether `value` reads back literally with this quoting. sh expands `$`, `` ` `` and `\\` inside double
 * quotes; the Lua loader reads no single quotes, no `"` inside a value and only ASCII (its patterns are
 * `[%w%s%p]`), and expands `$name` too.
 */
function representable(dialect: ShellVarsDialect, quote: QuoteStyle, value: string): boolean {
  if (dialect !== 'rc' && /[^\t\x20-\x7e]/.test(value)) return false;
  if (quote === '"') return !/["\\$`]/.test(value);
  if (quote === "'") return dialect !== 'loader' && !value.includes("'");
  return BARE_VALUE.test(value);
}

/** Keeps the line's quoting when the value fits it, else double quotes (as sysrc does), else refuses. */
function quoteFor(dialect: ShellVarsDialect, current: QuoteStyle, value: string): QuoteStyle {
  if (representable(dialect, current, value)) return current;
  if (representable(dialect, '"', value)) return '"';
  const rule = dialect === 'rc' ? '' : ' and only printable ASCII';
  throw new ConfigEditError(
    'invalid-value',
    `value cannot be written literally (a double-quoted value cannot hold ", \\, $ or \`${rule}): ${shown(value)}`,
  );
}

/** Quoting for a list value built from the existing raw text: only changed where the old one cannot hold it. */
function listQuote(dialect: ShellVarsDialect, current: QuoteStyle, value: string): QuoteStyle {
  if (current === '') return BARE_VALUE.test(value) ? '' : '"';
  if (current === "'" && dialect === 'loader' && representable(dialect, '"', value)) return '"';
  return current;
}

// ------------------------------------------------------------------------------------------- queries

type AssignmentLine = Extract<ShellVarsLine, { kind: 'assignment' }>;

function isAssignmentOf(line: ShellVarsLine | undefined, key: string): line is AssignmentLine {
  return line !== undefined && line.kind === 'assignment' && line.key === key;
}

function lastAssignment(doc: ShellVarsDocument, key: string): number {
  for (let i = doc.lines.length - 1; i >= 0; i--) if (isAssignmentOf(doc.lines[i], key)) return i;
  return -1;
}

/** Refuses to edit a name that a line the editor cannot read might also assign. */
function assertNoHiddenAssignment(doc: ShellVarsDocument, key: string): void {
  const pattern = new RegExp(`(?:^|[\\s;&|('"\`])${escapeRegExp(key)}[ \\t]*\\+?=`);
  doc.lines.forEach((line, index) => {
    if (line.kind === 'other' && pattern.test(line.text)) {
      throw new ConfigEditError(
        'ambiguous',
        `line ${index + 1} may also set ${key} but is not a plain assignment the editor understands: ${shown(line.text)}`,
      );
    }
  });
}

/** The value that wins (the last assignment), without its quotes; null when the name is not set. */
export function getValue(doc: ShellVarsDocument, key: string): string | null {
  assertKey(doc, key);
  const line = doc.lines[lastAssignment(doc, key)];
  return line !== undefined && line.kind === 'assignment' ? line.value : null;
}

/** Every name assigned in the file, in order of first appearance. */
export function listKeys(doc: ShellVarsDocument): string[] {
  const keys = new Set<string>();
  for (const line of doc.lines) if (line.kind === 'assignment') keys.add(line.key);
  return [...keys];
}

// --------------------------------------------------------------------------------------------- edits

function rebuild(doc: ShellVarsDocument, lines: readonly RawLine[]): ShellVarsDocument {
  return parseText(joinLines(lines, preferredEol(doc.lines)), doc.dialect);
}

function withValue(line: AssignmentLine, value: string, quote: QuoteStyle): RawLine {
  return { text: line.lead + quote + value + quote + line.trail, eol: line.eol };
}

function verify(doc: ShellVarsDocument, key: string, expected: string | null): ShellVarsDocument {
  const actual = getValue(doc, key);
  if (actual !== expected) {
    throw new ConfigEditError('internal', `edit of ${key} reads back as ${shown(String(actual))}, not ${shown(String(expected))}`);
  }
  return doc;
}

function replaceValue(doc: ShellVarsDocument, index: number, value: string, quote: QuoteStyle): ShellVarsDocument {
  const line = doc.lines[index];
  if (line === undefined || line.kind !== 'assignment') throw new ConfigEditError('internal', 'not an assignment line');
  const lines: RawLine[] = doc.lines.slice();
  lines[index] = withValue(line, value, quote);
  return verify(rebuild(doc, lines), line.key, value);
}

function append(doc: ShellVarsDocument, key: string, value: string, comment: string | undefined): ShellVarsDocument {
  if (doc.unterminated) {
    throw new ConfigEditError('unsafe-document', 'the file ends inside an unfinished quoted string or continued line; nothing can be appended safely');
  }
  const eol = preferredEol(doc.lines);
  const lines: RawLine[] = doc.lines.slice();
  if (comment !== undefined && comment.trim() !== '') lines.push({ text: `# ${comment}`, eol });
  lines.push({ text: `${key}="${value}"`, eol });
  return verify(rebuild(doc, lines), key, value);
}

/**
 * Sets `key` to `value`. When the name is assigned, only the last assignment (the one that wins) is changed:
 * its quoting and trailing comment stay, except that an unquoted value that no longer fits becomes
 * double-quoted. Otherwise `key="value"` is appended at the end, under `# <comment>` when one is given.
 * Returns `doc` itself when nothing changes.
 */
export function setValue(doc: ShellVarsDocument, key: string, value: string, options: SetValueOptions = {}): ShellVarsDocument {
  assertKey(doc, key);
  assertValueText(value);
  if (options.comment !== undefined) assertComment(options.comment);
  assertNoHiddenAssignment(doc, key);
  const index = lastAssignment(doc, key);
  const line = doc.lines[index];
  if (line !== undefined && line.kind === 'assignment') {
    if (line.value === value) return doc;
    return replaceValue(doc, index, value, quoteFor(doc.dialect, line.quote, value));
  }
  quoteFor(doc.dialect, '"', value);
  return append(doc, key, value, options.comment);
}

/** Removes every assignment of `key` (commented-out ones stay). Returns `doc` itself when there is none. */
export function removeKey(doc: ShellVarsDocument, key: string): ShellVarsDocument {
  assertKey(doc, key);
  assertNoHiddenAssignment(doc, key);
  if (lastAssignment(doc, key) === -1) return doc;
  const kept: RawLine[] = doc.lines.filter((line) => !isAssignmentOf(line, key));
  return verify(rebuild(doc, kept), key, null);
}

const splitWords = (value: string): string[] => value.split(/[ \t]+/).filter((word) => word !== '');

/**
 * Adds `word` to the end of the space-separated list in `key` (kld_list and the like) unless it is already
 * there. A missing name is created as `key="word"`.
 */
export function addToList(doc: ShellVarsDocument, key: string, word: string, options: SetValueOptions = {}): ShellVarsDocument {
  assertKey(doc, key);
  assertListWord(word);
  assertNoHiddenAssignment(doc, key);
  const index = lastAssignment(doc, key);
  const line = doc.lines[index];
  if (line === undefined || line.kind !== 'assignment') return setValue(doc, key, word, options);
  if (splitWords(line.value).includes(word)) return doc;
  const [, body = '', tail = ''] = /^([\s\S]*?)([ \t]*)$/.exec(line.value) ?? [];
  const value = body === '' ? word + tail : `${body} ${word}${tail}`;
  return replaceValue(doc, index, value, listQuote(doc.dialect, line.quote, value));
}

/** Removes every occurrence of `word` from the list in `key`, keeping the other words and their order. */
export function removeFromList(doc: ShellVarsDocument, key: string, word: string): ShellVarsDocument {
  assertKey(doc, key);
  assertListWord(word);
  assertNoHiddenAssignment(doc, key);
  const index = lastAssignment(doc, key);
  const line = doc.lines[index];
  if (line === undefined || line.kind !== 'assignment' || !splitWords(line.value).includes(word)) return doc;
  // Even indexes hold words (possibly empty at the ends), odd indexes the blanks between them.
  const parts = line.value.split(/([ \t]+)/);
  for (let i = 0; i < parts.length; i += 2) {
    if (parts[i] !== word) continue;
    if (i > 0) {
      parts.splice(i - 1, 2);
      i -= 2;
    } else if (parts.length > 1 && parts[1] !== undefined) {
      parts.splice(0, 2);
      i -= 2;
    } else {
      parts.splice(0, 1, '');
    }
  }
  let value = parts.join('');
  if (splitWords(value).length === 0) value = '';
  return replaceValue(doc, index, value, listQuote(doc.dialect, line.quote, value));
}
