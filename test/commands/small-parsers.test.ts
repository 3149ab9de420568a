import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from '../../src/commands/parse-result';
import { parseIdName, parseIdUid } from '../../src/commands/parsers/id';
import { parseKenv } from '../../src/commands/parsers/kenv';
import { parseKldstat } from '../../src/commands/parsers/kldstat';
import { parsePkgQuery } from '../../src/commands/parsers/pkg-query';
import { parseSysctlValue } from '../../src/commands/parsers/sysctl';
import { parseUname } from '../../src/commands/parsers/uname';
import { parseWhich } from '../../src/commands/parsers/which';

const own = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'outputs', name), 'utf8');

function ok<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected a parse, got ${result.error.code}: ${result.error.message} (line ${result.error.line})`);
  return result.value;
}

const BINARY = '\u007fELF\u0002\u0001\u0001\u0000\u0000\u0000';

describe('parseKldstat', () => {
  it('reads the modules of an X220 with nvidia.ko and the Linux ABI loaded', () => {
    const { modules } = ok(parseKldstat(own('kldstat-x220-nvidia.txt')));
    expect(modules).toHaveLength(8);
    expect(modules[0]).toEqual({ id: 1, refs: 76, address: '0xffffffff80200000', sizeBytes: 0x1f4e5b0, name: 'kernel' });
    expect(modules.find((m) => m.name === 'nvidia.ko')).toEqual({ id: 2, refs: 1, address: '0xffffffff8214f000', sizeBytes: 0x2d7f5a8, name: 'nvidia.ko' });
    expect(modules.map((m) => m.name)).toContain('linux64.ko');
  });

  it('reads the row from the kldstat format string', () => {
    expect(ok(parseKldstat('Id Refs Address                Size Name\n 1   85 0xffffffff80200000  1f3e2d0 kernel\n')).modules).toEqual([
      { id: 1, refs: 85, address: '0xffffffff80200000', sizeBytes: 0x1f3e2d0, name: 'kernel' },
    ]);
  });

  it('refuses empty, header-less, module-less, cut-off and binary output', () => {
    expect(parseKldstat('')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseKldstat(' 1   85 0xffffffff80200000  1f3e2d0 kernel\n')).toMatchObject({ ok: false, error: { code: 'unexpected-output', line: 1 } });
    expect(parseKldstat('Id Refs Address                Size Name\n')).toMatchObject({ ok: false, error: { code: 'truncated' } });
    expect(parseKldstat('Id Refs Address                Size Name\n 1   85 0xffffffff80200000  1f3e')).toMatchObject({ ok: false, error: { code: 'truncated', line: 2 } });
    expect(parseKldstat(BINARY)).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });

  it('sets aside lines it does not know: a prompt before the header, an error message, a module listed twice', () => {
    const text = `% kldstat\nId Refs Address                Size Name\n 1   85 0xffffffff80200000  1f3e2d0 kernel\nkldstat: can't stat\n 1    1 0xffffffff82140000   ff2b38 nvidia.ko\n 2    1 0xffffffff82140000   ff2b38 nvidia.ko\n`;
    expect(ok(parseKldstat(text))).toEqual({
      modules: [
        { id: 1, refs: 85, address: '0xffffffff80200000', sizeBytes: 0x1f3e2d0, name: 'kernel' },
        { id: 2, refs: 1, address: '0xffffffff82140000', sizeBytes: 0xff2b38, name: 'nvidia.ko' },
      ],
      unparsed: [
        { line: 1, text: '% kldstat' },
        { line: 4, text: "kldstat: can't stat" },
        { line: 5, text: ' 1    1 0xffffffff82140000   ff2b38 nvidia.ko' },
      ],
    });
  });

  it('reads kldstat -v: the path after the name, the module lists under each file', () => {
    const text = 'Id Refs Address                Size Name\n 1   85 0xffffffff80200000  1f3e2d0 kernel (/boot/kernel/kernel)\n\tContains modules:\n\t\t Id Name\n\t\t 18 pci\n 2    1 0xffffffff82140000   ff2b38 nvidia.ko (/boot/modules/nvidia.ko)\n';
    const output = ok(parseKldstat(text));
    expect(output.modules.map((m) => m.name)).toEqual(['kernel', 'nvidia.ko']);
    expect(output.unparsed).toEqual([]);
  });
});

describe('parseKenv', () => {
  it('reads the SMBIOS identification of an X220', () => {
    const { values } = ok(parseKenv(own('kenv-x220.txt')));
    expect(values['smbios.system.product']).toBe('4291WF5');
    expect(values['smbios.system.version']).toBe('ThinkPad X220');
    expect(values['smbios.system.maker']).toBe('LENOVO');
    expect(values['smbios.bios.version']).toBe('8DET76WW (1.46 )');
    expect(values.kernel_options).toBe('');
    expect(values.prompt).toBe('${interpret}');
    expect(Object.keys(values)).toHaveLength(54);
  });

  it('keeps quotes inside values; refuses a name it cannot represent', () => {
    expect(ok(parseKenv('a="say "hi""\nconstructor="x"\n')).values).toEqual({ a: 'say "hi"', constructor: 'x' });
    expect(ok(parseKenv('a="1"\n__proto__="x"\n'))).toEqual({ values: { a: '1' }, unparsed: [{ line: 2, text: '__proto__="x"' }] });
  });

  it('sets aside lines that are not name="value" and a name given twice (the first value kept)', () => {
    expect(ok(parseKenv('smbios.system.maker=LENOVO\na="1"\n\na="2"\nb="2"\n'))).toEqual({
      values: { a: '1', b: '2' },
      unparsed: [
        { line: 1, text: 'smbios.system.maker=LENOVO' },
        { line: 4, text: 'a="2"' },
      ],
    });
  });

  it('refuses empty, cut-off and binary output, and output without a single name="value" line', () => {
    expect(parseKenv('')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseKenv('smbios.system.maker=LENOVO\n')).toMatchObject({ ok: false, error: { code: 'unexpected-output', line: 1 } });
    expect(parseKenv('LINES="24"\nsmbios.system.maker="LEN')).toMatchObject({ ok: false, error: { code: 'truncated', line: 2 } });
    expect(parseKenv('kenv: unable to get kernel environment\n')).toMatchObject({ ok: false, error: { code: 'unexpected-output', line: 1 } });
    expect(parseKenv(BINARY)).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });
});

describe('parsePkgQuery', () => {
  it('reads name<TAB>version lines', () => {
    const { packages } = ok(parsePkgQuery(own('pkg-query-x220.txt')));
    expect(packages).toHaveLength(8);
    expect(packages).toContainEqual({ name: 'nvidia-driver', version: '550.127.05' });
    expect(packages).toContainEqual({ name: 'linux-nvidia-libs', version: '550.127.05' });
  });

  it('no output means no packages', () => {
    expect(ok(parsePkgQuery(''))).toEqual({ packages: [], unparsed: [] });
    expect(ok(parsePkgQuery('\n'))).toEqual({ packages: [], unparsed: [] });
  });

  it('sets aside lines that are not name<TAB>version and a package named twice', () => {
    expect(ok(parsePkgQuery('pkg: warning: database version 36 is newer than libpkg(3) version 35\npkg\t1.21.3\nsudo\t1.9.16\npkg\t1.20.0\n'))).toEqual({
      packages: [
        { name: 'pkg', version: '1.21.3' },
        { name: 'sudo', version: '1.9.16' },
      ],
      unparsed: [
        { line: 1, text: 'pkg: warning: database version 36 is newer than libpkg(3) version 35' },
        { line: 4, text: 'pkg\t1.20.0' },
      ],
    });
  });

  it('refuses text without a package line, cut-off output and binary', () => {
    expect(parsePkgQuery('nvidia-driver 550.127.05\n')).toMatchObject({ ok: false, error: { code: 'unexpected-output', line: 1 } });
    expect(parsePkgQuery('pkg\t1.21.3\nnvidia-dri')).toMatchObject({ ok: false, error: { code: 'truncated', line: 2 } });
    expect(parsePkgQuery('pkg: No packages installed. Do you want to bootstrap?\n')).toMatchObject({ ok: false, error: { code: 'unexpected-output' } });
    expect(parsePkgQuery(BINARY)).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });
});

describe('parseUname', () => {
  it('reads FreeBSD, Linux and macOS', () => {
    expect(ok(parseUname('FreeBSD 14.2-RELEASE-p1 amd64\n'))).toEqual({ sysname: 'FreeBSD', release: '14.2-RELEASE-p1', machine: 'amd64', major: 14, minor: 2 });
    expect(ok(parseUname('Linux 6.1.0-18-amd64 x86_64\n'))).toEqual({ sysname: 'Linux', release: '6.1.0-18-amd64', machine: 'x86_64', major: 6, minor: 1 });
    expect(ok(parseUname('Darwin 23.4.0 arm64'))).toEqual({ sysname: 'Darwin', release: '23.4.0', machine: 'arm64', major: 23, minor: 4 });
    expect(ok(parseUname('FreeBSD 15.0-CURRENT amd64\n'))).toMatchObject({ major: 15, minor: 0 });
    expect(ok(parseUname('Weird unknown-release riscv\n'))).toMatchObject({ major: null, minor: null });
  });

  it('rejects empty, partial, extra and binary output', () => {
    expect(parseUname('')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseUname('FreeBSD 14.2-RELEASE\n')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(parseUname('FreeBSD 14.2-RELEASE amd64 extra\n')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(parseUname('FreeBSD 14.2-RELEASE amd64\nFreeBSD 14.2-RELEASE amd64\n')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(parseUname(BINARY)).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });
});

describe('parseSysctlValue', () => {
  it('trims the value, keeps multi-line values', () => {
    expect(ok(parseSysctlValue('550.127.05\n'))).toEqual({ value: '550.127.05' });
    expect(ok(parseSysctlValue('  a\nb  \n'))).toEqual({ value: 'a\nb' });
  });

  it('rejects empty and binary output', () => {
    expect(parseSysctlValue('\n')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseSysctlValue(BINARY)).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });
});

describe('parseIdUid and parseIdName', () => {
  it('reads the uid', () => {
    expect(ok(parseIdUid('0\n'))).toEqual({ uid: 0 });
    expect(ok(parseIdUid('1001'))).toEqual({ uid: 1001 });
  });

  it('rejects non-numbers, several lines and empty output', () => {
    expect(parseIdUid('')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseIdUid('root\n')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(parseIdUid('-1\n')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(parseIdUid('1001\n1002\n')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(parseIdUid('99999999999999999999\n')).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });

  it('reads the user name', () => {
    expect(ok(parseIdName('alice\n'))).toEqual({ name: 'alice' });
    expect(parseIdName('two words\n')).toMatchObject({ ok: false });
  });
});

describe('parseWhich', () => {
  it('reads an absolute path', () => {
    expect(ok(parseWhich('/usr/local/bin/sudo\n'))).toEqual({ path: '/usr/local/bin/sudo' });
  });

  it('rejects relative paths, messages, several lines and empty output', () => {
    expect(parseWhich('')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseWhich('doas not found\n')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(parseWhich('/usr/local/bin/sudo\n/usr/bin/sudo\n')).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });
});

describe('no parser throws', () => {
  const parsers: Array<(text: string) => ParseResult<unknown>> = [parseKldstat, parseKenv, parsePkgQuery, parseUname, parseSysctlValue, parseIdUid, parseIdName, parseWhich];
  it('on random and hostile input', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const samples = ['', '\n', '\u0000', '__proto__="x"', 'constructor\tx', 'a'.repeat(100_000), own('kenv-x220.txt'), own('kldstat-x220-nvidia.txt')];
    for (let i = 0; i < 200; i++) {
      let s = '';
      const length = random(200);
      for (let k = 0; k < length; k++) s += String.fromCharCode(random(3) === 0 ? random(0x10000) : 32 + random(95));
      samples.push(s);
    }
    for (const parse of parsers) {
      for (const sample of samples) {
        const result = parse(sample);
        expect(typeof result.ok).toBe('boolean');
      }
    }
  });
});
