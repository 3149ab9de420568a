import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePciconf, type PciconfOutput } from '../../src/commands/parsers/pciconf';
import { findRootPort, judgeLink, laneBytesPerSecond, linkBytesPerSecond } from '../../src/hardware/pcie-link';
import { isNvidiaGpu } from '../../src/steps/gpu-on-bus';
import { sharedFixtureFiles } from '../fixtures-path';

const parsed = (file: string): PciconfOutput | null => {
  const result = parsePciconf(readFileSync(file, 'utf8'));
  return result.ok ? result.value : null;
};

describe('link arithmetic', () => {
  it('knows the per-lane figures of each generation', () => {
    expect(laneBytesPerSecond(2.5)).toBe(250e6);
    expect(laneBytesPerSecond(5.0)).toBe(500e6);
    expect(Math.round(laneBytesPerSecond(8.0) / 1e6)).toBe(985);
    expect(linkBytesPerSecond(16, 8.0)).toBeCloseTo(15.75e9, -8);
  });
});

describe('judgeLink on every shared pciconf output', () => {
  const files = sharedFixtureFiles('pciconf');
  it.each(files.map((f) => [basename(f), f]))('%s', (_name, file) => {
    const out = parsed(file);
    if (!out) return; // the one Markdown file that is not pciconf output; the parser tests cover it
    for (const device of out.devices) {
      const verdict = judgeLink(device, null);
      if (!device.pcie) expect(verdict.kind).toBe('unknown');
      if (verdict.kind === 'slow') {
        expect(verdict.gts).toBeLessThan(verdict.possibleGts);
        expect(verdict.bytesPerSecond).toBeLessThan(verdict.possibleBytesPerSecond);
      }
      if (verdict.kind === 'full') expect(verdict.bytesPerSecond).toBe(linkBytesPerSecond(verdict.width, verdict.gts));
    }
  });

  it('calls the Gen1-trained one-lane GPUs slow, as their link lines show', () => {
    const slowGpus = files.flatMap((file) => {
      const out = parsed(file);
      return (out?.devices ?? [])
        .filter(isNvidiaGpu)
        .filter((d) => d.pcie?.linkWidth === 1 && d.pcie.linkSpeedGTs === 2.5 && (d.pcie.maxLinkSpeedGTs ?? 0) > 2.5)
        .map((d) => ({ file: basename(file), verdict: judgeLink(d, null) }));
    });
    expect(slowGpus.length).toBeGreaterThan(0);
    for (const { verdict } of slowGpus) expect(verdict).toMatchObject({ kind: 'slow', gts: 2.5, bytesPerSecond: 250e6 });
  });

  it('reads the X220 ExpressCard root port as down when the slot is empty', () => {
    const out = parsed(files.find((f) => basename(f).startsWith('x220-ThinkPad-X220-4286CTO')) ?? '');
    const port = out?.devices.find((d) => d.selector === 'pci0:0:28:3');
    expect(port?.pcieRole).toBe('root port');
    expect(port && judgeLink(port, null)).toEqual({ kind: 'down' });
  });
});

describe('findRootPort', () => {
  const out = parsed(sharedFixtureFiles('pciconf').find((f) => basename(f).startsWith('x220-ThinkPad-X220-4286CTO')) ?? '');
  if (!out) throw new Error('fixture missing');
  const gpu = { ...out.devices[0]!, name: 'vgapci1', selector: 'pci0:5:0:0' };

  it('walks vgapci → pci bus → bridge until a root port', () => {
    const tree = { 'dev.vgapci.1.%parent': 'pci2', 'dev.pci.2.%parent': 'pcib3', 'dev.pcib.3.%parent': 'pci0' };
    const found = findRootPort(gpu, out, tree);
    expect(found.chain).toEqual(['vgapci1', 'pci2', 'pcib3']);
    expect(found.rootPort?.selector).toBe('pci0:0:28:3');
  });

  it('stops, without a port, when the tree ends or loops', () => {
    expect(findRootPort(gpu, out, {}).rootPort).toBeNull();
    const loop = { 'dev.vgapci.1.%parent': 'pci9', 'dev.pci.9.%parent': 'pci9' };
    expect(findRootPort(gpu, out, loop)).toMatchObject({ rootPort: null });
  });
});
