import { describe, expect, it } from 'vitest';
import { ConfigEditError } from '../../../src/config/formats/common';
import {
  DEFAULT_DEVFS_RULESETS,
  ensureRuleset,
  getRuleset,
  listRulesets,
  parseDevfsRules,
  removeRuleset,
  render,
  renderDevfsRules,
  type DevfsRulesDocument,
} from '../../../src/config/formats/devfs-rules';
import { DEVFS_RULES } from './fixtures';
import { BINARY, SCALE, attempt, editDiff, expectDiff, expectEditError, ok, rng, textLines } from './helpers';

const doc = (text: string): DevfsRulesDocument => ok(parseDevfsRules(text));
const fixture = (): DevfsRulesDocument => doc(DEVFS_RULES);

const NVIDIA_RULES = [
  'add include $devfsrules_hide_all',
  'add include $devfsrules_unhide_basic',
  'add include $devfsrules_unhide_login',
  "add path 'nvidia*' unhide",
  'add path nvidiactl unhide',
];

describe('parseDevfsRules / render', () => {
  it('gives back the fixture byte for byte, also with CRLF and without a final newline', () => {
    for (const text of [DEVFS_RULES, DEVFS_RULES.replace(/\n/g, '\r\n'), DEVFS_RULES.slice(0, -1), '', '[x=1]']) {
      expect(render(doc(text))).toBe(text);
    }
    expect(renderDevfsRules(fixture())).toBe(DEVFS_RULES);
  });

  it('reads headers, rules and comments the way rc.subr does', () => {
    const kinds = doc('# c\n  [a=1]  # h\n\tadd path x unhide # why\n\n[broken\n[bad name=2]\n').lines.map((l) => l.kind);
    expect(kinds).toEqual(['comment', 'header', 'rule', 'blank', 'rule', 'header']);
    expect(listRulesets(fixture())).toEqual([
      { name: 'localrules', number: 10 },
      { name: 'devfsrules_jail_nvidia', number: 61 },
    ]);
  });

  it('refuses binary input with a parse error', () => {
    expect(parseDevfsRules(BINARY)).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(parseDevfsRules('[a=1]\nadd\u0000\n')).toMatchObject({ ok: false, error: { code: 'malformed', line: 2 } });
  });
});

describe('getRuleset', () => {
  it('returns the number and the rules without comments', () => {
    expect(getRuleset(fixture(), 'devfsrules_jail_nvidia')).toEqual({ number: 61, rules: NVIDIA_RULES });
    expect(getRuleset(fixture(), 'localrules')?.rules).toHaveLength(3);
    expect(getRuleset(fixture(), 'missing')).toBeNull();
  });

  it('collapses blanks outside quotes but not inside them', () => {
    expect(getRuleset(doc("[a=7]\n  add   path  'x  y'\tunhide  \n"), 'a')?.rules).toEqual(["add path 'x  y' unhide"]);
  });
});

describe('ensureRuleset', () => {
  it('creates a missing ruleset at the end after a blank line', () => {
    const before = doc('[localrules=10]\nadd path video0 unhide\n');
    const after = render(ensureRuleset(before, 'devfsrules_jail_nvidia', 61, NVIDIA_RULES, { comment: 'Added by eGPU Wizard' }));
    expect(after).toBe(
      `[localrules=10]\nadd path video0 unhide\n\n[devfsrules_jail_nvidia=61]\n# Added by eGPU Wizard\n${NVIDIA_RULES.join('\n')}\n`,
    );
    expect(render(ensureRuleset(doc(''), 'a', 100, ['add path x unhide']))).toBe('[a=100]\nadd path x unhide\n');
    expect(render(ensureRuleset(doc('# only\r\n'), 'a', 100, []))).toBe('# only\r\n\r\n[a=100]\r\n');
    expect(render(ensureRuleset(doc('[b=9]\nadd path y unhide'), 'a', 100, []))).toBe('[b=9]\nadd path y unhide\n\n[a=100]\n');
  });

  it('leaves a ruleset that already has exactly these rules alone', () => {
    const d = fixture();
    expect(ensureRuleset(d, 'devfsrules_jail_nvidia', 61, NVIDIA_RULES)).toBe(d);
    expect(ensureRuleset(d, 'devfsrules_jail_nvidia', 61, NVIDIA_RULES.map((r) => `  ${r.replace(/ /g, '   ')} `))).toBe(d);
  });

  it('adds, removes and reorders rules while keeping comments and the lines that stay', () => {
    const wanted = [...NVIDIA_RULES.slice(0, 3), "add path 'nvidia*' unhide", "add path 'dri/*' unhide", 'add path nvidiactl unhide'];
    const after = render(ensureRuleset(fixture(), 'devfsrules_jail_nvidia', 61, wanted));
    expectDiff(DEVFS_RULES, after, { added: ["add path 'dri/*' unhide"] });
    expect(after).toContain("# the GPU itself\nadd path 'nvidia*' unhide\nadd path 'dri/*' unhide\nadd path nvidiactl unhide   # control device\n");

    const fewer = render(ensureRuleset(fixture(), 'devfsrules_jail_nvidia', 61, ['add include $devfsrules_hide_all', "add path 'nvidia*' unhide"]));
    expectDiff(DEVFS_RULES, fewer, {
      removed: ['add include $devfsrules_unhide_basic', 'add include $devfsrules_unhide_login', 'add path nvidiactl unhide   # control device'],
    });

    const replaced = render(ensureRuleset(fixture(), 'localrules', 10, ['add path video0 unhide']));
    expectDiff(DEVFS_RULES, replaced, {
      removed: ["add path 'da*' mode 0660 group operator", "add path 'cd*' mode 0660 group operator", "add path 'video*' mode 0660 group video"],
      added: ['add path video0 unhide'],
    });
    expect(replaced).toContain('[localrules=10]\nadd path video0 unhide\n\n# Linux jail');
  });

  it('puts new rules where the old last rule was and indents them like the others', () => {
    const text = '[a=20]\n\t# about x\n\tadd path old unhide\n# next\n[b=21]\n';
    expect(render(ensureRuleset(doc(text), 'a', 20, ['add path new unhide']))).toBe('[a=20]\n\t# about x\n\tadd path new unhide\n# next\n[b=21]\n');
  });

  it('renumbers the header in place', () => {
    const after = render(ensureRuleset(fixture(), 'devfsrules_jail_nvidia', 62, NVIDIA_RULES));
    expectDiff(DEVFS_RULES, after, { removed: ['[devfsrules_jail_nvidia=61]'], added: ['[devfsrules_jail_nvidia=62]'] });
    expect(render(ensureRuleset(doc('  [a=5000]  # mine\n'), 'a', 5001, []))).toBe('  [a=5001]  # mine\n');
  });

  it('is idempotent', () => {
    for (const [name, number, rules] of [
      ['devfsrules_jail_nvidia', 61, ["add path 'nvidia*' unhide"]],
      ['devfsrules_jail_nvidia', 63, NVIDIA_RULES],
      ['fresh', 70, ['add path zfs unhide', 'add path fuse unhide']],
      ['localrules', 10, []],
    ] as const) {
      const once = ensureRuleset(fixture(), name, number, rules);
      expect(ensureRuleset(once, name, number, rules)).toBe(once);
      expect(getRuleset(once, name)).toEqual({ number, rules });
    }
  });

  it('never changes the document it is given', () => {
    const original = fixture();
    ensureRuleset(original, 'devfsrules_jail_nvidia', 61, []);
    removeRuleset(original, 'localrules');
    expect(render(original)).toBe(DEVFS_RULES);
  });

  it('refuses bad names, numbers and rules', () => {
    const d = fixture();
    for (const name of ['', '1x', 'a-b', 'a b', 'a=b', 'a]']) expectEditError(() => ensureRuleset(d, name, 70, []), 'invalid-name');
    for (const number of [0, -1, 65536, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expectEditError(() => ensureRuleset(d, 'x', number, []), 'invalid-number');
    for (const rule of ['', '   ', 'add path x unhide; reboot', 'add path $(id) unhide', 'add path `id` unhide', 'add path x # c', "add path 'x unhide", 'a\nb', 'add path "$x" unhide']) {
      expectEditError(() => ensureRuleset(d, 'x', 70, [rule]), 'invalid-rule');
    }
  });

  it('refuses a number that another ruleset, or the defaults, already use', () => {
    expectEditError(() => ensureRuleset(fixture(), 'other', 61, []), 'number-in-use');
    expectEditError(() => ensureRuleset(fixture(), 'devfsrules_jail_nvidia', 10, NVIDIA_RULES), 'number-in-use');
    expectEditError(() => ensureRuleset(fixture(), 'mine', DEFAULT_DEVFS_RULESETS.devfsrules_jail ?? 4, []), 'reserved');
    expectEditError(() => ensureRuleset(fixture(), 'devfsrules_jail', 80, []), 'reserved');
  });

  it('refuses a ruleset defined twice', () => {
    expectEditError(() => ensureRuleset(doc('[a=80]\n[a=81]\n'), 'a', 80, []), 'ambiguous');
    expectEditError(() => removeRuleset(doc('[a=80]\n[a=81]\n'), 'a'), 'ambiguous');
  });
});

describe('removeRuleset', () => {
  it('takes the comment right above the header with it', () => {
    const text = '# top\n\n[a=80]\nadd path x unhide\n# about b\n[b=81]\nadd path y unhide\n';
    expect(render(removeRuleset(doc(text), 'b'))).toBe('# top\n\n[a=80]\nadd path x unhide\n');
    expect(render(removeRuleset(doc(text), 'a'))).toBe('# top\n\n# about b\n[b=81]\nadd path y unhide\n');
  });

  it('removes the header and its rules, leaving the comment of the next ruleset', () => {
    const after = render(removeRuleset(fixture(), 'localrules'));
    expect(after).toBe(DEVFS_RULES.replace("[localrules=10]\nadd path 'da*' mode 0660 group operator\nadd path 'cd*' mode 0660 group operator\nadd path 'video*' mode 0660 group video\n\n", ''));
    expect(getRuleset(doc(after), 'devfsrules_jail_nvidia')).toEqual({ number: 61, rules: NVIDIA_RULES });
  });

  it('removes the last ruleset with the blank line before it, undoing ensureRuleset', () => {
    const base = doc('[localrules=10]\nadd path video0 unhide\n');
    const added = ensureRuleset(base, 'nv', 61, NVIDIA_RULES, { comment: 'Added by eGPU Wizard' });
    expect(render(removeRuleset(added, 'nv'))).toBe(render(base));
    const last = render(removeRuleset(fixture(), 'devfsrules_jail_nvidia'));
    expect(last).toBe(DEVFS_RULES.slice(0, DEVFS_RULES.indexOf('\n\n# Linux jail') + 1));
    expect(last.endsWith("group video\n")).toBe(true);
  });

  it('is idempotent', () => {
    const once = removeRuleset(fixture(), 'devfsrules_jail_nvidia');
    expect(removeRuleset(once, 'devfsrules_jail_nvidia')).toBe(once);
    expect(getRuleset(once, 'devfsrules_jail_nvidia')).toBeNull();
  });
});

// -------------------------------------------------------------------------------------------- properties

const POOL = [
  '',
  '  ',
  '# comment',
  '  # indented',
  '[devfsrules_jail_nvidia=61]',
  '[localrules=10]  # mine',
  '  [other=62]',
  '[broken',
  '[no number]',
  '[a=b=3]',
  "add path 'nvidia*' unhide",
  'add include $devfsrules_hide_all',
  '\tadd path  nvidiactl   unhide  # why',
  "add path 'bpf*' unhide",
  'add path zfs unhide',
  'garbage ;; here',
  'ünïcödé',
  '\r',
];
const NAMES = ['devfsrules_jail_nvidia', 'localrules', 'other', 'fresh'];
const RULES = ["add path 'nvidia*' unhide", 'add include $devfsrules_hide_all', 'add path zfs unhide', "add path 'dri/*' unhide"];

function randomText(seed: number): string {
  const r = rng(seed);
  const count = r.int(14);
  let text = '';
  for (let i = 0; i < count; i++) {
    let line = r.pick(POOL);
    if (r.chance(0.1)) {
      const at = r.int(line.length + 1);
      line = line.slice(0, at) + r.pick([' ', '\t', "'", '#', '=', '[', ']', '$']) + line.slice(at);
    }
    text += line + (i === count - 1 && r.chance(0.3) ? '' : r.pick(['\n', '\n', '\r\n']));
  }
  return text;
}

describe('properties', () => {
  it('render(parse(x)) === x for generated and mutated inputs', () => {
    for (let seed = 1; seed <= 1500 * SCALE; seed++) {
      const text = randomText(seed);
      expect(render(doc(text)), `seed ${seed}`).toBe(text);
    }
  });

  it('edits are idempotent, read back as asked and leave other rulesets alone', () => {
    for (let seed = 1; seed <= 600 * SCALE; seed++) {
      const r = rng(seed * 17);
      const text = randomText(seed);
      const before = doc(text);
      const name = r.pick(NAMES);
      const number = r.pick([61, 62, 10, 70, 4]);
      const rules = RULES.filter(() => r.chance(0.5));
      const remove = r.chance(0.3);
      const edit = (d: DevfsRulesDocument): DevfsRulesDocument => (remove ? removeRuleset(d, name) : ensureRuleset(d, name, number, rules));
      const once = attempt(() => edit(before));
      if (once instanceof ConfigEditError) continue;
      const context = `seed ${seed}: ${remove ? 'remove' : 'ensure'} ${name} on ${JSON.stringify(text)}`;
      expect(edit(once), context).toBe(once);
      expect(getRuleset(once, name), context).toEqual(remove ? null : { number, rules });
      // (A lone CR ending the file turns into a CRLF line ending once the file gets its final newline.)
      for (const other of text.endsWith('\r') ? [] : listRulesets(before)) {
        if (other.name !== name && listRulesets(before).filter((s) => s.name === other.name).length === 1) {
          expect(getRuleset(once, other.name), context).toEqual(getRuleset(before, other.name));
        }
      }
      // Only the target ruleset's lines (and blank lines) may go; only its header, rules and blanks may come.
      // (Comment lines right above its header count as its own.)
      const own = new Set<string>();
      const all = textLines(text);
      let inside = false;
      all.forEach((line, index) => {
        const trimmed = line.trim();
        if (/^\[.*\]/.test(trimmed)) {
          inside = trimmed.startsWith(`[${name}=`);
          for (let i = index - 1; inside && i >= 0 && (all[i] ?? '').trim().startsWith('#'); i--) own.add(all[i] ?? '');
        }
        if (inside || trimmed === '') own.add(line);
      });
      const { removed, added } = editDiff(text, render(once));
      for (const line of removed) expect(own.has(line), `${context}: removed ${line}`).toBe(true);
      for (const line of added) {
        const trimmed = line.trim();
        expect(trimmed === '' || rules.includes(trimmed) || trimmed.startsWith(`[${name}=`), `${context}: added ${line}`).toBe(true);
      }
    }
  });
});
