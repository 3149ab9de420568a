import { parsed, type ParseResult } from '../../commands/parse-result';
import {
  ConfigEditError,
  assertComment,
  checkConfigText,
  controlCharacter,
  deepFreeze,
  joinLines,
  lcsPairs,
  preferredEol,
  shown,
  splitRawLines,
  type Eol,
  type RawLine,
} from './common';

/**
 * /etc/devfs.rules (devfs.rules(5)), read at boot by `devfs_rulesets_from_file` in rc.subr:
 *
 *   [devfsrules_jail_nvidia=61]
 *   add include $devfsrules_hide_all
 *   add path 'nvidia*' unhide
 *
 * rc.subr reads each line with `read line` (leading and trailing blanks dropped); a line starting with `#`
 * is a comment; a line `[…]…` starts a ruleset (`[name=number]`, the name becoming a shell variable holding
 * the number, and `devfs rule -s N delset` emptying the set); any other line has everything from its first
 * `#` cut off and is run as `eval /sbin/devfs rule -s N <line>`. Because rule lines go through `eval` as
 * root, the editor only writes rules built from plain words, single- or double-quoted strings without
 * specials, and `$name` references.
 *
 * Numbers 1–5 and their names belong to /etc/defaults/devfs.rules, which is read first.
 */

export type DevfsRulesLine =
  | { readonly kind: 'blank'; readonly text: string; readonly eol: Eol }
  | { readonly kind: 'comment'; readonly text: string; readonly eol: Eol }
  | {
      readonly kind: 'header';
      readonly text: string;
      readonly eol: Eol;
      /** Null when the bracket line is not a well-formed `[name=number]` (it still ends the previous ruleset). */
      readonly name: string | null;
      readonly number: number | null;
    }
  | {
      readonly kind: 'rule';
      readonly text: string;
      readonly eol: Eol;
      /** The rule as rc.subr runs it: `#…` cut off, blanks outside quotes collapsed to one space. */
      readonly rule: string;
    };

export interface DevfsRulesDocument {
  readonly lines: readonly DevfsRulesLine[];
}

export interface DevfsRuleset {
  readonly number: number;
  readonly rules: readonly string[];
}

export interface EnsureRulesetOptions {
  /** Written as a `# comment` line right under the header when the ruleset is created. */
  comment?: string;
}

/** The rulesets of /etc/defaults/devfs.rules (FreeBSD 14), which /etc/devfs.rules must not redefine. */
export const DEFAULT_DEVFS_RULESETS: Readonly<Record<string, number>> = Object.freeze({
  devfsrules_hide_all: 1,
  devfsrules_unhide_basic: 2,
  devfsrules_unhide_login: 3,
  devfsrules_jail: 4,
  devfsrules_jail_vnet: 5,
});

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HEADER = /^\[([A-Za-z_][A-Za-z0-9_]*)=([0-9]+)\][ \t]*(?:#.*)?$/;
const HEADER_NUMBER = /^([ \t]*\[[A-Za-z_][A-Za-z0-9_]*=)([0-9]+)(\].*)$/;
/** Words, quoted strings without specials, and `$name` / `${name}`, separated by blanks. */
const RULE_PIECE = String.raw`(?:[A-Za-z0-9_./+=:,@%*?-]+|'[^'\\\x60$#]*'|"[^"\\\x60$#]*"|\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\})`;
const RULE = new RegExp(`^${RULE_PIECE}+(?:[ \\t]+${RULE_PIECE}+)*$`);

// ---------------------------------------------------------------------------------------------- parsing

/** Splits a rule into words the way the shell would group them (quotes keep blanks inside). */
function ruleWords(rule: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | null = null;
  let inWord = false;
  for (const ch of rule) {
    if (quote !== null) {
      current += ch;
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    current += ch;
    inWord = true;
  }
  if (inWord) words.push(current);
  return words;
}

const normalizeRule = (rule: string): string => ruleWords(rule.split('#')[0] ?? '').join(' ');

function classify(raw: RawLine): DevfsRulesLine {
  const { text, eol } = raw;
  const trimmed = text.replace(/^[ \t]+|[ \t]+$/g, '');
  if (trimmed === '') return { kind: 'blank', text, eol };
  if (trimmed.startsWith('#')) return { kind: 'comment', text, eol };
  if (/^\[.*\]/.test(trimmed)) {
    const match = HEADER.exec(trimmed);
    const name = match?.[1];
    const digits = match?.[2];
    if (name !== undefined && digits !== undefined) return { kind: 'header', text, eol, name, number: Number(digits) };
    return { kind: 'header', text, eol, name: null, number: null };
  }
  return { kind: 'rule', text, eol, rule: normalizeRule(trimmed) };
}

function parseText(text: string): DevfsRulesDocument {
  return deepFreeze({ lines: splitRawLines(text).map(classify) });
}

/** Parses any text; only non-text (binary, NUL) input is refused. */
export function parseDevfsRules(text: string): ParseResult<DevfsRulesDocument> {
  const rejected = checkConfigText(text, 'devfs.rules');
  if (rejected) return rejected;
  return parsed(parseText(text));
}

/** Gives back the text; for an unedited document, exactly the text it was parsed from. */
export function renderDevfsRules(doc: DevfsRulesDocument): string {
  return doc.lines.map((line) => line.text + line.eol).join('');
}

export { parseDevfsRules as parse, renderDevfsRules as render };

// ------------------------------------------------------------------------------------------ sections

interface Section {
  /** Index of the header line. */
  header: number;
  /** Index one past the last line of the section (the next header, or the end). */
  end: number;
  name: string | null;
  number: number | null;
}

function sections(doc: DevfsRulesDocument): Section[] {
  const found: Section[] = [];
  doc.lines.forEach((line, index) => {
    if (line.kind !== 'header') return;
    const previous = found[found.length - 1];
    if (previous) previous.end = index;
    found.push({ header: index, end: doc.lines.length, name: line.name, number: line.number });
  });
  return found;
}

function rulesOf(doc: DevfsRulesDocument, section: Section): string[] {
  const rules: string[] = [];
  for (let i = section.header + 1; i < section.end; i++) {
    const line = doc.lines[i];
    if (line?.kind === 'rule') rules.push(line.rule);
  }
  return rules;
}

// ----------------------------------------------------------------------------------------- validation

function assertName(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ConfigEditError('invalid-name', `not a ruleset name (expected [A-Za-z_][A-Za-z0-9_]*): ${shown(String(name))}`);
  }
}

function assertNumber(number: number): void {
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535) {
    throw new ConfigEditError('invalid-number', `ruleset number must be an integer from 1 to 65535, not ${String(number)}`);
  }
}

function checkedRule(rule: string): string {
  if (typeof rule !== 'string') throw new ConfigEditError('invalid-rule', 'rule must be a string');
  const bad = controlCharacter(rule);
  if (bad) throw new ConfigEditError('invalid-rule', `rule contains ${bad}: ${shown(rule)}`);
  const trimmed = rule.trim();
  if (trimmed === '') throw new ConfigEditError('invalid-rule', 'rule is empty');
  if (!RULE.test(trimmed)) {
    throw new ConfigEditError(
      'invalid-rule',
      `rule must be plain words, quoted strings without specials and $name references (it is run through eval): ${shown(rule)}`,
    );
  }
  return normalizeRule(trimmed);
}

function unique(doc: DevfsRulesDocument, name: string): Section | null {
  const matches = sections(doc).filter((section) => section.name === name);
  if (matches.length > 1) {
    throw new ConfigEditError('ambiguous', `ruleset ${name} is defined ${matches.length} times (lines ${matches.map((s) => s.header + 1).join(', ')})`);
  }
  return matches[0] ?? null;
}

// ------------------------------------------------------------------------------------------- queries

/** The ruleset's number and rules (as rc.subr runs them), or null. With duplicates, the last one wins. */
export function getRuleset(doc: DevfsRulesDocument, name: string): DevfsRuleset | null {
  assertName(name);
  const matches = sections(doc).filter((section) => section.name === name);
  const section = matches[matches.length - 1];
  if (!section || section.number === null) return null;
  return { number: section.number, rules: rulesOf(doc, section) };
}

/** Every well-formed ruleset header in order. */
export function listRulesets(doc: DevfsRulesDocument): Array<{ name: string; number: number }> {
  return sections(doc).flatMap((section) =>
    section.name !== null && section.number !== null ? [{ name: section.name, number: section.number }] : [],
  );
}

// --------------------------------------------------------------------------------------------- edits

function rebuild(doc: DevfsRulesDocument, lines: readonly RawLine[]): DevfsRulesDocument {
  return parseText(joinLines(lines, preferredEol(doc.lines)));
}

function verify(doc: DevfsRulesDocument, name: string, expected: DevfsRuleset | null): DevfsRulesDocument {
  const actual = getRuleset(doc, name);
  const same =
    actual === null || expected === null
      ? actual === expected
      : actual.number === expected.number && actual.rules.join('\n') === expected.rules.join('\n');
  if (!same) throw new ConfigEditError('internal', `edit of ruleset ${name} does not read back as intended`);
  return doc;
}

/**
 * Makes ruleset `name` hold exactly `rules`, in order, under number `number`. A missing ruleset is appended
 * at the end (after a blank line). An existing one keeps its header (only the number is rewritten when it
 * differs), its comments and blank lines and every rule line that stays; rules that go are removed and new
 * ones are placed where the old order puts them, indented like the section's first rule. Returns `doc`
 * itself when nothing changes.
 */
export function ensureRuleset(
  doc: DevfsRulesDocument,
  name: string,
  number: number,
  rules: readonly string[],
  options: EnsureRulesetOptions = {},
): DevfsRulesDocument {
  assertName(name);
  assertNumber(number);
  if (!Array.isArray(rules)) throw new ConfigEditError('invalid-rule', 'rules must be an array of strings');
  const wanted = rules.map(checkedRule);
  if (options.comment !== undefined) assertComment(options.comment);
  if (Object.hasOwn(DEFAULT_DEVFS_RULESETS, name)) {
    throw new ConfigEditError('reserved', `${name} is defined in /etc/defaults/devfs.rules`);
  }
  for (const [defaultName, defaultNumber] of Object.entries(DEFAULT_DEVFS_RULESETS)) {
    if (defaultNumber === number) throw new ConfigEditError('reserved', `ruleset number ${number} belongs to ${defaultName} in /etc/defaults/devfs.rules`);
  }
  const holder = sections(doc).find((section) => section.number === number && section.name !== name);
  if (holder) {
    throw new ConfigEditError('number-in-use', `ruleset number ${number} is already used by ${holder.name ?? 'another ruleset'} (line ${holder.header + 1})`);
  }

  const eol = preferredEol(doc.lines);
  const section = unique(doc, name);
  const lines: RawLine[] = doc.lines.slice();

  if (section === null) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.text.trim() !== '') lines.push({ text: '', eol });
    lines.push({ text: `[${name}=${number}]`, eol });
    if (options.comment !== undefined && options.comment.trim() !== '') lines.push({ text: `# ${options.comment}`, eol });
    for (const rule of wanted) lines.push({ text: rule, eol });
    return verify(rebuild(doc, lines), name, { number, rules: wanted });
  }

  const existing = rulesOf(doc, section);
  const sameRules = existing.join('\n') === wanted.join('\n');
  if (sameRules && section.number === number) return doc;

  const header = doc.lines[section.header];
  if (header === undefined) throw new ConfigEditError('internal', 'header line missing');
  const headerLine: RawLine =
    section.number === number ? header : { text: header.text.replace(HEADER_NUMBER, `$1${number}$3`), eol: header.eol };

  const body = doc.lines.slice(section.header + 1, section.end);
  let body2: RawLine[] = body;
  if (!sameRules) {
    const firstRule = body.find((line) => line.kind === 'rule');
    const indent = firstRule ? (/^[ \t]*/.exec(firstRule.text)?.[0] ?? '') : '';
    const fresh = (rule: string): RawLine => ({ text: indent + rule, eol });
    const kept = new Map(lcsPairs(existing, wanted));
    const out: RawLine[] = [];
    let ordinal = 0;
    let nextWanted = 0;
    let insertAt = 0;
    for (const line of body) {
      if (line.kind !== 'rule') {
        out.push(line);
        continue;
      }
      const target = kept.get(ordinal++);
      if (target !== undefined) {
        while (nextWanted < target) out.push(fresh(wanted[nextWanted++] ?? ''));
        out.push(line);
        nextWanted = target + 1;
      }
      insertAt = out.length;
    }
    out.splice(insertAt, 0, ...wanted.slice(nextWanted).map(fresh));
    body2 = out;
  }
  lines.splice(section.header, section.end - section.header, headerLine, ...body2);
  return verify(rebuild(doc, lines), name, { number, rules: wanted });
}

/**
 * Removes ruleset `name`: the comment lines directly above its header, the header, and everything up to its
 * last rule line (comments after the last rule describe the next ruleset and stay, except at the end of the
 * file), plus the blank lines that would otherwise be left doubled or trailing. Returns `doc` itself when
 * there is no such ruleset.
 */
export function removeRuleset(doc: DevfsRulesDocument, name: string): DevfsRulesDocument {
  assertName(name);
  const section = unique(doc, name);
  if (section === null) return doc;
  // The section owns its header and everything up to its last rule; comments after that belong to the next
  // header, unless this is the last section, where trailing comments go with it.
  const lastSection = section.end === doc.lines.length;
  let last = section.header;
  for (let i = section.header + 1; i < section.end; i++) {
    const kind = doc.lines[i]?.kind;
    if (kind === 'rule' || (lastSection && kind === 'comment')) last = i;
  }
  // Comment lines right above the header (no blank line between) describe it and go with it.
  let from = section.header;
  while (from > 0 && doc.lines[from - 1]?.kind === 'comment') from--;
  let to = last + 1;
  const isBlank = (i: number): boolean => doc.lines[i]?.kind === 'blank';
  let after = to;
  while (after < doc.lines.length && isBlank(after)) after++;
  if (after === doc.lines.length) {
    // Nothing follows: drop the blank lines around it too.
    to = after;
    while (from > 0 && isBlank(from - 1)) from--;
  } else if (from === 0 || isBlank(from - 1)) {
    to = after;
  }
  const lines: RawLine[] = doc.lines.slice();
  lines.splice(from, to - from);
  return verify(rebuild(doc, lines), name, null);
}
