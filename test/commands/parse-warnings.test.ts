import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli';
import { unparsedOf, unparsedWarnings } from '../../src/commands/parse-result';
import { captureOutput } from '../capture-output';

const own = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'outputs', name), 'utf8');
const output = captureOutput();
const dir = mkdtempSync(join(tmpdir(), 'egpu-parse-warnings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('egpu-wizard parse with lines it does not understand', () => {
  it('prints the value with its unparsed lines as JSON, and one warning per line on stderr, exit 0', async () => {
    const path = file('pciconf.txt', `$ pciconf -lvbc\n${own('pciconf-x220-tesla-p4.txt')}thanks in advance\n`);
    expect(await main(['parse', 'pciconf', path])).toBe(0);
    const json = JSON.parse(output.out.join('')) as { devices: unknown[]; unparsed: unknown };
    expect(json.devices).toHaveLength(6);
    expect(json.unparsed).toEqual([
      { line: 1, text: '$ pciconf -lvbc' },
      { line: 69, text: 'thanks in advance' },
    ]);
    expect(output.err.join('')).toBe(
      'egpu-wizard: pciconf: warning: line 1 not understood, left out: "$ pciconf -lvbc"\n' +
        'egpu-wizard: pciconf: warning: line 69 not understood, left out: "thanks in advance"\n',
    );
  });

  it('reads the FreeBSD 8-10 layout without a warning', async () => {
    expect(await main(['parse', 'pciconf', join(import.meta.dirname, '..', 'fixtures', 'outputs', 'pciconf-x220-freebsd9-old-ecap.txt')])).toBe(0);
    expect(output.err.join('')).toBe('');
  });

  it('a byte that is not UTF-8 costs only its line', async () => {
    const text = own('pciconf-x220-tesla-p4.txt');
    const at = Buffer.from(text.slice(0, text.indexOf("    device     = 'GP104GL [Tesla P4]'")), 'utf8').length;
    const bytes = Buffer.concat([Buffer.from(text, 'utf8').subarray(0, at), Buffer.from('    comment    = \'caf\xe9\'\n', 'latin1'), Buffer.from(text, 'utf8').subarray(at)]);
    const path = join(dir, 'latin1.txt');
    writeFileSync(path, bytes);
    expect(await main(['parse', 'pciconf', path])).toBe(0);
    const json = JSON.parse(output.out.join('')) as { devices: Array<{ device: string | null }>; unparsed: Array<{ line: number; text: string }> };
    expect(json.devices.map((d) => d.device)).toContain('GP104GL [Tesla P4]');
    expect(json.unparsed).toEqual([{ line: 44, text: "    comment    = 'caf\ufffd'" }]);
  });

  it('still refuses what is not that output at all, with one line and exit 1', async () => {
    expect(await main(['parse', 'pciconf', file('notes.txt', 'my notes\nabout the card\n')])).toBe(1);
    expect(output.err.join('')).toBe('egpu-wizard: pciconf: no device header line such as "vgapci0@pci0:1:0:0: class=0x030000 …" (first line: "my notes") (line 1)\n');
    expect(output.out.join('')).toBe('');
  });
});

describe('unparsedWarnings', () => {
  it('shows at most the limit, then how many more; long lines cut', () => {
    const lines = Array.from({ length: 5 }, (_, i) => ({ line: i + 1, text: 'x'.repeat(150) }));
    const warnings = unparsedWarnings(lines, 3);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toBe(`warning: line 1 not understood, left out: "${'x'.repeat(100)}…"`);
    expect(warnings[3]).toBe('warning: 2 more lines not understood, left out (all of them are in "unparsed")');
  });

  it('finds the unparsed lines of any parsed value, none for values without them', () => {
    expect(unparsedOf({ devices: [], unparsed: [{ line: 2, text: 'x' }] })).toEqual([{ line: 2, text: 'x' }]);
    expect(unparsedOf({ packages: [] })).toEqual([]);
    expect(unparsedOf('text')).toEqual([]);
  });
});
