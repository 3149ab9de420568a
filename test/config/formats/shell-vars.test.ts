import { describe, expect, it } from 'vitest';
import { ConfigEditError } from '../../../src/config/formats/common';
import {
  addToList,
  getValue,
  listKeys,
  parseShellVars,
  removeFromList,
  removeKey,
  render,
  renderShellVars,
  setValue,
  type ShellVarsDialect,
  type ShellVarsDocument,
} from '../../../src/config/formats/shell-vars';
import { LOADER_CONF, RC_CONF } from './fixtures';
import { BINARY, SCALE, attempt, editDiff, expectDiff, expectEditError, ok, rng } from './helpers';

const doc = (text: string, dialect: ShellVarsDialect = 'generic'): ShellVarsDocument => ok(parseShellVars(text, { dialect }));
const loader = (): ShellVarsDocument => doc(LOADER_CONF, 'loader');
const rc = (): ShellVarsDocument => doc(RC_CONF, 'rc');

describe('parseShellVars / render', () => {
  it('gives back the fixtures byte for byte', () => {
    expect(render(loader())).toBe(LOADER_CONF);
    expect(renderShellVars(rc())).toBe(RC_CONF);
  });

  it('keeps CRLF endings, a missing final newline, tabs and empty input', () => {
    for (const text of [
      LOADER_CONF.replace(/\n/g, '\r\n'),
      RC_CONF.slice(0, -1),
      '',
      '\n',
      '\r\n\r\n',
      'a=1',
      '\tfoo="bar"\t# tab\t\r\nx',
      'lone\rcarriage=1\n',
    ]) {
      expect(render(doc(text))).toBe(text);
    }
  });

  it('classifies assignment, comment, blank and other lines', () => {
    const kinds = doc('a="1"\n  # c\n\t\nexport b=2\nc = "3"  # why\nd=\'x y\'\ne=\n').lines.map((l) => l.kind);
    expect(kinds).toEqual(['assignment', 'comment', 'blank', 'other', 'assignment', 'assignment', 'assignment']);
  });

  it('treats a multi-line quoted string and backslash continuations as other lines', () => {
    const parsedDoc = doc('ifconfig_em0="inet 10.0.0.2\n  netmask 255.255.255.0"\nfoo="1"\nbar="a" \\\n  baz="2"\n');
    expect(parsedDoc.lines.map((l) => l.kind)).toEqual(['other', 'other', 'assignment', 'other', 'other']);
    expect(getValue(parsedDoc, 'foo')).toBe('1');
    expect(getValue(parsedDoc, 'ifconfig_em0')).toBeNull();
    expect(parsedDoc.unterminated).toBe(false);
    expect(doc('x="never closed\n').unterminated).toBe(true);
  });

  it('refuses binary input with a parse error', () => {
    expect(parseShellVars(BINARY)).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(parseShellVars('a="1"\nb="\u0000"\n')).toMatchObject({ ok: false, error: { code: 'malformed', line: 2 } });
  });

  it('returns frozen documents', () => {
    const parsedDoc = loader();
    expect(Object.isFrozen(parsedDoc)).toBe(true);
    expect(Object.isFrozen(parsedDoc.lines[0])).toBe(true);
  });
});

describe('getValue', () => {
  it('reads quoted, unquoted and single-quoted values without their quotes', () => {
    expect(getValue(loader(), 'zfs_load')).toBe('YES');
    expect(getValue(loader(), 'hw.pci.realloc_bars')).toBe('1');
    expect(getValue(loader(), 'hw.pci.do_power_nodriver')).toBe('3');
    expect(getValue(loader(), 'hw.psm.synaptics_support')).toBe('1');
    expect(getValue(rc(), 'dbus_enable')).toBe('YES');
    expect(getValue(rc(), 'jail_enable')).toBe('YES');
    expect(getValue(rc(), 'kld_list')).toBe('linux64 i915kms');
    expect(getValue(rc(), 'powerd_flags')).toBe('-a hiadaptive -b adaptive');
  });

  it('lets the last assignment win and ignores commented-out ones', () => {
    expect(getValue(doc('a="1"\n#a="3"\na="2"\n'), 'a')).toBe('2');
    expect(getValue(loader(), 'hw.pci.enable_io_modes')).toBeNull();
    expect(getValue(doc('x=1\n'), 'missing')).toBeNull();
  });

  it('lists the assigned names', () => {
    expect(listKeys(doc('a=1\nb="2"\na=3\n#c=4\n'))).toEqual(['a', 'b']);
  });
});

describe('setValue', () => {
  it('replaces only the value of the last assignment, keeping quotes and trailing comment', () => {
    const before = LOADER_CONF;
    const after = render(setValue(loader(), 'hw.pci.do_power_nodriver', '0'));
    expectDiff(before, after, {
      removed: ['hw.pci.do_power_nodriver=3   # let idle devices sleep'],
      added: ['hw.pci.do_power_nodriver=0   # let idle devices sleep'],
    });
    const spaced = render(setValue(loader(), 'hw.psm.synaptics_support', '0'));
    expectDiff(before, spaced, { removed: ['hw.psm.synaptics_support = "1"'], added: ['hw.psm.synaptics_support = "0"'] });
    const single = render(setValue(rc(), 'dbus_enable', 'NO'));
    expectDiff(RC_CONF, single, { removed: ["dbus_enable='YES'"], added: ["dbus_enable='NO'"] });
  });

  it('changes the assignment that wins when a name is set twice', () => {
    const text = 'a="1"\nb="x"\na="2"  # later\n';
    expect(render(setValue(doc(text), 'a', '3'))).toBe('a="1"\nb="x"\na="3"  # later\n');
  });

  it('double-quotes an unquoted value that no longer is a plain word', () => {
    expect(render(setValue(rc(), 'jail_enable', 'NO'))).toContain('\njail_enable=NO\n');
    expect(render(setValue(doc('x=1\n'), 'x', 'a b'))).toBe('x="a b"\n');
    expect(render(setValue(doc("x='1'\n"), 'x', 'it"s'))).toBe('x=\'it"s\'\n');
    expect(render(setValue(doc("x='1'\n"), 'x', "it's"))).toBe('x="it\'s"\n');
  });

  it('appends a missing name at the end under an optional comment', () => {
    const after = render(setValue(loader(), 'nvidia_load', 'YES', { comment: 'Added by eGPU Wizard: load the NVIDIA driver' }));
    expect(after).toBe(`${LOADER_CONF}# Added by eGPU Wizard: load the NVIDIA driver\nnvidia_load="YES"\n`);
    expectDiff(LOADER_CONF, after, { added: ['# Added by eGPU Wizard: load the NVIDIA driver', 'nvidia_load="YES"'] });
    expect(render(setValue(doc(''), 'a', 'b'))).toBe('a="b"\n');
  });

  it('adds the missing final newline before appending, and uses the file line ending', () => {
    expect(render(setValue(doc('a="1"'), 'b', '2'))).toBe('a="1"\nb="2"\n');
    expect(render(setValue(doc('a="1"\r\nc="3"'), 'b', '2'))).toBe('a="1"\r\nc="3"\r\nb="2"\r\n');
  });

  it('does not uncomment a commented-out line', () => {
    const after = render(setValue(loader(), 'hw.pci.enable_io_modes', '0'));
    expect(after).toContain('#hw.pci.enable_io_modes=0\n');
    expect(after.endsWith('hw.pci.enable_io_modes="0"\n')).toBe(true);
  });

  it('is idempotent and returns the same document when nothing changes', () => {
    const once = setValue(loader(), 'nvidia_load', 'YES', { comment: 'Added by eGPU Wizard: driver' });
    const twice = setValue(once, 'nvidia_load', 'YES', { comment: 'Added by eGPU Wizard: driver' });
    expect(twice).toBe(once);
    const replaced = setValue(loader(), 'hw.pci.realloc_bars', '0');
    expect(render(setValue(replaced, 'hw.pci.realloc_bars', '0'))).toBe(render(replaced));
  });

  it('never changes the document it is given', () => {
    const original = loader();
    setValue(original, 'hw.pci.realloc_bars', '0');
    setValue(original, 'new_key', 'v');
    expect(render(original)).toBe(LOADER_CONF);
  });

  it('accepts module names with - in the loader dialect only', () => {
    const after = render(setValue(loader(), 'nvidia-modeset_load', 'YES'));
    expect(after.endsWith('nvidia-modeset_load="YES"\n')).toBe(true);
    expect(getValue(doc(after, 'loader'), 'nvidia-modeset_load')).toBe('YES');
    expectEditError(() => setValue(doc(''), 'nvidia-modeset_load', 'YES'), 'invalid-key');
    expectEditError(() => setValue(rc(), 'hw.pci.realloc_bars', '1'), 'invalid-key');
  });

  it('writes only what the Lua loader reads back in the loader dialect', () => {
    expect(render(setValue(doc("x='1'\n", 'loader'), 'x', '2'))).toBe('x="2"\n');
    expect(render(setValue(doc("x='1'\n", 'rc'), 'x', '2'))).toBe("x='2'\n");
    expect(render(setValue(doc('x=1\n', 'loader'), 'x', 'a.b'))).toBe('x="a.b"\n');
    expectEditError(() => setValue(loader(), 'kern.vt.fb.default_mode', 'é'), 'invalid-value');
    expectEditError(() => setValue(doc('x=1\n'), 'x', 'é'), 'invalid-value');
    expect(render(setValue(rc(), 'hostname', 'café.home.arpa'))).toContain('hostname="café.home.arpa"\n');
  });

  it('refuses bad names and values it cannot write literally', () => {
    const d = loader();
    for (const key of ['', '1abc', 'a b', 'a=b', 'a"b', 'a$b', '-a', 'ä']) expectEditError(() => setValue(d, key, 'x'), 'invalid-key');
    for (const value of ['a\nb', 'a\rb', 'a\u0000b', 'say "hi"', 'back\\slash', '$HOME', '`id`', '\u001b[0m']) {
      expectEditError(() => setValue(d, 'new_key', value), 'invalid-value');
      expectEditError(() => setValue(d, 'zfs_load', value), 'invalid-value');
    }
    expectEditError(() => setValue(d, 'new_key', 'x', { comment: 'two\nlines' }), 'invalid-comment');
  });

  it('refuses to edit a name that a line it cannot read may also set', () => {
    expectEditError(() => setValue(doc('foo="1"\nfoo="2"; bar=3\n'), 'foo', 'x'), 'ambiguous');
    expectEditError(() => removeKey(doc('export foo=1\n'), 'foo'), 'ambiguous');
    expect(render(setValue(doc('xfoo="1"; y=2\n'), 'foo', 'x'))).toBe('xfoo="1"; y=2\nfoo="x"\n');
  });

  it('refuses to append to a file that ends inside an open quote', () => {
    expectEditError(() => setValue(doc('a="1"\nb="open\n'), 'c', 'x'), 'unsafe-document');
    expect(render(setValue(doc('a="1"\nb="open\n'), 'a', '2'))).toBe('a="2"\nb="open\n');
  });
});

describe('removeKey', () => {
  it('removes every active assignment and leaves commented-out ones', () => {
    const text = '#a="0"\na="1"\nb="x"\n  a = "2"  # again\n';
    const after = render(removeKey(doc(text), 'a'));
    expect(after).toBe('#a="0"\nb="x"\n');
    expectDiff(text, after, { removed: ['a="1"', '  a = "2"  # again'] });
  });

  it('is idempotent and returns the same document when there is nothing to remove', () => {
    const once = removeKey(loader(), 'hw.pci.realloc_bars');
    expect(getValue(once, 'hw.pci.realloc_bars')).toBeNull();
    expect(removeKey(once, 'hw.pci.realloc_bars')).toBe(once);
    expect(render(removeKey(doc('a=1\nb=2'), 'b'))).toBe('a=1\n');
  });
});

describe('addToList / removeFromList', () => {
  it('appends a word to kld_list once, keeping order and the trailing comment', () => {
    const once = addToList(rc(), 'kld_list', 'nvidia-modeset');
    expectDiff(RC_CONF, render(once), {
      removed: ['kld_list="linux64 i915kms"   # loaded by rc.d/kld'],
      added: ['kld_list="linux64 i915kms nvidia-modeset"   # loaded by rc.d/kld'],
    });
    expect(addToList(once, 'kld_list', 'nvidia-modeset')).toBe(once);
    expect(addToList(once, 'kld_list', 'linux64')).toBe(once);
  });

  it('creates a missing list and quotes a plain value that becomes a list', () => {
    expect(render(addToList(doc(''), 'kld_list', 'nvidia', { comment: 'Added by eGPU Wizard: driver' }))).toBe(
      '# Added by eGPU Wizard: driver\nkld_list="nvidia"\n',
    );
    expect(render(addToList(doc('kld_list=linux64\n'), 'kld_list', 'nvidia'))).toBe('kld_list="linux64 nvidia"\n');
    expect(render(addToList(doc('kld_list=""\n'), 'kld_list', 'nvidia'))).toBe('kld_list="nvidia"\n');
    expect(render(addToList(doc('kld_list="${kld_list} a"\n'), 'kld_list', 'b'))).toBe('kld_list="${kld_list} a b"\n');
  });

  it('removes every occurrence of a word and keeps the others in order', () => {
    const text = 'kld_list="nvidia linux64  nvidia i915kms nvidia"\n';
    expect(render(removeFromList(doc(text), 'kld_list', 'nvidia'))).toBe('kld_list="linux64 i915kms"\n');
    expect(render(removeFromList(doc('kld_list="nvidia"\n'), 'kld_list', 'nvidia'))).toBe('kld_list=""\n');
    expect(render(removeFromList(doc('kld_list=nvidia\n'), 'kld_list', 'nvidia'))).toBe('kld_list=""\n');
    expect(render(removeFromList(doc("l=' a b '\n"), 'l', 'a'))).toBe("l=' b '\n");
    const once = removeFromList(rc(), 'kld_list', 'i915kms');
    expect(getValue(once, 'kld_list')).toBe('linux64');
    expect(removeFromList(once, 'kld_list', 'i915kms')).toBe(once);
    expect(removeFromList(once, 'missing_list', 'x')).toBe(once);
  });

  it('refuses words that are not single safe words', () => {
    for (const word of ['', 'a b', 'a"b', '$x', 'a\nb', "it's"]) {
      expectEditError(() => addToList(rc(), 'kld_list', word), 'invalid-value');
      expectEditError(() => removeFromList(rc(), 'kld_list', word), 'invalid-value');
    }
  });
});

// -------------------------------------------------------------------------------------------- properties

const POOL = [
  '',
  '   ',
  '\t',
  '# comment',
  '  #indented comment "with quote',
  '#commented_out="x"',
  'nvidia_load="YES"',
  'hw.pci.realloc_bars=1',
  'kld_list="nvidia-modeset linux64"',
  "key='single'",
  'foo="1"  # why',
  'foo = "spaced"',
  'foo=\t"tab"',
  '\tfoo="indented"\t',
  'foo=bare',
  'foo=',
  'foo="1"#glued',
  'foo="1";',
  'export foo=2',
  'x="a \\" b"',
  'multi="first',
  'line"',
  "open='single",
  'cont="a" \\',
  'if [ -f /etc/x ]; then',
  'fi',
  'ünïcödé="ok"',
  'weird = value with spaces',
  '\r',
  'a.b.c="dotted"',
  'kld_list="${kld_list} nvidia"',
  'nvidia-modeset_load="YES"',
];
const KEYS = ['foo', 'nvidia_load', 'kld_list', 'key', 'hw.pci.realloc_bars', 'x', 'a.b.c', 'new_key', 'nvidia-modeset_load'];
const VALUES = ['YES', 'NO', '0', '1', 'a b', '', 'nvidia linux64', "it's", 'x,y:z', 'é'];

function randomText(seed: number): string {
  const r = rng(seed);
  const count = r.int(12);
  let text = '';
  for (let i = 0; i < count; i++) {
    let line = r.pick(POOL);
    if (r.chance(0.1)) {
      const at = r.int(line.length + 1);
      line = line.slice(0, at) + r.pick([' ', '\t', '"', "'", '#', '=', '\\', 'é', ';']) + line.slice(at);
    }
    const last = i === count - 1;
    text += line + (last && r.chance(0.3) ? '' : r.pick(['\n', '\n', '\r\n']));
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

  it('round-trips arbitrary printable strings', () => {
    const r = rng(7);
    const alphabet = 'ab=_."\'#\\ \t\n\r$`;{}[]é1';
    for (let n = 0; n < 500 * SCALE; n++) {
      let text = '';
      const length = r.int(60);
      for (let i = 0; i < length; i++) text += alphabet[r.int(alphabet.length)] ?? '';
      expect(render(doc(text))).toBe(text);
    }
  });

  it('edits touch only the lines of their key and are idempotent', () => {
    for (let seed = 1; seed <= 600 * SCALE; seed++) {
      const r = rng(seed * 31);
      const text = randomText(seed);
      const dialect = r.pick<ShellVarsDialect>(['generic', 'loader', 'rc']);
      const before = doc(text, dialect);
      const key = r.pick(KEYS);
      const value = r.pick(VALUES);
      const edits: Array<[string, (d: ShellVarsDocument) => ShellVarsDocument]> = [
        ['set', (d) => setValue(d, key, value, { comment: 'Added by eGPU Wizard: test' })],
        ['remove', (d) => removeKey(d, key)],
        ['add', (d) => addToList(d, key, 'nvidia')],
        ['drop', (d) => removeFromList(d, key, 'nvidia')],
      ];
      const [name, edit] = r.pick(edits);
      const once = attempt(() => edit(before));
      if (once instanceof ConfigEditError) continue;
      const context = `seed ${seed} (${dialect}): ${name} ${key}=${JSON.stringify(value)} on ${JSON.stringify(text)}`;
      expect(render(before), context).toBe(text);
      expect(render(edit(once)), context).toBe(render(once));
      const { removed, added } = editDiff(text, render(once));
      const own = (line: string): boolean => {
        const parsedLine = doc(line, dialect).lines[0];
        return parsedLine?.kind === 'assignment' && parsedLine.key === key;
      };
      for (const line of removed) expect(own(line), `${context}: removed ${line}`).toBe(true);
      for (const line of added) expect(own(line) || line === '# Added by eGPU Wizard: test', `${context}: added ${line}`).toBe(true);
      if (name === 'set') expect(getValue(once, key), context).toBe(value);
      if (name === 'remove') expect(getValue(once, key), context).toBeNull();
    }
  });
});
