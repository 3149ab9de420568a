import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from '../../src/commands/parse-result';
import { parseDmesg, type DmesgOutput } from '../../src/commands/parsers/dmesg';
import { sharedFixtureFiles } from '../fixtures-path';

const files = sharedFixtureFiles('dmesg');
const shared = (name: string): string => {
  const file = files.find((f) => basename(f) === name);
  if (file === undefined) throw new Error(`shared dmesg fixture ${name} is missing`);
  return readFileSync(file, 'utf8');
};

function ok(result: ParseResult<DmesgOutput>): DmesgOutput {
  if (!result.ok) throw new Error(`expected a parse, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('parseDmesg on every shared fixture', () => {
  it('finds the shared fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  for (const file of files) {
    const name = basename(file);
    it(`${name}: parses, every finding points at its own line`, () => {
      const text = readFileSync(file, 'utf8');
      const output = ok(parseDmesg(text));
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      expect(output.lineCount).toBe(lines.length);
      expect(output.unparsed).toEqual([]);
      for (const found of [...output.attachments, ...output.nvrm, ...output.allocationFailures]) {
        expect(lines[found.line - 1]).toBe(found.text);
      }
      for (const a of output.attachments) {
        expect(a.text.startsWith(`${a.device}: <${a.description}>`)).toBe(true);
        expect(a.text.trimEnd().endsWith(` on ${a.parent}`)).toBe(true);
      }
      for (const n of output.nvrm) expect(n.text.startsWith('NVRM:')).toBe(true);
      if (name.startsWith('nvidia-attach-')) {
        expect(output.attachments.some((a) => /^nvidia\d+$/.test(a.device) && /^vgapci\d+$/.test(a.parent))).toBe(true);
      }
      if (name.startsWith('nvrm-')) expect(output.nvrm.length).toBeGreaterThan(0);
      if (name.startsWith('memwin-fail-')) expect(output.allocationFailures.some((f) => f.kind.endsWith('-window'))).toBe(true);
      if (name.startsWith('bar-fail-')) expect(output.allocationFailures.some((f) => f.kind === 'bar')).toBe(true);
    });
  }
});

describe('parseDmesg values', () => {
  it('finds nvidia.ko attaching to its vgapci parent', () => {
    const output = ok(parseDmesg(shared('nvidia-attach-X670E-AORUS-MASTER-f59f28ae.txt')));
    const nvidia = output.attachments.filter((a) => a.device === 'nvidia0');
    expect(nvidia).toHaveLength(1);
    expect(nvidia[0]).toMatchObject({ description: 'NVIDIA GeForce GTX 1080', parent: 'vgapci0', text: 'nvidia0: <NVIDIA GeForce GTX 1080> on vgapci0' });
    const vgapci = output.attachments.find((a) => a.device === 'vgapci0');
    expect(vgapci?.description).toBe('VGA-compatible display');
    expect(vgapci?.parent).toMatch(/^pci\d+$/);
  });

  it('reads bridge attachments with their location text', () => {
    const output = ok(parseDmesg(shared('x220-ThinkPad-X220-4286CTO-91eb15a7.txt')));
    const pcib = output.attachments.filter((a) => /^pcib\d+$/.test(a.device) && a.description === 'ACPI PCI-PCI bridge');
    expect(pcib.length).toBeGreaterThan(0);
    for (const bridge of pcib) expect(bridge.parent).toBe('pci0');
    expect(output.attachments.find((a) => a.device === 'acpi0')?.parent).toBe('motherboard');
    expect(output.nvrm).toEqual([]);
    expect(output.allocationFailures).toEqual([]);
  });

  it('collects NVRM lines (API mismatch, legacy branch, Xid)', () => {
    const mismatch = ok(parseDmesg(shared('nvrm-api-mismatch-MS-7C36-5dc3ce41.txt')));
    expect(mismatch.nvrm[0]?.text).toBe('NVRM: API mismatch: the client has the version 460.67, but');
    const legacy = ok(parseDmesg(shared('nvrm-legacy-G1-Sniper-A88X-CF-d2786ba9.txt')));
    expect(legacy.nvrm.some((n) => /supported through the NVIDIA \d+\.xx Legacy drivers/.test(n.text))).toBe(true);
    const xid = ok(parseDmesg(shared('nvrm-xid-H81-Pro-BTC-R2-0-e830c9ff.txt')));
    expect(xid.nvrm.some((n) => /Xid/.test(n.text))).toBe(true);
  });

  it('reads every form of bridge window and BAR allocation failure', () => {
    const bars = ok(parseDmesg(shared('bar-fail-All-Series-482b77da.txt'))).allocationFailures;
    expect(bars.filter((f) => f.kind === 'bar').map((f) => [f.device, f.selector, f.bar])).toEqual([
      ['pci8', 'pci0:8:0:0', '0x10'],
      ['pci8', 'pci0:8:0:0', '0x14'],
      ['pci8', 'pci0:8:0:0', '0x18'],
      ['pci8', 'pci0:8:0:0', '0x1c'],
      ['pci8', 'pci0:8:0:0', '0x20'],
    ]);
    expect(bars.find((f) => f.text === 'pcib6: failed to allocate initial I/O port window: 0xd000-0xdfff')).toMatchObject({
      device: 'pcib6',
      kind: 'io-window',
      range: '0xd000-0xdfff',
      bar: null,
      selector: null,
    });
    expect(bars.find((f) => f.text === 'pcib8: failed to allocate initial I/O port window (0-0xffffffff,0x8)')).toMatchObject({ kind: 'io-window', range: null });

    const x370 = ok(parseDmesg(shared('memwin-fail-X370-Pro4-11369af5.txt'))).allocationFailures;
    expect(x370[0]).toEqual({
      line: 120,
      text: 'pcib15: failed to allocate initial memory window: 0xfdf00000-0xfe1fffff',
      device: 'pcib15',
      kind: 'memory-window',
      bar: null,
      selector: null,
      range: '0xfdf00000-0xfe1fffff',
    });
    expect(x370.find((f) => f.device === 'xhci1')).toMatchObject({ kind: 'bar', bar: '0x10', selector: null });

    const all = files.flatMap((f) => ok(parseDmesg(readFileSync(f, 'utf8'))).allocationFailures);
    const prefetch = all.find((f) => f.kind === 'prefetch-window');
    expect(prefetch?.text).toMatch(/^pcib\d+: failed to allocate initial prefetch window: /);
    expect(prefetch?.range).toMatch(/^(?:0x)?[0-9a-f]+-0x[0-9a-f]+$/);
  });

  it('reads the kinds from a hand-written boot in the documented forms', () => {
    const text = [
      'pcib2: <ACPI PCI-PCI bridge> irq 16 at device 28.3 on pci0',
      'pcib2: failed to allocate initial memory window: 0xd0000000-0xd00fffff',
      'pcib2: failed to allocate initial prefetch window: 0xc0000000-0xcfffffff',
      'pci5: <ACPI PCI bus> on pcib2',
      'pci5: pci0:5:0:0 bar 0x10 failed to allocate',
      'vgapci1: <VGA-compatible display> mem 0xf3000000-0xf3ffffff irq 16 at device 0.0 on pci5',
      'nvidia0: <Tesla P4> on vgapci1',
      'NVRM: GPU at PCI:0000:05:00: GPU-6c1a0e5e-3b9f-2d4a-8f7e-1b2c3d4e5f60',
      '',
    ].join('\n');
    const output = ok(parseDmesg(text));
    expect(output.lineCount).toBe(8);
    expect(output.attachments.map((a) => [a.device, a.description, a.parent, a.line])).toEqual([
      ['pcib2', 'ACPI PCI-PCI bridge', 'pci0', 1],
      ['pci5', 'ACPI PCI bus', 'pcib2', 4],
      ['vgapci1', 'VGA-compatible display', 'pci5', 6],
      ['nvidia0', 'Tesla P4', 'vgapci1', 7],
    ]);
    expect(output.allocationFailures.map((f) => [f.line, f.device, f.kind, f.bar, f.selector])).toEqual([
      [2, 'pcib2', 'memory-window', null, null],
      [3, 'pcib2', 'prefetch-window', null, null],
      [5, 'pci5', 'bar', '0x10', 'pci0:5:0:0'],
    ]);
    expect(output.nvrm).toEqual([{ line: 8, text: 'NVRM: GPU at PCI:0000:05:00: GPU-6c1a0e5e-3b9f-2d4a-8f7e-1b2c3d4e5f60' }]);
  });

  it('does not take "at ... (no driver attached)" or non-FreeBSD "at" lines for attachments', () => {
    const output = ok(parseDmesg('pci0: <display, VGA> at device 2.0 (no driver attached)\nvga1 at pci0 dev 2 function 0 "Intel HD Graphics" rev 0x09\n'));
    expect(output.attachments).toEqual([]);
  });
});

describe('parseDmesg input checks', () => {
  it('any text is valid, even a single line', () => {
    expect(ok(parseDmesg('hello\n'))).toEqual({ lineCount: 1, attachments: [], nvrm: [], allocationFailures: [], unparsed: [] });
  });

  it('rejects empty input', () => {
    expect(parseDmesg('')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseDmesg(' \n \n')).toMatchObject({ ok: false, error: { code: 'empty' } });
  });

  it('sets aside a line with NUL bytes and reads the others', () => {
    const output = ok(parseDmesg('line one\nnvidia0: <Tesla\u0000P4> on vgapci1\nnvidia0: <Tesla P4> on vgapci1\n'));
    expect(output.unparsed).toEqual([{ line: 2, text: 'nvidia0: <Tesla\u0000P4> on vgapci1' }]);
    expect(output.attachments).toMatchObject([{ line: 3, device: 'nvidia0', description: 'Tesla P4', parent: 'vgapci1' }]);
  });

  it('rejects binary content, and a message buffer that is all NUL bytes', () => {
    expect(parseDmesg('\u0000'.repeat(4096))).toMatchObject({ ok: false, error: { code: 'malformed' } });
    let binary = '';
    for (let i = 0; i < 4096; i++) binary += String.fromCharCode((i * 7919) % 256);
    expect(parseDmesg(binary.replace(/\u0000/g, '\u0001'))).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });

  it('tolerates a few stray control characters, as real message buffers have', () => {
    const text = `${shared('x220-ThinkPad-X220-4291H77-092b49c8.txt')}\u0007\u001b[0m console bell\n`;
    expect(parseDmesg(text).ok).toBe(true);
  });

  it('parses all shared fixtures quickly', () => {
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    const start = performance.now();
    for (const text of texts) parseDmesg(text);
    expect(performance.now() - start).toBeLessThan(500);
  });
});
