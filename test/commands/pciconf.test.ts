import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from '../../src/commands/parse-result';
import { parsePciconf, type PciconfOutput, type PciDevice } from '../../src/commands/parsers/pciconf';
import { sharedFixtureFiles } from '../fixtures-path';

const sharedDir = (name: string): string => {
  const file = sharedFixtureFiles('pciconf').find((f) => basename(f) === name);
  if (file === undefined) throw new Error(`shared pciconf fixture ${name} is missing`);
  return file;
};
const shared = (name: string): string => readFileSync(sharedDir(name), 'utf8');
const own = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'outputs', name), 'utf8');

function ok(result: ParseResult<PciconfOutput>): PciconfOutput {
  if (!result.ok) throw new Error(`expected a parse, got ${result.error.code}: ${result.error.message} (line ${result.error.line})`);
  return result.value;
}

function device(output: PciconfOutput, name: string): PciDevice {
  const found = output.devices.find((d) => d.name === name);
  if (found === undefined) throw new Error(`no device ${name}`);
  return found;
}

/**
 * Shared fixtures that are not pciconf output at all. Each must really hold no pciconf header, so this list
 * cannot hide a real parse failure.
 */
const NOT_PCICONF: ReadonlyMap<string, string> = new Map([
  ['nv-pascal-gl-README-md-93122ddc.txt', 'a Markdown table of PCI ids (bsdhw/PCIconf Server/README.md), no pciconf lines'],
]);
const HEADER_LINE = /^\S+@pci\d+:\d+:\d+:\d+:\s+class=/m;

describe('parsePciconf on every shared fixture', () => {
  const files = sharedFixtureFiles('pciconf');

  it('finds the shared fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const name of NOT_PCICONF.keys()) expect(files.map((f) => basename(f))).toContain(name);
  });

  for (const file of files) {
    const name = basename(file);
    const text = readFileSync(file, 'utf8');
    if (NOT_PCICONF.has(name)) {
      it(`${name}: rejected, it is ${NOT_PCICONF.get(name)}`, () => {
        expect(HEADER_LINE.test(text)).toBe(false);
        const result = parsePciconf(text);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error).toMatchObject({ code: 'unexpected-output', line: 1 });
      });
      continue;
    }
    it(`${name}: one device per header line, in order, with consistent fields, no line set aside`, () => {
      const output = ok(parsePciconf(text));
      expect(output.unparsed).toEqual([]);
      const lines = text.split('\n');
      const headerLines = lines.flatMap((line, i) => (HEADER_LINE.test(line) ? [i + 1] : []));
      expect(output.devices.map((d) => d.line)).toEqual(headerLines);
      for (const d of output.devices) {
        expect(lines[d.line - 1]?.startsWith(`${d.name}@${d.selector}:`)).toBe(true);
        expect(d.selector).toBe(`pci${d.domain}:${d.bus}:${d.slot}:${d.func}`);
        expect(d.driver === null).toBe(/^none\d+$/.test(d.name));
        // Every -lvbc fixture has -v output for each device.
        expect(d.vendor === null && d.classDesc === null).toBe(false);
        if (d.pcie !== null) expect(d.pcieRole).not.toBeNull();
      }
    });
  }
});

describe('parsePciconf values', () => {
  it('reads the X220 root ports, including the empty ExpressCard slot (root port 4)', () => {
    const output = ok(parsePciconf(shared('x220-ThinkPad-X220-4286CTO-d11f3e7c.txt')));
    expect(output.devices).toHaveLength(18);
    const port4 = device(output, 'pcib3');
    expect(port4).toMatchObject({
      driver: 'pcib3',
      selector: 'pci0:0:28:3',
      domain: 0,
      bus: 0,
      slot: 28,
      func: 3,
      class: '0x060400',
      rev: '0xb4',
      hdr: '0x01',
      vendorId: '0x8086',
      deviceId: '0x1c16',
      subvendorId: '0x17aa',
      subdeviceId: '0x21da',
      vendor: 'Intel Corporation',
      device: '6 Series/C200 Series Chipset Family PCI Express Root Port 4',
      classDesc: 'bridge',
      subclassDesc: 'PCI-PCI',
      bars: [],
      pcieRole: 'root port',
      pcie: { linkWidth: 0, maxLinkWidth: 1, linkSpeedGTs: 0, maxLinkSpeedGTs: 5 },
      line: 89,
    });
    expect(port4.capabilities).toEqual([
      {
        kind: 'cap',
        id: '0x10',
        offset: '0x40',
        text: 'PCI-Express 2 root port max data 128(128)',
        extraLines: ['max read 128', 'link x0(x1) speed 0.0(5.0) ASPM L0s/L1(L0s/L1)', 'slot 3 power limit 100 mW HotPlug(empty) surprise'],
      },
      { kind: 'cap', id: '0x05', offset: '0x80', text: 'MSI supports 1 message enabled with 1 message', extraLines: [] },
      { kind: 'cap', id: '0x0d', offset: '0x90', text: 'PCI Bridge subvendor=0x17aa subdevice=0x21da', extraLines: [] },
      { kind: 'cap', id: '0x01', offset: '0xa0', text: 'powerspec 2  supports D0 D3  current D0', extraLines: [] },
    ]);
    expect(device(output, 'pcib5').pcie).toEqual({ linkWidth: 1, maxLinkWidth: 1, linkSpeedGTs: 5, maxLinkSpeedGTs: 5 });
  });

  it('reads devices without a driver, root endpoints with extended capabilities, and capability-less devices', () => {
    const output = ok(parsePciconf(shared('x220-ThinkPad-X220-4286CTO-d11f3e7c.txt')));
    expect(device(output, 'none0')).toMatchObject({ driver: null, selector: 'pci0:0:22:0', classDesc: 'simple comms', subclassDesc: null });
    const hdac = device(output, 'hdac0');
    expect(hdac.pcieRole).toBe('root endpoint');
    expect(hdac.pcie).toBeNull(); // a root-complex integrated endpoint has no link
    expect(hdac.capabilities.filter((c) => c.kind === 'ecap')).toEqual([
      { kind: 'ecap', id: '0x0002', offset: '0x100', text: 'VC 1 max VC1', extraLines: [] },
      { kind: 'ecap', id: '0x0005', offset: '0x130', text: 'Root Complex Link Declaration 1', extraLines: [] },
    ]);
    expect(device(output, 'vgapci0').bars).toEqual([
      { reg: '0x10', type: 'Memory', range: 64, base: '0xf0000000', size: 4194304, enabled: true },
      { reg: '0x18', type: 'Prefetchable Memory', range: 64, base: '0xe0000000', size: 268435456, enabled: true },
      { reg: '0x20', type: 'I/O Port', range: 32, base: '0x5000', size: 64, enabled: true },
    ]);
  });

  it('reads the pre-13 header (card=0xSSSSVVVV chip=0xDDDDVVVV)', () => {
    const output = ok(parsePciconf(shared('x220-ThinkPad-X220-42902WU-fb32b0cb.txt')));
    expect(device(output, 'hostb0')).toMatchObject({
      class: '0x060000',
      rev: '0x09',
      hdr: '0x00',
      vendorId: '0x8086',
      deviceId: '0x0104',
      subvendorId: '0x17aa',
      subdeviceId: '0x21da',
      vendor: 'Intel Corporation',
    });
  });

  it('reads NVIDIA GPUs behind one-lane links', () => {
    const aspire = device(ok(parsePciconf(shared('nv-x1link-Aspire-5742G-7f0675fe.txt'))), 'vgapci0');
    expect(aspire).toMatchObject({
      selector: 'pci0:1:0:0',
      vendorId: '0x10de',
      deviceId: '0x0df1',
      device: 'GF108M [GeForce GT 420M]',
      pcieRole: 'endpoint',
      pcie: { linkWidth: 1, maxLinkWidth: 16, linkSpeedGTs: 2.5, maxLinkSpeedGTs: 5 },
    });
    const msi = ok(parsePciconf(shared('nv-x1link-MS-7760-7a43d444.txt')));
    const gt635 = msi.devices.find((d) => d.vendorId === '0x10de' && d.class.startsWith('0x03'));
    expect(gt635).toMatchObject({
      name: 'vgapci0',
      selector: 'pci0:8:0:0',
      device: 'GK208 [GeForce GT 635]',
      pcieRole: 'legacy endpoint',
      pcie: { linkWidth: 1, maxLinkWidth: 8, linkSpeedGTs: 2.5, maxLinkSpeedGTs: 8 },
    });
  });

  it('reads a 3D controller (class 0x0302, as the Tesla P4) and a 16 GT/s link', () => {
    const gpu = device(ok(parsePciconf(shared('nv-3d-Precision-5560-94d50ad2.txt'))), 'vgapci0');
    expect(gpu).toMatchObject({ class: '0x030200', classDesc: 'display', subclassDesc: '3D', device: 'GA107GLM [RTX A2000 Mobile]' });
    expect(gpu.pcie).toEqual({ linkWidth: 8, maxLinkWidth: 16, linkSpeedGTs: 16, maxLinkSpeedGTs: 16 });
    expect(gpu.bars[1]).toEqual({ reg: '0x14', type: 'Prefetchable Memory', range: 64, base: '0x6000000000', size: 4294967296, enabled: true });
  });

  it('keeps bhyve passthrough devices (ppt) as their driver', () => {
    const output = ok(parsePciconf(shared('nv-ppt-MS-7C36-d49117d7.txt')));
    expect(device(output, 'ppt1')).toMatchObject({ driver: 'ppt1', vendorId: '0x10de', device: 'GM206 [GeForce GTX 960]' });
    expect(device(output, 'ppt1').pcie).toEqual({ linkWidth: 8, maxLinkWidth: 16, linkSpeedGTs: 2.5, maxLinkSpeedGTs: 8 });
  });

  it('reads "undef" speeds as null and a disabled BAR at base 0', () => {
    const tuf = device(ok(parsePciconf(shared('nv-TUF-Gaming-Z690-PLUS-WIFI-D4-0d10adf1.txt'))), 'pcib1');
    expect(tuf.pcie).toEqual({ linkWidth: 16, maxLinkWidth: 16, linkSpeedGTs: 2.5, maxLinkSpeedGTs: null });
    const legion = device(ok(parsePciconf(shared('nv-Legion-Y7000P-81LD-29c84322.txt'))), 'none4');
    expect(legion.bars).toEqual([{ reg: '0x10', type: 'Memory', range: 64, base: '0x0', size: 4096, enabled: false }]);
  });

  it('reads the link from the older capability layouts (widths on the capability line)', () => {
    const header = 'vgapci0@pci0:1:0:0:\tclass=0x030000 card=0x00000000 chip=0x0df110de rev=0xa1 hdr=0x00';
    // FreeBSD 10-12: widths at the end of the capability line, speeds on the next one.
    const middle = ok(parsePciconf(`${header}\n    cap 10[78] = PCI-Express 2 endpoint max data 128(128) link x1(x16)\n                 speed 2.5(5.0) ASPM L0s/L1(L0s/L1)\n`));
    expect(middle.devices[0]).toMatchObject({ pcieRole: 'endpoint', pcie: { linkWidth: 1, maxLinkWidth: 16, linkSpeedGTs: 2.5, maxLinkSpeedGTs: 5 } });
    // FreeBSD 8-9: widths only, and IRQ instead of MSI.
    const old = ok(parsePciconf(`${header}\n    cap 10[60] = PCI-Express 1 endpoint IRQ 0 max data 128(256) link x16(x16)\n`));
    expect(old.devices[0]).toMatchObject({ pcieRole: 'endpoint', pcie: { linkWidth: 16, maxLinkWidth: 16, linkSpeedGTs: null, maxLinkSpeedGTs: null } });
    expect(parsePciconf(`${header}\n    cap 10[78] = PCI-Express 2 endpoint max data 128(128) link x1(x16)\n                 speed 2.5(5`)).toMatchObject({
      ok: false,
      error: { code: 'truncated', line: 3 },
    });
  });

  it('keeps continuation lines of Intel vendor capabilities and MSI-X tables', () => {
    const output = ok(parsePciconf(shared('nv-OptiPlex-990-88e452b9.txt')));
    const withFeatures = output.devices.flatMap((d) => d.capabilities).find((c) => c.extraLines.some((l) => l.startsWith('features:')));
    expect(withFeatures).toMatchObject({ id: '0x09', text: 'vendor (length 12) Intel cap 1 version 0', extraLines: ['features: AMT, 4 PCI-e x1 slots'] });
  });

  it('gives exactly the documented shape for the Tesla P4 on the X220 ExpressCard port (own fixture, no blank lines)', () => {
    const output = ok(parsePciconf(own('pciconf-x220-tesla-p4.txt')));
    expect(output.devices.map((d) => d.name)).toEqual(['hostb0', 'vgapci0', 'pcib1', 'pcib3', 'vgapci1', 'none1']);
    const p4 = device(output, 'vgapci1');
    expect(p4).toEqual({
      name: 'vgapci1',
      driver: 'vgapci1',
      selector: 'pci0:5:0:0',
      class: '0x030200',
      rev: '0xa1',
      hdr: '0x00',
      vendorId: '0x10de',
      deviceId: '0x1bb3',
      subvendorId: '0x10de',
      subdeviceId: '0x11d8',
      vendor: 'NVIDIA Corporation',
      device: 'GP104GL [Tesla P4]',
      classDesc: 'display',
      subclassDesc: '3D',
      bars: [
        { reg: '0x10', type: 'Memory', range: 32, base: '0xf3000000', size: 16777216, enabled: true },
        { reg: '0x14', type: 'Prefetchable Memory', range: 64, base: '0xc0000000', size: 268435456, enabled: true },
        { reg: '0x1c', type: 'Prefetchable Memory', range: 64, base: '0xd0000000', size: 33554432, enabled: true },
        { reg: '0x24', type: 'I/O Port', range: 32, base: '0x4000', size: 128, enabled: true },
      ],
      pcie: { linkWidth: 1, maxLinkWidth: 16, linkSpeedGTs: 5.0, maxLinkSpeedGTs: 8.0 },
      pcieRole: 'endpoint',
      capabilities: [
        { kind: 'cap', id: '0x01', offset: '0x60', text: 'powerspec 3  supports D0 D3  current D0', extraLines: [] },
        { kind: 'cap', id: '0x05', offset: '0x68', text: 'MSI supports 1 message, 64 bit enabled with 1 message', extraLines: [] },
        {
          kind: 'cap',
          id: '0x10',
          offset: '0x78',
          text: 'PCI-Express 2 endpoint max data 128(256) RO NS',
          extraLines: ['max read 512', 'link x1(x16) speed 5.0(8.0) ASPM disabled(L0s/L1)'],
        },
        { kind: 'ecap', id: '0x0002', offset: '0x100', text: 'VC 1 max VC0', extraLines: [] },
        { kind: 'ecap', id: '0x0004', offset: '0x250', text: 'Power Budgeting 1', extraLines: [] },
        { kind: 'ecap', id: '0x0019', offset: '0x258', text: 'PCIe Sec 1 lane errors 0', extraLines: [] },
        { kind: 'ecap', id: '0x000b', offset: '0x128', text: 'Vendor [1] ID 0001 Rev 1 Length 36', extraLines: [] },
        { kind: 'ecap', id: '0x0001', offset: '0x420', text: 'AER 2 0 fatal 0 non-fatal 0 corrected', extraLines: [] },
      ],
      domain: 0,
      bus: 5,
      slot: 0,
      func: 0,
      line: 42,
    });
    expect(Object.keys(p4).slice(0, 16)).toEqual([
      'name', 'driver', 'selector', 'class', 'rev', 'hdr', 'vendorId', 'deviceId', 'subvendorId', 'subdeviceId',
      'vendor', 'device', 'classDesc', 'subclassDesc', 'bars', 'pcie',
    ]);
    expect(device(output, 'pcib3').pcie).toEqual({ linkWidth: 1, maxLinkWidth: 1, linkSpeedGTs: 5, maxLinkSpeedGTs: 5 });
    expect(device(output, 'none1').driver).toBeNull();
  });
});

describe('parsePciconf option combinations (derived by filtering a -lvbc fixture)', () => {
  const full = shared('x220-ThinkPad-X220-4286CTO-d11f3e7c.txt');
  const fullOutput = ok(parsePciconf(full));
  const isHeader = (line: string): boolean => HEADER_LINE.test(line);
  const isVerbose = (line: string): boolean => /^ {4}(?:vendor|device|class|subclass) +=/.test(line);
  const isBar = (line: string): boolean => /^ {4}bar +\[/.test(line);
  const isCap = (line: string): boolean => /^ {4}e?cap /.test(line) || /^(?: {5,}|\t)\s*\S/.test(line);
  // Real pciconf prints no blank lines between devices, so the derived outputs have none either.
  const only = (keep: (line: string) => boolean): string => `${full.split('\n').filter((l) => isHeader(l) || keep(l)).join('\n')}\n`;
  const ids = (output: PciconfOutput) => output.devices.map((d) => [d.name, d.selector, d.class, d.vendorId, d.deviceId, d.subvendorId, d.subdeviceId]);

  it('-l: ids only, everything else null or empty', () => {
    const output = ok(parsePciconf(only(() => false)));
    expect(ids(output)).toEqual(ids(fullOutput));
    for (const d of output.devices) {
      expect(d).toMatchObject({ vendor: null, device: null, classDesc: null, subclassDesc: null, bars: [], capabilities: [], pcie: null, pcieRole: null });
    }
    expect(output.devices.map((d) => d.line)).toEqual(output.devices.map((_, i) => i + 1));
  });

  it('-lv: names and classes, no BARs or capabilities', () => {
    const output = ok(parsePciconf(only(isVerbose)));
    expect(output.devices.map((d) => [d.vendor, d.device, d.classDesc, d.subclassDesc])).toEqual(
      fullOutput.devices.map((d) => [d.vendor, d.device, d.classDesc, d.subclassDesc]),
    );
    for (const d of output.devices) expect(d).toMatchObject({ bars: [], capabilities: [], pcie: null });
  });

  it('-lb: BARs only', () => {
    const output = ok(parsePciconf(only(isBar)));
    expect(output.devices.map((d) => d.bars)).toEqual(fullOutput.devices.map((d) => d.bars));
    for (const d of output.devices) expect(d).toMatchObject({ vendor: null, capabilities: [], pcie: null });
  });

  it('-lc: capabilities and PCI-Express links only', () => {
    const output = ok(parsePciconf(only(isCap)));
    expect(output.devices.map((d) => [d.capabilities, d.pcie, d.pcieRole])).toEqual(fullOutput.devices.map((d) => [d.capabilities, d.pcie, d.pcieRole]));
    for (const d of output.devices) expect(d).toMatchObject({ vendor: null, bars: [] });
  });

  it('-lvb without -c and -lbc without -v', () => {
    const vb = ok(parsePciconf(only((l) => isVerbose(l) || isBar(l))));
    expect(vb.devices.map((d) => d.bars)).toEqual(fullOutput.devices.map((d) => d.bars));
    expect(vb.devices.every((d) => d.capabilities.length === 0)).toBe(true);
    const bc = ok(parsePciconf(only((l) => isBar(l) || isCap(l))));
    expect(bc.devices.map((d) => d.pcie)).toEqual(fullOutput.devices.map((d) => d.pcie));
    expect(bc.devices.every((d) => d.vendor === null)).toBe(true);
  });

  it('tolerates lines of -B, -e and -V and ignores them', () => {
    const lines = full.split('\n');
    const at = lines.findIndex((l) => l.startsWith('pcib3@'));
    lines.splice(at + 5, 0, '    bus range  = 5-5', '    window[1c] = type I/O Port, range 16, addr 0xfff000-0xfff, disabled', '    window[20] = type Memory, range 32, addr 0xf0e00000-0xf0efffff, enabled');
    const withBridge = ok(parsePciconf(lines.join('\n')));
    expect(device(withBridge, 'pcib3').capabilities).toEqual(device(fullOutput, 'pcib3').capabilities);
  });
});

describe('parsePciconf refuses only what is not pciconf output, without throwing', () => {
  const full = own('pciconf-x220-tesla-p4.txt');
  const header = 'vgapci1@pci0:5:0:0:\tclass=0x030200 rev=0xa1 hdr=0x00 vendor=0x10de device=0x1bb3 subvendor=0x10de subdevice=0x11d8';

  const fails = (text: string) => {
    const result = parsePciconf(text);
    expect(result.ok).toBe(false);
    return result.ok ? null : result.error;
  };

  it('empty and whitespace-only input', () => {
    expect(fails('')).toMatchObject({ code: 'empty' });
    expect(fails('  \n\n\t\n')).toMatchObject({ code: 'empty' });
  });

  it('text without a single device header, naming its first line', () => {
    expect(fails('hello world\n')).toMatchObject({ code: 'unexpected-output', line: 1 });
    expect(fails('\n\npciconf: /dev/pci: Permission denied\n')).toMatchObject({ code: 'unexpected-output', line: 3 });
    expect(fails('    vendor     = \'NVIDIA Corporation\'\n')).toMatchObject({ code: 'unexpected-output', line: 1 });
    expect(fails('    vendor     = \'NVIDIA Corporation\'\n')?.message).toContain('no device header line');
  });

  it('binary input', () => {
    expect(fails('\u0000\u0001\u0002ELF\u0000\n')).toMatchObject({ code: 'malformed', line: 1 });
    expect(fails(`${header}\n    vendor     = 'NV\u0000IDIA'\n`)).toMatchObject({ code: 'malformed', line: 2 });
    expect(fails('\ufffd\ufffdPNG\n')).toMatchObject({ code: 'malformed' });
  });

  it('output cut off in its last header line (no final newline)', () => {
    const at = header.indexOf('@');
    for (let cut = at + 1; cut < header.length; cut++) {
      const text = `${full}${header.slice(0, cut)}`;
      expect(fails(text)).toMatchObject({ code: 'truncated', line: 68 });
    }
    // Cut before its `@`, the last line is a word like any other (a "Thanks" under a paste): set aside.
    for (let cut = 1; cut <= at; cut++) {
      expect(ok(parsePciconf(`${full}${header.slice(0, cut)}`)).unparsed).toEqual([{ line: 68, text: header.slice(0, cut) }]);
    }
    expect(fails(header.replace(' subdevice=0x11d8', ''))).toMatchObject({ code: 'truncated', line: 1 });
    expect(fails(header.replace('subdevice=0x11d8', 'subdevice=0x11'))).toMatchObject({ code: 'truncated', line: 1 });
  });

  it('output cut off in its last body line (no final newline)', () => {
    expect(fails(`${header}\n    bar   [10] = type Memory, range 32, base 0xf30`)).toMatchObject({ code: 'truncated', line: 2 });
    expect(fails(`${header}\n    vendor     = 'NVIDIA Corp`)).toMatchObject({ code: 'truncated', line: 2 });
    expect(fails(`${header}\n    cap 10[78] = PCI-Express 2 endpoint max data 128(256)\n                 link x1(x16) speed 5.0(8`)).toMatchObject({
      code: 'truncated',
      line: 3,
    });
  });

  it('never throws on mangled fixtures, and a cut-off parse never invents a device', () => {
    const text = shared('nv-x1link-MS-7760-7a43d444.txt');
    const reference = ok(parsePciconf(text));
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const cut = text.slice(0, random(text.length));
      const result = parsePciconf(cut);
      if (result.ok) {
        const prefix = reference.devices.slice(0, result.value.devices.length);
        expect(result.value.devices.map((d) => [d.selector, d.vendorId, d.deviceId, d.line])).toEqual(prefix.map((d) => [d.selector, d.vendorId, d.deviceId, d.line]));
      }
      const chars = [...text.slice(0, 2000)];
      for (let k = 0; k < 5; k++) chars[random(chars.length)] = String.fromCharCode(random(0x3000));
      expect(() => parsePciconf(chars.join(''))).not.toThrow();
    }
  });
});

describe('parsePciconf sets aside the lines it does not know and reads the rest', () => {
  const full = own('pciconf-x220-tesla-p4.txt');
  const reference = ok(parsePciconf(full));
  const header = 'vgapci1@pci0:5:0:0:\tclass=0x030200 rev=0xa1 hdr=0x00 vendor=0x10de device=0x1bb3 subvendor=0x10de subdevice=0x11d8';
  /** The fixture with `extra` put in front of its line `at` (1-based). */
  const withLines = (at: number, ...extra: string[]): string => {
    const lines = full.split('\n');
    lines.splice(at - 1, 0, ...extra);
    return lines.join('\n');
  };
  /** The reference devices, with the header lines of those from line `at` on moved down by `by`. */
  const shifted = (at: number, by: number): PciDevice[] => reference.devices.map((d) => ({ ...d, line: d.line >= at ? d.line + by : d.line }));

  it('reads the FreeBSD 8-10 layout: unindented ecap lines between blank lines belong to the device above (own fixture)', () => {
    const output = ok(parsePciconf(own('pciconf-x220-freebsd9-old-ecap.txt')));
    expect(output.unparsed).toEqual([]);
    expect(output.devices.map((d) => d.name)).toEqual(['hostb0', 'vgapci0', 'em0', 'hdac0', 'pcib1', 'pcib3', 'ehci1', 'isab0', 'ahci0', 'iwn0', 'vgapci1']);
    const hdac = device(output, 'hdac0');
    expect(hdac.capabilities.slice(2)).toEqual([
      { kind: 'cap', id: '0x10', offset: '0x70', text: 'PCI-Express 1 root endpoint max data 128(128) FLR', extraLines: [] },
      { kind: 'ecap', id: '0x0002', offset: '0x100', text: 'VC 1 max VC1', extraLines: [] },
      { kind: 'ecap', id: '0x0005', offset: '0x130', text: 'unknown 1', extraLines: [] },
    ]);
    expect(hdac).toMatchObject({ pcieRole: 'root endpoint', pcie: null });
    // The device after the ecap lines starts fresh: nothing of hdac0 leaks into it.
    expect(device(output, 'pcib1')).toMatchObject({ line: 46, capabilities: [{ id: '0x10' }, { id: '0x05' }, { id: '0x0d' }, { id: '0x01' }] });
    const p4 = device(output, 'vgapci1');
    expect(p4).toMatchObject({
      selector: 'pci0:5:0:0',
      vendorId: '0x10de',
      deviceId: '0x1bb3',
      subvendorId: '0x10de',
      subdeviceId: '0x11d8',
      device: null,
      pcieRole: 'endpoint',
      pcie: { linkWidth: 1, maxLinkWidth: 16, linkSpeedGTs: null, maxLinkSpeedGTs: null },
    });
    expect(p4.capabilities.filter((c) => c.kind === 'ecap').map((c) => [c.id, c.offset, c.text])).toEqual([
      ['0x0002', '0x100', 'VC 1 max VC0'],
      ['0x0004', '0x250', 'Power Budgeting 1'],
      ['0x0019', '0x258', 'unknown 1'],
      ['0x000b', '0x128', 'Vendor 1 ID 1'],
      ['0x0001', '0x420', 'AER 2 0 fatal 0 non-fatal 0 corrected'],
    ]);
    expect(device(output, 'iwn0').capabilities.map((c) => c.id)).toEqual(['0x01', '0x05', '0x10', '0x0001', '0x0003']);
  });

  it('a paste that lost all its indentation reads the same as the original', () => {
    const flat = full.split('\n').map((l) => (/^ {4}\S/.test(l) ? l.trimStart() : l)).join('\n');
    const output = ok(parsePciconf(flat));
    expect(output).toEqual(reference);
  });

  it('a shell prompt before the output and prose after it', () => {
    const output = ok(parsePciconf(`$ pciconf -lvbc\n${full}Any idea why the card is not seen?\n`));
    expect(output.unparsed).toEqual([
      { line: 1, text: '$ pciconf -lvbc' },
      { line: 69, text: 'Any idea why the card is not seen?' },
    ]);
    expect(output.devices).toEqual(shifted(1, 1));
  });

  it('an unknown body line between a capability and its continuation lines leaves the capability whole', () => {
    const at = full.split('\n').findIndex((l) => l.includes('cap 10[78]')) + 2;
    const output = ok(parsePciconf(withLines(at, '    frobnicate = yes', '')));
    expect(output.unparsed).toEqual([{ line: at, text: '    frobnicate = yes' }]);
    expect(output.devices).toEqual(shifted(at, 2));
    expect(device(output, 'vgapci1').pcie).toEqual({ linkWidth: 1, maxLinkWidth: 16, linkSpeedGTs: 5, maxLinkSpeedGTs: 8 });
  });

  it('known lines out of place or given twice are set aside, the first reading kept', () => {
    const text = `${header}\n    vendor     = 'A'\n    class      = display\n    class      = other\n    cap 01[60] = powerspec 3  supports D0 D3  current D0\n    vendor     = 'B'\n    bar   [10] = type Memory, range 32, base 0xf3000000, size 16777216, enabled\n`;
    const output = ok(parsePciconf(text));
    expect(output.unparsed.map((u) => u.line)).toEqual([4, 6, 7]);
    expect(output.devices[0]).toMatchObject({ vendor: 'A', classDesc: 'display', bars: [], capabilities: [{ id: '0x01' }] });
  });

  it('a header that cannot be read takes the lines below it along, and the next device is read again', () => {
    const lines = full.split('\n');
    const at = lines.findIndex((l) => l.startsWith('vgapci1@'));
    lines[at] = (lines[at] ?? '').replace('class=0x030200', 'class=0x0302zz');
    const next = lines.findIndex((l) => l.startsWith('none1@'));
    const output = ok(parsePciconf(lines.join('\n')));
    expect(output.devices.map((d) => d.name)).toEqual(['hostb0', 'vgapci0', 'pcib1', 'pcib3', 'none1']);
    expect(output.unparsed.map((u) => u.line)).toEqual(Array.from({ length: next - at }, (_, k) => at + 1 + k));
    // pcib3 above it gets none of the GPU's lines.
    expect(device(output, 'pcib3')).toEqual(device(reference, 'pcib3'));
    expect(device(output, 'none1')).toEqual(device(reference, 'none1'));
  });

  it('a device listed a second time is set aside with its lines', () => {
    const lines = full.split('\n');
    const start = lines.findIndex((l) => l.startsWith('none1@'));
    const copy = lines.slice(start).filter((l) => l !== '');
    const output = ok(parsePciconf(`${full}${copy.join('\n')}\n`));
    expect(output.devices).toEqual(reference.devices);
    expect(output.unparsed).toHaveLength(copy.length);
    expect(output.unparsed[0]).toEqual({ line: lines.length, text: copy[0] });
  });

  it('a line with binary garbage is set aside, the rest read', () => {
    const output = ok(parsePciconf(withLines(10, "    vendor     = 'NV\u0000IDIA'", '\u0007\u0007\u0000\u0000\ufffd')));
    expect(output.unparsed.map((u) => u.line)).toEqual([10, 11]);
    expect(output.devices).toEqual(shifted(10, 2));
  });

  it('an unreadable link line leaves that link unknown and is set aside', () => {
    const text = full.replace('link x1(x16) speed 5.0(8.0) ASPM disabled(L0s/L1)', 'link x1(x16) speed fast(8.0) ASPM disabled(L0s/L1)');
    const output = ok(parsePciconf(text));
    const line = full.split('\n').findIndex((l) => l.includes('speed 5.0(8.0)')) + 1;
    expect(output.unparsed).toEqual([{ line, text: '                 link x1(x16) speed fast(8.0) ASPM disabled(L0s/L1)' }]);
    expect(device(output, 'vgapci1')).toMatchObject({ pcie: null, pcieRole: 'endpoint' });
    expect(device(output, 'pcib3').pcie).toEqual(device(reference, 'pcib3').pcie);
  });

  it('CRLF line ends read the same', () => {
    expect(ok(parsePciconf(full.replace(/\n/g, '\r\n')))).toEqual(reference);
  });
});

describe('parsePciconf speed', () => {
  it('parses all shared fixtures in well under a second', () => {
    const texts = sharedFixtureFiles('pciconf').map((f) => readFileSync(f, 'utf8'));
    const start = performance.now();
    for (let i = 0; i < 5; i++) for (const text of texts) parsePciconf(text);
    const perPass = (performance.now() - start) / 5;
    expect(perPass).toBeLessThan(500);
  });
});
