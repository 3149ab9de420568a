import { describe, expect, it } from 'vitest';
import { ConfigEditError } from '../../../src/config/formats/common';
import {
  addJailParam,
  ensureJail,
  getGlobalParams,
  getJail,
  listJails,
  parseJailConf,
  removeJail,
  removeJailParam,
  render,
  renderJailConf,
  setJailParam,
  type JailConfDocument,
} from '../../../src/config/formats/jail-conf';
import { JAIL_CONF } from './fixtures';
import { BINARY, SCALE, attempt, editDiff, expectDiff, expectEditError, ok, rng } from './helpers';

const doc = (text: string): JailConfDocument => ok(parseJailConf(text));
const fixture = (): JailConfDocument => doc(JAIL_CONF);

describe('parseJailConf / render', () => {
  it('gives back the fixture byte for byte, also with CRLF and without a final newline', () => {
    for (const text of [JAIL_CONF, JAIL_CONF.replace(/\n/g, '\r\n'), JAIL_CONF.slice(0, -1), '', '\n\n']) {
      const parsedDoc = doc(text);
      expect(render(parsedDoc)).toBe(text);
      expect(parsedDoc.problem).toBeNull();
    }
    expect(renderJailConf(fixture())).toBe(JAIL_CONF);
  });

  it('reads global parameters, jails, comments and quoted strings holding ; and braces', () => {
    const d = fixture();
    expect(d.problem).toBeNull();
    expect(listJails(d)).toEqual(['ubuntu', 'cuda']);
    expect(getGlobalParams(d)).toEqual([
      { name: 'exec.start', op: '=', values: ['/bin/sh /etc/rc'] },
      { name: 'exec.stop', op: '=', values: ['/bin/sh /etc/rc.shutdown'] },
      { name: 'exec.clean', op: 'flag', values: [] },
      { name: 'mount.devfs', op: 'flag', values: [] },
      { name: 'path', op: '=', values: ['/jails/${name}'] },
      { name: 'host.hostname', op: '=', values: ['${name}.x220.home.arpa'] },
    ]);
    expect(getJail(d, 'cuda')).toEqual([
      { name: 'ip4.addr', op: '=', values: ['192.168.1.50', '192.168.1.51'] },
      { name: 'exec.prestart', op: '+=', values: ['logger starting cuda; sync'] },
      { name: 'exec.prestart', op: '+=', values: ['echo "$name"'] },
      { name: 'allow.nomount', op: 'flag', values: [] },
      { name: 'mount.devfs', op: 'flag', values: [] },
    ]);
    const ubuntu = getJail(d, 'ubuntu') ?? [];
    expect(ubuntu.map((p) => p.name)).not.toContain('exec.poststart');
    expect(ubuntu.find((p) => p.name === 'linux.osrelease')?.values).toEqual(['5.15.0']);
    expect(getJail(d, 'missing')).toBeNull();
  });

  it('decodes escapes, adjacent pieces and the name-value form like jaillex.l', () => {
    const d = doc('j { a = "x\\"y\\\\z"; b = one"two"\'three\'; c "/x" ; d = \\101\\x42; e = "a;b{c}"; }\n');
    expect(getJail(d, 'j')).toEqual([
      { name: 'a', op: '=', values: ['x"y\\z'] },
      { name: 'b', op: '=', values: ['onetwothree'] },
      { name: 'c', op: '=', values: ['/x'] },
      { name: 'd', op: '=', values: ['AB'] },
      { name: 'e', op: '=', values: ['a;b{c}'] },
    ]);
  });

  it('keeps nested jail blocks as they are', () => {
    const d = doc('outer {\n\tpath = "/j";\n\tinner {\n\t\tpath = "/j/in";\n\t}\n}\n');
    expect(d.problem).toBeNull();
    expect(getJail(d, 'outer')).toEqual([{ name: 'path', op: '=', values: ['/j'] }]);
  });

  it('records what it does not understand as the problem, and still renders exactly', () => {
    for (const [text, line] of [
      ['a { b = "unterminated;\n}\n', 1],
      ['a { b = 1 }\n', 1],
      ['a {\n b;\n', 3],
      ['}\n', 1],
      ['x = 1;\n/* open comment\n', 2],
      ['a { b = ${broken; }\n', 2],
      ['a { b = ${broken\n; }\n', 1],
      ['a { b = ; }\n', 1],
      ['a { \u00e9; }\n', 1],
      ['a = 1', 1],
    ] as const) {
      const d = doc(text);
      expect(render(d)).toBe(text);
      expect(d.problem?.line, text).toBe(line);
    }
  });

  it('refuses binary input with a parse error', () => {
    expect(parseJailConf(BINARY)).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(parseJailConf('a {\n}\n\u0000')).toMatchObject({ ok: false, error: { code: 'malformed', line: 3 } });
  });
});

describe('setJailParam', () => {
  it('replaces only the value of an existing assignment', () => {
    const after = render(setJailParam(fixture(), 'ubuntu', 'devfs_ruleset', '61'));
    expectDiff(JAIL_CONF, after, { removed: ['\tdevfs_ruleset = 4;'], added: ['\tdevfs_ruleset = 61;'] });
    const path = render(setJailParam(fixture(), 'ubuntu', 'mount.fstab', '/jails/ubuntu/etc/fstab.nvidia'));
    expectDiff(JAIL_CONF, path, {
      removed: ['\tmount.fstab = "/jails/ubuntu/etc/fstab";'],
      added: ['\tmount.fstab = "/jails/ubuntu/etc/fstab.nvidia";'],
    });
  });

  it('appends a new parameter before the closing brace with the block indentation', () => {
    const after = render(setJailParam(fixture(), 'cuda', 'devfs_ruleset', '61'));
    expectDiff(JAIL_CONF, after, { added: ['    devfs_ruleset = 61;'] });
    expect(after).toContain('    mount.devfs;\n    devfs_ruleset = 61;\n}\n');
    const exec = render(setJailParam(fixture(), 'ubuntu', 'exec.poststart', '/bin/sh -c "echo $name"'));
    expectDiff(JAIL_CONF, exec, { added: ['\texec.poststart = "/bin/sh -c \\"echo $name\\"";'] });
    expect(getJail(doc(exec), 'ubuntu')?.at(-1)).toEqual({ name: 'exec.poststart', op: '=', values: ['/bin/sh -c "echo ${name}"'] });
  });

  it('writes booleans as flags and replaces the no- form', () => {
    const after = render(setJailParam(fixture(), 'cuda', 'allow.mount', true));
    expectDiff(JAIL_CONF, after, { removed: ['    allow.nomount;   # no mounts in here'], added: ['    allow.mount;   # no mounts in here'] });
    const linprocfs = render(setJailParam(fixture(), 'cuda', 'allow.mount.linprocfs', true));
    expectDiff(JAIL_CONF, linprocfs, { added: ['    allow.mount.linprocfs;'] });
    expect(setJailParam(fixture(), 'ubuntu', 'allow.mount.linprocfs', true)).toStrictEqual(fixture());
    const toValue = render(setJailParam(fixture(), 'ubuntu', 'persist', 'false'));
    expectDiff(JAIL_CONF, toValue, { removed: ['\tpersist;'], added: ['\tpersist = false;'] });
  });

  it('drops += additions after the assignment so the new value is the one that holds', () => {
    const text = 'j {\n\texec.start = "/bin/a";\n\texec.start += "/bin/b";\n\tpersist;\n}\n';
    expect(render(setJailParam(doc(text), 'j', 'exec.start', '/bin/c'))).toBe('j {\n\texec.start = "/bin/c";\n\tpersist;\n}\n');
  });

  it('handles empty and one-line blocks and CRLF files', () => {
    expect(render(setJailParam(doc('j {\n}\n'), 'j', 'persist', true))).toBe('j {\n    persist;\n}\n');
    expect(render(setJailParam(doc('  j {\n  }\n'), 'j', 'persist', true))).toBe('  j {\n      persist;\n  }\n');
    expect(render(setJailParam(doc('j { persist; }\n'), 'j', 'ip4', 'inherit'))).toBe('j { persist; ip4 = inherit; }\n');
    expect(render(setJailParam(doc('j {}'), 'j', 'ip4', 'inherit'))).toBe('j { ip4 = inherit; }');
    expect(render(setJailParam(doc('j {\r\n\tpersist;\r\n}\r\n'), 'j', 'ip4', 'inherit'))).toBe('j {\r\n\tpersist;\r\n\tip4 = inherit;\r\n}\r\n');
  });

  it('keeps the quoting of the value it replaces', () => {
    expect(render(setJailParam(doc("j { a = 'x'; }"), 'j', 'a', 'y z'))).toBe("j { a = 'y z'; }");
    expect(render(setJailParam(doc('j { a = x; }'), 'j', 'a', 'y z'))).toBe('j { a = "y z"; }');
    expect(render(setJailParam(doc('j { a = "x"; }'), 'j', 'a', 'y'))).toBe('j { a = "y"; }');
    expect(render(setJailParam(doc('j { a x, y; }'), 'j', 'a', 'z'))).toBe('j { a z; }');
  });

  it('is idempotent and leaves the given document unchanged', () => {
    const original = fixture();
    for (const [jail, key, value] of [
      ['ubuntu', 'devfs_ruleset', '61'],
      ['cuda', 'devfs_ruleset', '61'],
      ['cuda', 'allow.mount', true],
      ['ubuntu', 'path', '/jails/$name'],
      ['ubuntu', 'host.hostname', 'a "quoted" name'],
      ['cuda', 'exec.prestart', 'logger x'],
    ] as const) {
      const once = setJailParam(original, jail, key, value);
      expect(setJailParam(once, jail, key, value), `${jail} ${key}`).toBe(once);
    }
    expect(render(original)).toBe(JAIL_CONF);
  });

  it('refuses bad names and values', () => {
    const d = fixture();
    for (const jail of ['', '-x', 'a b', 'a{', 'a;b', '"q"']) expectEditError(() => setJailParam(d, jail, 'persist', true), 'invalid-name');
    for (const key of ['', '1a', 'a..b', 'a.', 'a b', 'a;b', 'a=b', '$x']) expectEditError(() => setJailParam(d, 'ubuntu', key, true), 'invalid-key');
    for (const value of ['a\nb', 'a\rb', 'nul\u0000', 'say "hi', "it's", '${open', 'x\u0007']) {
      expectEditError(() => setJailParam(d, 'ubuntu', 'host.hostname', value), 'invalid-value');
      expectEditError(() => addJailParam(d, 'ubuntu', 'exec.prestart', value), 'invalid-value');
    }
  });

  it('refuses a missing or duplicated jail and a document it does not understand', () => {
    expectEditError(() => setJailParam(fixture(), 'missing', 'persist', true), 'not-found');
    expectEditError(() => setJailParam(doc('j {}\nj {}\n'), 'j', 'persist', true), 'ambiguous');
    expectEditError(() => setJailParam(doc('j { a = "open; }\n'), 'j', 'persist', true), 'unsafe-document');
    expectEditError(() => ensureJail(doc('x = 1;\n/* open'), 'j'), 'unsafe-document');
    expectEditError(() => removeJail(doc('j { a = 1 }'), 'j'), 'unsafe-document');
  });
});

describe('addJailParam', () => {
  it('appends a += statement unless the value is already there', () => {
    const after = addJailParam(fixture(), 'ubuntu', 'exec.poststart', '/usr/local/bin/nvidia-smi');
    expectDiff(JAIL_CONF, render(after), { added: ['\texec.poststart += "/usr/local/bin/nvidia-smi";'] });
    expect(addJailParam(after, 'ubuntu', 'exec.poststart', '/usr/local/bin/nvidia-smi')).toBe(after);
    const cuda = fixture();
    expect(addJailParam(cuda, 'cuda', 'exec.prestart', 'logger starting cuda; sync')).toBe(cuda);
    expect(addJailParam(cuda, 'cuda', 'ip4.addr', '192.168.1.51')).toBe(cuda);
    expectDiff(JAIL_CONF, render(addJailParam(cuda, 'cuda', 'ip4.addr', '192.168.1.52')), { added: ['    ip4.addr += 192.168.1.52;'] });
  });
});

describe('removeJailParam', () => {
  it('removes every statement for the key with its line', () => {
    const after = render(removeJailParam(fixture(), 'cuda', 'exec.prestart'));
    expectDiff(JAIL_CONF, after, { removed: ['    exec.prestart += "logger starting cuda; sync";', '    exec.prestart += \'echo "$name"\';'] });
    const mount = render(removeJailParam(fixture(), 'cuda', 'allow.mount'));
    expectDiff(JAIL_CONF, mount, { removed: ['    allow.nomount;   # no mounts in here'] });
    expect(render(removeJailParam(doc('j { a; b; }'), 'j', 'a'))).toBe('j { b; }');
    const once = removeJailParam(fixture(), 'ubuntu', 'persist');
    expect(removeJailParam(once, 'ubuntu', 'persist')).toBe(once);
  });
});

describe('ensureJail / removeJail', () => {
  it('appends an empty block after a blank line, once', () => {
    const once = ensureJail(fixture(), 'nvidia', { comment: 'Added by eGPU Wizard' });
    expect(render(once)).toBe(`${JAIL_CONF}\nnvidia {\n    # Added by eGPU Wizard\n}\n`);
    expect(ensureJail(once, 'nvidia')).toBe(once);
    expect(render(ensureJail(doc(''), 'a'))).toBe('a {\n}\n');
    expect(render(ensureJail(doc('x = 1;'), 'a'))).toBe('x = 1;\n\na {\n}\n');
    expect(render(ensureJail(doc('x = 1; // note'), 'a'))).toBe('x = 1; // note\n\na {\n}\n');
    expect(render(ensureJail(doc('x = 1;\r\n\r\n'), 'a'))).toBe('x = 1;\r\n\r\na {\r\n}\r\n');
  });

  it('removes a jail with the lines it stands on and leaves the rest', () => {
    const after = render(removeJail(fixture(), 'cuda'));
    expect(after).toBe(JAIL_CONF.slice(0, JAIL_CONF.indexOf('\ncuda {')));
    const ubuntu = removeJail(fixture(), 'ubuntu');
    expect(listJails(ubuntu)).toEqual(['cuda']);
    expect(getJail(ubuntu, 'cuda')).toEqual(getJail(fixture(), 'cuda'));
    expect(render(ubuntu)).toContain('host.hostname = "${name}.x220.home.arpa";\n\ncuda {');
    expect(render(ubuntu)).not.toContain('# Ubuntu userland');
    expect(removeJail(ubuntu, 'ubuntu')).toBe(ubuntu);
    expect(render(removeJail(doc('a { x; } b { y; }'), 'a'))).toBe('b { y; }');
    // A # inside a multi-line string right above the block is not a comment and stays.
    const tricky = 'x = "one\n# two";\nj {\n}\n';
    expect(render(removeJail(doc(tricky), 'j'))).toBe('x = "one\n# two";\n');
    expect(render(removeJail(doc('# about j\n// more\nj {\n}\n\nk {\n}\n'), 'j'))).toBe('k {\n}\n');
    expect(render(removeJail(doc('j {\n}\nj { persist; }\n'), 'j'))).toBe('');
  });

  it('undoes ensureJail', () => {
    const added = setJailParam(ensureJail(fixture(), 'nvidia'), 'nvidia', 'persist', true);
    expect(render(removeJail(added, 'nvidia'))).toBe(JAIL_CONF);
  });
});

// -------------------------------------------------------------------------------------------- properties

const FRAGMENTS = [
  'ubuntu {',
  'cuda {',
  '}',
  'exec.clean;',
  'mount.devfs;',
  'path = "/jails/$name";',
  'host.hostname = "${name}.lan";',
  'devfs_ruleset = 61;',
  'allow.nomount;',
  'allow.mount.linprocfs;',
  'ip4.addr = 10.0.0.1, 10.0.0.2;',
  'exec.prestart += "echo a; echo b";',
  "exec.stop = 'x { y }';",
  '# hash comment',
  '// slash comment',
  '/* block',
  'comment */',
  '/* inline */',
  ';',
  '"unterminated',
  '\\',
  '$',
  '=',
  ',',
  'é',
];
const JAILS = ['ubuntu', 'cuda', 'nvidia'];
const PARAMS = ['devfs_ruleset', 'allow.mount', 'path', 'exec.prestart', 'ip4.addr', 'persist'];
const VALUES: Array<string | true> = [true, '61', '/jails/$name', 'a b', '', '10.0.0.3', 'logger "x"'];

function randomText(seed: number): string {
  const r = rng(seed);
  const count = r.int(16);
  let text = '';
  for (let i = 0; i < count; i++) {
    text += r.pick(FRAGMENTS);
    text += r.pick(['\n', '\n', '\r\n', ' ', '\t', '', '\n\t']);
  }
  return text;
}

function structured(seed: number): string {
  const r = rng(seed);
  let text = r.chance(0.5) ? 'exec.clean;\nmount.devfs;\n' : '';
  for (const jail of JAILS.filter(() => r.chance(0.6))) {
    const indent = r.pick(['\t', '    ', '  ']);
    text += `${jail} {\n`;
    const count = r.int(5);
    for (let i = 0; i < count; i++) text += `${indent}${r.pick(FRAGMENTS.slice(3, 15))}${r.pick(['', '  # note', ' /* c */'])}\n`;
    text += r.chance(0.8) ? '}\n' : '}';
  }
  return r.chance(0.3) ? text.replace(/\n/g, '\r\n') : text;
}

describe('properties', () => {
  it('render(parse(x)) === x for random token soup and structured files', () => {
    for (let seed = 1; seed <= 1500 * SCALE; seed++) {
      const soup = randomText(seed);
      expect(render(doc(soup)), `seed ${seed}`).toBe(soup);
      const text = structured(seed);
      const d = doc(text);
      expect(render(d), `seed ${seed}`).toBe(text);
      expect(d.problem, text).toBeNull();
    }
  });

  it('edits are idempotent and leave other jails and lines of other keys alone', () => {
    for (let seed = 1; seed <= 800 * SCALE; seed++) {
      const r = rng(seed * 13);
      const text = r.chance(0.7) ? structured(seed) : randomText(seed);
      const before = doc(text);
      const jail = r.pick(JAILS);
      const key = r.pick(PARAMS);
      const value = r.pick(VALUES);
      const edits: Array<[string, (d: JailConfDocument) => JailConfDocument]> = [
        ['set', (d) => setJailParam(d, jail, key, value)],
        ['add', (d) => addJailParam(d, jail, key, value === true ? 'x' : value)],
        ['removeParam', (d) => removeJailParam(d, jail, key)],
        ['ensure', (d) => ensureJail(d, jail)],
        ['remove', (d) => removeJail(d, jail)],
      ];
      const [name, edit] = r.pick(edits);
      const once = attempt(() => edit(before));
      if (once instanceof ConfigEditError) {
        if (before.problem === null) expect(['not-found', 'ambiguous', 'invalid-value']).toContain(once.code);
        continue;
      }
      const context = `seed ${seed}: ${name} ${jail} ${key}=${JSON.stringify(value)} on ${JSON.stringify(text)}`;
      expect(before.problem, context).toBeNull();
      expect(render(before), context).toBe(text);
      expect(edit(once), context).toBe(once);
      expect(once.problem, context).toBeNull();
      for (const other of JAILS.filter((j) => j !== jail)) expect(getJail(once, other), context).toEqual(getJail(before, other));
      expect(getGlobalParams(once), context).toEqual(getGlobalParams(before));
      if (name === 'set' || name === 'add' || name === 'removeParam') {
        const { removed, added } = editDiff(text, render(once));
        const mentions = (line: string): boolean => line.includes(key) || line.includes(key.replace(/([^.]+)$/, 'no$1'));
        for (const line of removed) expect(mentions(line), `${context}: removed ${line}`).toBe(true);
        for (const line of added) expect(mentions(line), `${context}: added ${line}`).toBe(true);
      }
    }
  });
});
