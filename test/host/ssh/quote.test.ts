import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteArgv, quoteWord } from '../../../src/host/ssh/quote';
import { hostileArgs, hostileWord } from './hostile';

/** What a POSIX shell makes of the quoted line: the words printf receives, NUL-separated (after a marker, so none is printed for none). */
function throughShell(args: readonly string[]): string[] {
  const line = quoteArgv(['printf', '%s\\0', 'argv:', ...args]);
  const out = spawnSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  return out.stdout.split('\0').slice(1, -1);
}

describe('quoteWord', () => {
  it('single-quotes each word and escapes quotes as quote-backslash-quote-quote', () => {
    expect(quoteWord('abc')).toBe("'abc'");
    expect(quoteWord('')).toBe("''");
    expect(quoteWord("it's")).toBe("'it'\\''s'");
    expect(quoteWord("''")).toBe("''\\'''\\'''");
  });

  it('refuses a NUL, which no argument can carry', () => {
    expect(() => quoteWord('a\0b')).toThrow(RangeError);
  });
});

describe('quoteArgv through /bin/sh', () => {
  it('delivers the hostile examples unchanged', () => {
    expect(throughShell(hostileArgs)).toEqual(hostileArgs);
  });

  it('delivers any argv unchanged (property)', () => {
    fc.assert(
      fc.property(fc.array(hostileWord, { maxLength: 12 }), (args) => {
        expect(throughShell(args)).toEqual(args);
      }),
      { numRuns: 150 },
    );
  });
});
