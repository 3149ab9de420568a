import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ensureRuleset, getRuleset, parseDevfsRules, renderDevfsRules } from '../../../src/config/formats/devfs-rules';
import { ensureJail, getJail, parseJailConf, renderJailConf, setJailParam } from '../../../src/config/formats/jail-conf';
import { addToList, getValue, parseShellVars, renderShellVars, setValue } from '../../../src/config/formats/shell-vars';

/** Lines shaped like real files, plus noise: odd spacing, tabs, comments, quotes, CRLF. */
const shellLine = fc.oneof(
  fc.constantFrom('', '# comment', '#zfs_load="YES"', '\t# indented comment', 'kld_list="nvidia-modeset linux64"', 'hostname="x220"'),
  fc.tuple(fc.stringMatching(/^[a-z_][a-z0-9_.]{0,12}$/), fc.stringMatching(/^[A-Za-z0-9 ._-]{0,12}$/), fc.constantFrom('"', "'", '')).map(
    ([key, value, quote]) => `${key}=${quote}${quote === '' ? value.replace(/ /g, '') : value}${quote}`,
  ),
  fc.string({ maxLength: 30 }).filter((s) => !/[\n\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.test(s)),
);
const fileOf = (line: fc.Arbitrary<string>) =>
  fc.tuple(fc.array(line, { maxLength: 25 }), fc.constantFrom('\n', '\r\n'), fc.boolean()).map(([lines, eol, final]) =>
    lines.length === 0 ? '' : lines.join(eol) + (final ? eol : ''),
  );

const devfsLine = fc.oneof(
  fc.constantFrom('', '# rules', '[devfsrules_jail=4]', '[devfsrules_jail_nvidia=61]', "add path 'nvidia*' unhide", 'add include $devfsrules_hide_all', '  add path zfs unhide'),
  fc.string({ maxLength: 20 }).filter((s) => !/[\n\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.test(s)),
);
const jailLine = fc.constantFrom(
  '',
  '# jails',
  'exec.clean;',
  'mount.devfs;',
  'path = "/jails/$name";',
  'ubuntu {',
  '  host.hostname = "ubuntu";',
  '  allow.mount.linprocfs;',
  '  devfs_ruleset = 61;',
  '}',
  '/* block */',
  '// line comment',
);

describe('fast-check properties', () => {
  it('shell-vars: render(parse(x)) === x, and setValue is idempotent and only adds or changes its own line', () => {
    fc.assert(
      fc.property(fileOf(shellLine), fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/), fc.stringMatching(/^[A-Za-z0-9._-]{1,10}$/), (text, key, value) => {
        const parsed = parseShellVars(text);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(renderShellVars(parsed.value)).toBe(text);
        let once;
        try {
          once = setValue(parsed.value, key, value);
        } catch {
          return; // refused (ambiguous or unsafe document): nothing written, which is the safe answer
        }
        expect(getValue(once, key)).toBe(value);
        expect(renderShellVars(setValue(once, key, value))).toBe(renderShellVars(once));
        const linesOf = (t: string) => t.split(/\r?\n/).filter((line, i, all) => !(i === all.length - 1 && line === ''));
        const before = linesOf(text);
        const after = linesOf(renderShellVars(once));
        // Only the assignment itself is new (or changed); every other line is still there.
        expect(after.filter((line) => !before.includes(line)).length).toBeLessThanOrEqual(1);
        expect(before.filter((line) => !after.includes(line)).length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 400 },
    );
  });

  it('shell-vars: addToList keeps one copy of a word however often it is added', () => {
    fc.assert(
      fc.property(fileOf(shellLine), fc.constantFrom('nvidia-modeset', 'linux64'), (text, word) => {
        const parsed = parseShellVars(text, { dialect: 'rc' });
        if (!parsed.ok) return;
        try {
          const once = addToList(parsed.value, 'kld_list', word);
          const twice = addToList(once, 'kld_list', word);
          expect(renderShellVars(twice)).toBe(renderShellVars(once));
          expect((getValue(once, 'kld_list') ?? '').split(/\s+/).filter((w) => w === word)).toHaveLength(1);
        } catch {
          // refused as ambiguous or unsafe: acceptable, nothing is written
        }
      }),
      { numRuns: 300 },
    );
  });

  it('devfs.rules: round trip, and ensureRuleset is idempotent', () => {
    fc.assert(
      fc.property(fileOf(devfsLine), (text) => {
        const parsed = parseDevfsRules(text);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(renderDevfsRules(parsed.value)).toBe(text);
        try {
          const rules = ['add include $devfsrules_hide_all', "add path 'nvidia*' unhide"];
          const once = ensureRuleset(parsed.value, 'devfsrules_egpu', 62, rules);
          expect(renderDevfsRules(ensureRuleset(once, 'devfsrules_egpu', 62, rules))).toBe(renderDevfsRules(once));
          expect(getRuleset(once, 'devfsrules_egpu')?.rules).toEqual(rules);
        } catch {
          // a clash with an existing number or an unsafe document: refused, nothing written
        }
      }),
      { numRuns: 300 },
    );
  });

  it('jail.conf: round trip, and setJailParam is idempotent', () => {
    fc.assert(
      fc.property(fileOf(jailLine), (text) => {
        const parsed = parseJailConf(text);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(renderJailConf(parsed.value)).toBe(text);
        try {
          const once = setJailParam(ensureJail(parsed.value, 'cuda'), 'cuda', 'devfs_ruleset', '62');
          expect(renderJailConf(setJailParam(ensureJail(once, 'cuda'), 'cuda', 'devfs_ruleset', '62'))).toBe(renderJailConf(once));
          expect(getJail(once, 'cuda')?.find((p) => p.name === 'devfs_ruleset')?.values).toEqual(['62']);
        } catch {
          // unbalanced generated blocks make the document unsafe to edit: refused
        }
      }),
      { numRuns: 300 },
    );
  });
});
