import { parsed, type ParseResult } from '../../commands/parse-result';
import { ConfigEditError, assertComment, checkConfigText, controlCharacter, deepFreeze, shown } from './common';

/**
 * /etc/jail.conf (jail.conf(5)), tokenised the way usr.sbin/jail/jaillex.l does it:
 *
 * - blanks are space, tab, CR and LF; comments are `# …` and `// …` to the end of the line and `/* … *\/`;
 * - punctuation is `{ } ; = , +=`;
 * - a string is built from adjacent pieces with nothing between them: plain words
 *   (`[A-Za-z0-9_!%&()\-.:<>?@[\]^`|~]+`), the single characters `$ * + / \`, backslash escapes,
 *   '…' and "…" strings (which may span lines and hold `;`), and `$name` / `${name}` variables (also inside
 *   double quotes);
 * - statements are `name;` (boolean, a `no` before the last name part meaning false), `name = v, …;`,
 *   `name += v, …;`, `name v, …;`, and blocks `name { … }` (a jail; blocks inside a jail are nested jails
 *   in newer releases and are kept as they are).
 *
 * The document keeps the text itself and a statement tree with offsets into it, so rendering is exact by
 * construction and edits are splices of that text, re-parsed and checked afterwards. Anything the parser
 * does not understand (a stray character, an unterminated string or comment, a missing `;` or `}`) is
 * recorded as the document's `problem`: the text still renders unchanged, but every edit refuses to touch
 * a file that jail(8) itself would reject.
 */

export type JailParamOp = '=' | '+=' | 'flag';

export interface JailParam {
  readonly name: string;
  /** `=` (also for the `name value;` form), `+=`, or `flag` for a valueless boolean (`allow.mount;`). */
  readonly op: JailParamOp;
  /** Decoded values; variables are shown as `${name}`. Empty for a flag. */
  readonly values: readonly string[];
}

export interface JailConfParamStatement {
  readonly kind: 'param';
  readonly start: number;
  /** Offset just past the `;`. */
  readonly end: number;
  readonly name: string;
  readonly op: JailParamOp;
  readonly values: readonly string[];
  /** Raw text of each value, as written. */
  readonly rawValues: readonly string[];
  /** Span of the whole value list (equal to `end - 1` twice for a flag). */
  readonly valueStart: number;
  readonly valueEnd: number;
}

export interface JailConfBlock {
  readonly kind: 'block';
  readonly start: number;
  /** Offset just past the `}`. */
  readonly end: number;
  readonly name: string;
  readonly open: number;
  readonly close: number;
  readonly body: readonly JailConfStatement[];
}

export interface JailConfEmptyStatement {
  readonly kind: 'empty';
  readonly start: number;
  readonly end: number;
}

export type JailConfStatement = JailConfParamStatement | JailConfBlock | JailConfEmptyStatement;

export interface JailConfDocument {
  readonly text: string;
  /** Top-level statements; blocks are jails, params outside blocks apply to every jail. */
  readonly statements: readonly JailConfStatement[];
  /** Where the parser stopped understanding the file; when set, every edit is refused. */
  readonly problem: { readonly line: number; readonly message: string } | null;
}

export interface EnsureJailOptions {
  /** Written as a `# comment` line inside the new block. */
  comment?: string;
}

const JAIL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const BARE_VALUE = /^[A-Za-z0-9_.-]+$/;
const DEFAULT_INDENT = '    ';

// ------------------------------------------------------------------------------------------------ lexer

type TokenKind = 'blank' | 'comment' | 'string' | 'punct' | 'error';

interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** For punct: the punctuation (`{`, `+=`, …, or the stray character). For error: the message. */
  text: string;
}

const ATOM = /[A-Za-z0-9_!%&()\-.:<>?@[\]^`|~]+/y;
const ESCAPE = /\\(?:[0-7]{1,3}|x[0-9A-Fa-f]{1,2}|[\s\S])/y;
const SINGLE = /'(?:[^'\\]|\\[\s\S])*'/y;
const DOUBLE = /"(?:[^"\\]|\\[\s\S])*"/y;
const VARIABLE = /\$(?:[A-Za-z_][A-Za-z_0-9]*|\{(?:[^\n{}]|\\[\s\S])*\})/y;
const BLANKS = /[ \t\r\n]+/y;
const BLOCK_COMMENT = /\/\*[\s\S]*?\*\//y;

function stickyMatch(pattern: RegExp, text: string, at: number): number {
  pattern.lastIndex = at;
  return pattern.test(text) ? pattern.lastIndex : -1;
}

/** Length of the string piece at `at`, 0 when none starts there, -1 for an unterminated quote or variable. */
function pieceEnd(text: string, at: number): number {
  const ch = text[at];
  const next = text[at + 1];
  if (ch === undefined) return 0;
  if (ch === "'") return stickyMatch(SINGLE, text, at);
  if (ch === '"') return stickyMatch(DOUBLE, text, at);
  if (ch === '\\') {
    const end = stickyMatch(ESCAPE, text, at);
    return end === -1 ? at + 1 : end;
  }
  if (ch === '$') {
    if (next === '{') return stickyMatch(VARIABLE, text, at);
    const end = stickyMatch(VARIABLE, text, at);
    return end === -1 ? at + 1 : end;
  }
  if (ch === '/') return next === '/' || next === '*' ? 0 : at + 1;
  if (ch === '+') return next === '=' ? 0 : at + 1;
  if (ch === '*') return at + 1;
  const end = stickyMatch(ATOM, text, at);
  return end === -1 ? 0 : end;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const push = (kind: TokenKind, end: number, tokenText: string): void => {
    tokens.push({ kind, start: at, end, text: tokenText });
    at = end;
  };
  while (at < text.length) {
    const ch = text[at] ?? '';
    const next = text[at + 1];
    const blanks = stickyMatch(BLANKS, text, at);
    if (blanks !== -1) {
      push('blank', blanks, '');
      continue;
    }
    if (ch === '#' || (ch === '/' && next === '/')) {
      const nl = text.indexOf('\n', at);
      push('comment', nl === -1 ? text.length : nl, '');
      continue;
    }
    if (ch === '/' && next === '*') {
      const end = stickyMatch(BLOCK_COMMENT, text, at);
      if (end === -1) {
        push('error', text.length, 'unterminated /* comment');
        continue;
      }
      push('comment', end, '');
      continue;
    }
    if (ch === '+' && next === '=') {
      push('punct', at + 2, '+=');
      continue;
    }
    if ('{};=,'.includes(ch)) {
      push('punct', at + 1, ch);
      continue;
    }
    // A string: adjacent pieces glued together.
    let end = at;
    let broken: string | null = null;
    for (;;) {
      const pieceStop = pieceEnd(text, end);
      if (pieceStop === -1) {
        broken = text[end] === '$' ? 'unterminated ${variable}' : 'unterminated quoted string';
        break;
      }
      if (pieceStop === 0) break;
      end = pieceStop;
    }
    if (broken !== null) {
      push('error', text.length, broken);
      continue;
    }
    if (end > at) {
      push('string', end, text.slice(at, end));
      continue;
    }
    push('punct', at + 1, ch);
  }
  return tokens;
}

// ------------------------------------------------------------------------------------------- decoding

function unescape(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? '';
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) {
      out += '\\';
      continue;
    }
    i++;
    const octal = /^[0-7]{1,3}/.exec(body.slice(i, i + 3));
    if (octal) {
      out += String.fromCharCode(Number.parseInt(octal[0], 8));
      i += octal[0].length - 1;
      continue;
    }
    if (next === 'x') {
      const hex = /^[0-9A-Fa-f]{1,2}/.exec(body.slice(i + 1, i + 3));
      out += String.fromCharCode(hex ? Number.parseInt(hex[0], 16) : 0);
      if (hex) i += hex[0].length;
      continue;
    }
    const simple: Record<string, string> = { a: '\u0007', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };
    out += Object.hasOwn(simple, next) ? (simple[next] ?? '') : next;
  }
  return out;
}

/** Decodes the inside of a double-quoted string: escapes, and variables rewritten as `${name}`. */
function decodeDouble(body: string): string {
  let out = '';
  let literal = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\') {
      literal += body.slice(i, i + 2);
      i++;
      continue;
    }
    if (ch === '$') {
      const variable = /^\$(?:([A-Za-z_][A-Za-z_0-9]*)|\{((?:[^\n"{}\\]|\\[\s\S])*)\})/.exec(body.slice(i));
      if (variable) {
        out += unescape(literal) + '${' + (variable[1] ?? variable[2] ?? '') + '}';
        literal = '';
        i += variable[0].length - 1;
        continue;
      }
    }
    literal += ch ?? '';
  }
  return out + unescape(literal);
}

/** Decodes a string token into the value jail(8) sees, with variables left as `${name}`. */
function decodeString(raw: string): string {
  let out = '';
  let at = 0;
  while (at < raw.length) {
    const end = pieceEnd(raw, at);
    if (end <= at) return out + raw.slice(at);
    const piece = raw.slice(at, end);
    if (piece.startsWith("'")) out += unescape(piece.slice(1, -1));
    else if (piece.startsWith('"')) out += decodeDouble(piece.slice(1, -1));
    else if (piece.startsWith('\\')) out += unescape(piece);
    else if (piece.startsWith('${')) out += piece;
    else if (piece.startsWith('$') && piece.length > 1) out += '${' + piece.slice(1) + '}';
    else out += piece;
    at = end;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- parser

class Stop extends Error {
  readonly offset: number;

  constructor(offset: number, message: string) {
    super(message);
    this.offset = offset;
  }
}

class Parser {
  private index = 0;
  private readonly significant: Token[];

  constructor(tokens: readonly Token[]) {
    this.significant = tokens.filter((token) => token.kind !== 'blank' && token.kind !== 'comment');
  }

  private peek(offset = 0): Token | undefined {
    return this.significant[this.index + offset];
  }

  private fail(token: Token | undefined, message: string, fallback: number): never {
    throw new Stop(token?.start ?? fallback, message);
  }

  /** Parses statements until EOF (top level) or a `}` (inside a block, not consumed). */
  statements(inBlock: boolean, eof: number): JailConfStatement[] {
    const out: JailConfStatement[] = [];
    for (;;) {
      const token = this.peek();
      if (token === undefined) {
        if (inBlock) this.fail(undefined, 'block is not closed with }', eof);
        return out;
      }
      if (token.kind === 'error') this.fail(token, token.text, eof);
      if (token.kind === 'punct' && token.text === '}') {
        if (inBlock) return out;
        this.fail(token, 'unexpected }', eof);
      }
      if (token.kind === 'punct' && token.text === ';') {
        this.index++;
        out.push({ kind: 'empty', start: token.start, end: token.end });
        continue;
      }
      if (token.kind !== 'string') this.fail(token, `unexpected ${shown(token.text)}`, eof);
      const after = this.peek(1);
      if (after?.kind === 'punct' && after.text === '{') out.push(this.block(eof));
      else out.push(this.param(eof));
    }
  }

  private block(eof: number): JailConfBlock {
    const nameToken = this.peek();
    const open = this.peek(1);
    if (nameToken === undefined || open === undefined) return this.fail(undefined, 'block expected', eof);
    this.index += 2;
    const body = this.statements(true, eof);
    const close = this.peek();
    if (close === undefined) return this.fail(undefined, 'block is not closed with }', eof);
    this.index++;
    return {
      kind: 'block',
      start: nameToken.start,
      end: close.end,
      name: decodeString(nameToken.text),
      open: open.start,
      close: close.start,
      body,
    };
  }

  private param(eof: number): JailConfParamStatement {
    const nameToken = this.peek();
    if (nameToken === undefined) return this.fail(undefined, 'parameter expected', eof);
    this.index++;
    let op: JailParamOp = 'flag';
    const opToken = this.peek();
    if (opToken?.kind === 'punct' && (opToken.text === '=' || opToken.text === '+=')) {
      op = opToken.text;
      this.index++;
    } else if (opToken?.kind === 'string') {
      op = '=';
    }
    const rawValues: string[] = [];
    let valueStart = -1;
    let valueEnd = -1;
    if (op !== 'flag') {
      for (;;) {
        const value = this.peek();
        if (value?.kind !== 'string') this.fail(value, 'value expected', eof);
        this.index++;
        rawValues.push(value.text);
        if (valueStart === -1) valueStart = value.start;
        valueEnd = value.end;
        const comma = this.peek();
        if (comma?.kind === 'punct' && comma.text === ',') {
          this.index++;
          continue;
        }
        break;
      }
    }
    const semicolon = this.peek();
    if (semicolon?.kind !== 'punct' || semicolon.text !== ';') {
      return this.fail(semicolon, `; expected after parameter ${decodeString(nameToken.text)}`, eof);
    }
    this.index++;
    if (op === 'flag') {
      valueStart = semicolon.start;
      valueEnd = semicolon.start;
    }
    return {
      kind: 'param',
      start: nameToken.start,
      end: semicolon.end,
      name: decodeString(nameToken.text),
      op,
      values: rawValues.map(decodeString),
      rawValues,
      valueStart,
      valueEnd,
    };
  }
}

const lineOf = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

function parseText(text: string): JailConfDocument {
  const parser = new Parser(tokenize(text));
  try {
    return deepFreeze({ text, statements: parser.statements(false, text.length), problem: null });
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return deepFreeze({ text, statements: [], problem: { line: lineOf(text, error.offset), message: error.message } });
  }
}

/** Parses any text; only non-text (binary, NUL) input is refused. Syntax errors become `doc.problem`. */
export function parseJailConf(text: string): ParseResult<JailConfDocument> {
  const rejected = checkConfigText(text, 'jail.conf');
  if (rejected) return rejected;
  return parsed(parseText(text));
}

/** Gives back the text; for an unedited document, exactly the text it was parsed from. */
export function renderJailConf(doc: JailConfDocument): string {
  return doc.text;
}

export { parseJailConf as parse, renderJailConf as render };

// ----------------------------------------------------------------------------------------- validation

function assertJailName(jail: string): void {
  if (typeof jail !== 'string' || !JAIL_NAME.test(jail)) {
    throw new ConfigEditError('invalid-name', `not a jail name (expected [A-Za-z0-9_][A-Za-z0-9_.-]*): ${shown(String(jail))}`);
  }
}

function assertParamName(key: string): void {
  if (typeof key !== 'string' || !PARAM_NAME.test(key)) {
    throw new ConfigEditError('invalid-key', `not a jail parameter name: ${shown(String(key))}`);
  }
}

function assertValue(value: string): void {
  if (typeof value !== 'string') throw new ConfigEditError('invalid-value', 'value must be a string');
  const bad = controlCharacter(value);
  if (bad) throw new ConfigEditError('invalid-value', `value contains ${bad}: ${shown(value)}`);
  if ((value.match(/"/g) ?? []).length % 2 !== 0 || (value.match(/'/g) ?? []).length % 2 !== 0) {
    throw new ConfigEditError('invalid-value', `value has unbalanced quotes: ${shown(value)}`);
  }
  for (let at = value.indexOf('${'); at !== -1; at = value.indexOf('${', at + 2)) {
    if (!/^\$\{[^\n"{}\\]*\}/.test(value.slice(at))) {
      throw new ConfigEditError('invalid-value', `value has an unterminated \${variable}: ${shown(value)}`);
    }
  }
}

function assertEditable(doc: JailConfDocument): void {
  if (doc.problem) {
    throw new ConfigEditError('unsafe-document', `jail.conf is not understood from line ${doc.problem.line} on (${doc.problem.message}); it is left unchanged`);
  }
}

/**
 * Writes a value the way jail.conf reads it back: a plain word when it is one, otherwise quoted. `$name`
 * and `${name}` stay variable references (inside double quotes); `"` and `\` are escaped.
 */
function formatValue(value: string, style: '"' | "'" | ''): string {
  if (style !== '"' && style !== "'" && BARE_VALUE.test(value)) return value;
  if (style === "'" && !value.includes('$')) return `'${value.replace(/[\\']/g, '\\$&')}'`;
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** The decoded form a value takes once written, used to compare with what the file holds. */
const canonical = (value: string): string => decodeString(formatValue(value, '"'));

function styleOf(raw: string | undefined): '"' | "'" | '' {
  if (raw?.startsWith('"')) return '"';
  if (raw?.startsWith("'")) return "'";
  return '';
}

// ------------------------------------------------------------------------------------------- queries

function jailBlocks(doc: JailConfDocument, jail: string): JailConfBlock[] {
  return doc.statements.filter((s): s is JailConfBlock => s.kind === 'block' && s.name === jail);
}

function uniqueBlock(doc: JailConfDocument, jail: string): JailConfBlock {
  const blocks = jailBlocks(doc, jail);
  const block = blocks[0];
  if (block === undefined) throw new ConfigEditError('not-found', `jail ${jail} is not defined`);
  if (blocks.length > 1) throw new ConfigEditError('ambiguous', `jail ${jail} is defined ${blocks.length} times`);
  return block;
}

const toParam = (s: JailConfParamStatement): JailParam => ({ name: s.name, op: s.op, values: s.values });
const params = (statements: readonly JailConfStatement[]): JailConfParamStatement[] =>
  statements.filter((s): s is JailConfParamStatement => s.kind === 'param');

/** The parameters written in the jail's block, in order (nested blocks are not included); null if none. */
export function getJail(doc: JailConfDocument, jail: string): readonly JailParam[] | null {
  assertJailName(jail);
  const blocks = jailBlocks(doc, jail);
  if (blocks.length === 0) return null;
  return blocks.flatMap((block) => params(block.body).map(toParam));
}

/** Parameters outside every block (they apply to all jails). */
export function getGlobalParams(doc: JailConfDocument): readonly JailParam[] {
  return params(doc.statements).map(toParam);
}

/** Names of the jails defined at the top level, in order. */
export function listJails(doc: JailConfDocument): string[] {
  return doc.statements.flatMap((s) => (s.kind === 'block' ? [s.name] : []));
}

/** `allow.mount` ↔ `allow.nomount`: the `no` goes before the last part of the name. */
function negated(name: string): string {
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot + 1)}no${name.slice(dot + 1)}`;
}

const sameParam = (a: string, b: string): boolean => a === b || a === negated(b) || negated(a) === b;

// --------------------------------------------------------------------------------------------- edits

interface Splice {
  start: number;
  end: number;
  text: string;
}

function applySplices(text: string, splices: readonly Splice[]): string {
  let out = text;
  for (const splice of [...splices].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, splice.start) + splice.text + out.slice(splice.end);
  }
  return out;
}

const eolOf = (text: string): '\n' | '\r\n' => {
  const nl = text.indexOf('\n');
  return nl > 0 && text[nl - 1] === '\r' ? '\r\n' : '\n';
};

const lineStart = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl;
}

/** What may follow a statement on its line for the whole line to go with it: blanks and comments. */
const TRAILING_COMMENTS = /^[ \t]*(?:\/\*(?:[^*\n]|\*(?!\/))*\*\/[ \t]*)*(?:(?:#|\/\/)[^\n]*)?\r?$/;

/**
 * The span to delete to remove [start, end): the whole line(s) when nothing else but blanks (and a trailing
 * comment) share them, otherwise the statement and the blanks after it.
 */
function removalSpan(text: string, start: number, end: number): Splice {
  const from = lineStart(text, start);
  const to = lineEnd(text, end);
  const before = text.slice(from, start);
  const after = text.slice(end, to);
  if (/^[ \t]*$/.test(before) && TRAILING_COMMENTS.test(after)) {
    return { start: from, end: to < text.length ? to + 1 : to, text: '' };
  }
  const blanks = /^[ \t]*/.exec(text.slice(end))?.[0].length ?? 0;
  return { start, end: end + blanks, text: '' };
}

const isBlankLine = (line: string): boolean => /^[ \t\r]*\n$/.test(line);

/**
 * removalSpan for a whole block, widened to the comment lines right above it (checked against the tokens,
 * so a `#` inside a multi-line string is never taken for one) and to blank lines that would be left over.
 */
function blockRemovalSpan(text: string, block: JailConfBlock): Splice {
  const base = removalSpan(text, block.start, block.end);
  const wholeLines = base.start === lineStart(text, base.start) && (base.end === text.length || text[base.end - 1] === '\n');
  if (!wholeLines) return base;
  const lineComments = tokenize(text).filter((t) => t.kind === 'comment' && (text[t.start] === '#' || text.startsWith('//', t.start)));
  const commentStarts = new Set(lineComments.map((t) => t.start));
  let from = base.start;
  let to = base.end;
  while (from > 0) {
    const previous = lineStart(text, from - 1);
    const indent = /^[ \t]*/.exec(text.slice(previous, from))?.[0].length ?? 0;
    if (!commentStarts.has(previous + indent)) break;
    from = previous;
  }
  const lineAt = (offset: number): string => text.slice(offset, lineEnd(text, offset) + 1);
  let after = to;
  while (after < text.length && isBlankLine(lineAt(after))) after += lineAt(after).length;
  if (/^[ \t\r\n]*$/.test(text.slice(to))) {
    to = text.length;
    while (from > 0 && isBlankLine(text.slice(lineStart(text, from - 1), from))) from = lineStart(text, from - 1);
  } else if (from === 0 || isBlankLine(text.slice(lineStart(text, from - 1), from))) {
    to = after;
  }
  return { start: from, end: to, text: '' };
}

/** Joins overlapping or touching deletions so that they can be applied one after the other. */
function mergeDeletions(splices: readonly Splice[]): Splice[] {
  const merged: Splice[] = [];
  for (const splice of [...splices].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && splice.start <= last.end) last.end = Math.max(last.end, splice.end);
    else merged.push({ ...splice });
  }
  return merged;
}

function indentOf(doc: JailConfDocument, block: JailConfBlock): string {
  for (const statement of block.body) {
    const from = lineStart(doc.text, statement.start);
    const before = doc.text.slice(from, statement.start);
    if (/^[ \t]*$/.test(before)) return before;
  }
  const blockIndent = /^[ \t]*/.exec(doc.text.slice(lineStart(doc.text, block.start), block.start))?.[0] ?? '';
  return blockIndent + DEFAULT_INDENT;
}

/** Inserts a statement as the block's last one, on its own line before the closing brace when it has one. */
function insertBeforeClose(doc: JailConfDocument, block: JailConfBlock, statement: string): Splice {
  const text = doc.text;
  const from = lineStart(text, block.close);
  if (/^[ \t]*$/.test(text.slice(from, block.close)) && from > block.open) {
    return { start: from, end: from, text: `${indentOf(doc, block)}${statement}${eolOf(text)}` };
  }
  const spaced = /[ \t]$/.test(text.slice(0, block.close));
  return { start: block.close, end: block.close, text: spaced ? `${statement} ` : ` ${statement} ` };
}

function commit(doc: JailConfDocument, splices: readonly Splice[], check: (next: JailConfDocument) => boolean): JailConfDocument {
  if (splices.length === 0) return doc;
  const next = parseText(applySplices(doc.text, splices));
  if (next.problem || !check(next)) {
    throw new ConfigEditError('internal', 'the edited jail.conf does not read back as intended; nothing was changed');
  }
  return next;
}

/** What the block ends up saying about `key`: its value list, true/false for flags, or undefined. */
function effective(doc: JailConfDocument, jail: string, key: string): readonly string[] | boolean | undefined {
  let result: readonly string[] | boolean | undefined;
  for (const statement of params(jailBlocks(doc, jail).flatMap((b) => b.body))) {
    if (statement.op === 'flag' && sameParam(statement.name, key)) result = statement.name === key;
    else if (statement.name !== key) continue;
    else if (statement.op === '=') result = statement.values;
    else if (statement.op === '+=') result = [...(Array.isArray(result) ? result : []), ...statement.values];
  }
  return result;
}

/**
 * Sets a parameter inside the jail's block: `value` as `key = value;`, or `true` as the boolean `key;`.
 * The last `=`/boolean statement for the key (also its `no` form) is changed in place, keeping the spacing
 * around `=` and the quoting; `+=` statements after it are removed so that the value is the one that holds.
 * Without one, the statement is added as the block's last line with the indentation of its other lines.
 * Throws 'not-found' when the jail has no block (see ensureJail). Returns `doc` itself when nothing changes.
 */
export function setJailParam(doc: JailConfDocument, jail: string, key: string, value: string | true): JailConfDocument {
  assertJailName(jail);
  assertParamName(key);
  if (value !== true) assertValue(value);
  assertEditable(doc);
  const block = uniqueBlock(doc, jail);
  const statements = params(block.body);
  let targetIndex = -1;
  statements.forEach((s, i) => {
    if ((s.op === 'flag' && sameParam(s.name, key)) || (s.op === '=' && s.name === key)) targetIndex = i;
  });
  const target = statements[targetIndex];
  const splices: Splice[] = [];
  const wanted = value === true ? `${key};` : `${key} = ${formatValue(value, '')};`;

  if (target === undefined) {
    splices.push(insertBeforeClose(doc, block, wanted));
  } else if (value === true) {
    if (!(target.op === 'flag' && target.name === key)) splices.push({ start: target.start, end: target.end, text: wanted });
  } else if (target.op === '=' && target.name === key) {
    const same = target.values.length === 1 && target.values[0] === canonical(value);
    if (!same) splices.push({ start: target.valueStart, end: target.valueEnd, text: formatValue(value, styleOf(target.rawValues[0])) });
  } else {
    splices.push({ start: target.start, end: target.end, text: wanted });
  }
  if (target !== undefined) {
    for (const later of statements.slice(targetIndex + 1)) {
      if (later.op === '+=' && later.name === key) splices.push(removalSpan(doc.text, later.start, later.end));
    }
  }
  return commit(doc, splices, (next) => {
    const result = effective(next, jail, key);
    return value === true ? result === true : Array.isArray(result) && result.length === 1 && result[0] === canonical(value);
  });
}

/**
 * Adds `value` to a list parameter with `key += value;` as the block's last statement, unless one of the
 * block's statements for the key already holds that value. Throws 'not-found' when the jail has no block.
 */
export function addJailParam(doc: JailConfDocument, jail: string, key: string, value: string): JailConfDocument {
  assertJailName(jail);
  assertParamName(key);
  assertValue(value);
  assertEditable(doc);
  const block = uniqueBlock(doc, jail);
  const wanted = canonical(value);
  if (params(block.body).some((s) => s.name === key && s.values.includes(wanted))) return doc;
  const splice = insertBeforeClose(doc, block, `${key} += ${formatValue(value, '')};`);
  return commit(doc, [splice], (next) => {
    const result = effective(next, jail, key);
    return Array.isArray(result) && result.includes(wanted);
  });
}

/** Removes every statement for `key` (and its `no` form) from the jail's block. Returns `doc` if none. */
export function removeJailParam(doc: JailConfDocument, jail: string, key: string): JailConfDocument {
  assertJailName(jail);
  assertParamName(key);
  assertEditable(doc);
  const blocks = jailBlocks(doc, jail);
  if (blocks.length === 0) return doc;
  const block = uniqueBlock(doc, jail);
  const splices = params(block.body)
    .filter((s) => s.name === key || (s.op === 'flag' && sameParam(s.name, key)))
    .map((s) => removalSpan(doc.text, s.start, s.end));
  return commit(doc, splices, (next) => effective(next, jail, key) === undefined);
}

/** Appends an empty `jail {\n}` block at the end unless the jail has one. Returns `doc` if it exists. */
export function ensureJail(doc: JailConfDocument, jail: string, options: EnsureJailOptions = {}): JailConfDocument {
  assertJailName(jail);
  if (options.comment !== undefined) assertComment(options.comment);
  assertEditable(doc);
  if (jailBlocks(doc, jail).length > 0) return doc;
  const text = doc.text;
  const eol = eolOf(text);
  let prefix = '';
  if (text !== '') {
    if (!text.endsWith('\n')) prefix = eol;
    const body = (text + prefix).replace(/\r?\n$/, '');
    const lastLine = body.slice(body.lastIndexOf('\n') + 1);
    if (lastLine.trim() !== '') prefix += eol;
  }
  const comment = options.comment !== undefined && options.comment.trim() !== '' ? `${DEFAULT_INDENT}# ${options.comment}${eol}` : '';
  const splice = { start: text.length, end: text.length, text: `${prefix}${jail} {${eol}${comment}}${eol}` };
  return commit(doc, [splice], (next) => jailBlocks(next, jail).length === 1);
}

/**
 * Removes every block of the jail with the lines it stands on, the `#` / `//` comment lines directly above
 * it, and the blank lines that would otherwise be left doubled or trailing. Returns `doc` if there is none.
 */
export function removeJail(doc: JailConfDocument, jail: string): JailConfDocument {
  assertJailName(jail);
  assertEditable(doc);
  const splices = mergeDeletions(jailBlocks(doc, jail).map((block) => blockRemovalSpan(doc.text, block)));
  return commit(doc, splices, (next) => jailBlocks(next, jail).length === 0);
}
