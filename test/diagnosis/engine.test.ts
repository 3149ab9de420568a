import { describe, expect, it } from 'vitest';
import { diagnoseOutputs } from '../../src/diagnosis/engine';
import type { RawOutput, SourceName } from '../../src/diagnosis/types';
import { knownXidCodes } from '../../src/diagnosis/xid';
import { en } from '../../src/i18n/en';

const out = (source: SourceName, lines: string[]): RawOutput => ({ source, text: `${lines.join('\n')}\n`, origin: null });
const diagnose = (...outputs: RawOutput[]) => diagnoseOutputs({ outputs });

/** A small machine written by hand: root port pcib1 → pci1 (GPU), root port pcib2 → pci2 (a NIC). */
const bootLines = (failing: 'pcib1' | 'pcib2') => [
  'pcib0: <ACPI Host-PCI bridge> port 0xcf8-0xcff on acpi0',
  'pci0: <ACPI PCI bus> on pcib0',
  'pcib1: <ACPI PCI-PCI bridge> irq 16 at device 1.0 on pci0',
  ...(failing === 'pcib1' ? ['pcib1: failed to allocate initial prefetch window: 0xc0000000-0xcfffffff'] : []),
  'pci1: <ACPI PCI bus> on pcib1',
  'vgapci0: <VGA-compatible display> irq 16 at device 0.0 on pci1',
  'pcib2: <ACPI PCI-PCI bridge> irq 17 at device 28.0 on pci0',
  ...(failing === 'pcib2' ? ['pcib2: failed to allocate initial memory window: 0xf0000000-0xf00fffff'] : []),
  'pci2: <ACPI PCI bus> on pcib2',
  'em0: <Intel(R) PRO/1000 Network Connection> mem 0xf0000000-0xf001ffff irq 17 at device 0.0 on pci2',
];
const pciconfLines = (gpuBase: string) => [
  'hostb0@pci0:0:0:0:\tclass=0x060000 rev=0x09 hdr=0x00 vendor=0x8086 device=0x0104 subvendor=0x17aa subdevice=0x21cf',
  'pcib1@pci0:0:1:0:\tclass=0x060400 rev=0x09 hdr=0x01 vendor=0x8086 device=0x0101 subvendor=0x17aa subdevice=0x21cf',
  'pcib2@pci0:0:28:0:\tclass=0x060400 rev=0xb4 hdr=0x01 vendor=0x8086 device=0x1c10 subvendor=0x17aa subdevice=0x21cf',
  'vgapci0@pci0:1:0:0:\tclass=0x030200 rev=0xa1 hdr=0x00 vendor=0x10de device=0x1bb3 subvendor=0x10de subdevice=0x11d8',
  `    bar   [10] = type Memory, range 32, base ${gpuBase}, size 16777216, ${gpuBase === '0' ? 'disabled' : 'enabled'}`,
  'em0@pci0:2:0:0:\tclass=0x020000 rev=0x04 hdr=0x00 vendor=0x8086 device=0x1502 subvendor=0x17aa subdevice=0x21ce',
];

describe('the diagnosis engine', () => {
  it('blames a window failure on the bridge above the GPU, with the attach lines that place it there', () => {
    const d = diagnose(out('pciconf', pciconfLines('0')), out('dmesg', bootLines('pcib1')));
    const [window, bars] = d.findings;
    expect(window).toMatchObject({ id: 'pci-window-alloc-failed', severity: 'error', bridges: [{ name: 'pcib1', selector: 'pci0:0:1:0' }] });
    expect(window?.evidence.map((e) => e.line)).toEqual([3, 4, 5, 6]);
    expect(bars).toMatchObject({ id: 'pci-bar-alloc-failed', severity: 'error', device: { name: 'vgapci0', selector: 'pci0:1:0:0' } });
  });

  it('reports a window failure on an unrelated bridge as information, not as the GPU’s problem', () => {
    const d = diagnose(out('pciconf', pciconfLines('0xd0000000')), out('dmesg', bootLines('pcib2')));
    expect(d.findings.map((f) => [f.id, f.severity])).toEqual([['pci-window-alloc-failed', 'info']]);
    expect(d.findings[0]?.bridges.map((b) => b.name)).toEqual(['pcib2']);
  });

  it('warns, not errs, when the bridge above the GPU failed but its BARs were placed anyway', () => {
    const d = diagnose(out('pciconf', pciconfLines('0xd0000000')), out('dmesg', bootLines('pcib1')));
    expect(d.findings.map((f) => [f.id, f.severity])).toEqual([['pci-window-alloc-failed', 'warn']]);
    expect(d.findings[0]?.explanation.key).toBe('diagnosis.pci-window-alloc-failed.aboveRecovered');
  });

  it('finds the bridge above from pciconf alone by replaying depth-first bus numbering', () => {
    const lines = [
      ...pciconfLines('0').slice(0, 4),
      '    cap 10[68] = PCI-Express 2 endpoint max data 128(256) RO NS',
      '                 link x1(x16) speed 2.5(8.0) ASPM disabled(L0s/L1)',
    ];
    const withPort = [
      lines[0] ?? '',
      lines[1] ?? '',
      '    cap 10[90] = PCI-Express 2 root port max data 128(128)',
      '                 link x1(x1) speed 2.5(5.0) ASPM disabled(L0s/L1)',
      ...lines.slice(2),
    ];
    const d = diagnose(out('pciconf', withPort));
    const link = d.findings.find((f) => f.id === 'link-degraded');
    expect(link?.bridges.map((b) => b.name)).toEqual(['pcib1']);
    expect(link?.explanation.params).toMatchObject({ gts: '2.5', possible: '5.0', width: 1 });
  });

  it('explains every known Xid number with its own text and unknown ones generically; Xid 79 is an error', () => {
    for (const code of knownXidCodes()) expect(Object.hasOwn(en, `diagnosis.xid.${code}`), `xid ${code}`).toBe(true);
    const d = diagnose(
      out('dmesg', [
        'NVRM: Xid (PCI:0000:05:00): 79, pid=\'<unknown>\', name=<unknown>, GPU has fallen off the bus.',
        'NVRM: Xid (PCI:0000:05:00): 12345, something new',
      ]),
    );
    expect(d.findings.map((f) => [f.id, f.severity, f.explanation.key])).toEqual([
      ['nvidia-xid', 'error', 'diagnosis.xid.79'],
      ['nvidia-xid', 'warn', 'diagnosis.xid.unknown'],
    ]);
    expect(d.findings[0]?.fixes.map((f) => f.id)).toEqual(['power-first', 'reseat', 'cooling']);
  });

  it('sees MSI switched off, a version mismatch from nvidia-smi, and llama.cpp falling back to the CPU', () => {
    const d = diagnose(
      out('kenv', ['hw.pci.enable_msi="0"', 'kernel="kernel"']),
      out('nvidia-smi', ['Failed to initialize NVML: Driver/library version mismatch']),
      out('llama', ['ggml_cuda_init: failed to initialize CUDA: no CUDA-capable device is detected', 'main: loading model']),
    );
    expect(d.findings.map((f) => f.id)).toEqual(['nvidia-version-mismatch', 'msi-blacklisted', 'cuda-cpu-fallback']);
    expect(d.findings.map((f) => f.evidence[0]?.line)).toEqual([1, 1, 1]);
  });

  it('reports an input it cannot read instead of guessing', () => {
    const d = diagnose(out('pciconf', ['# not pciconf']), out('kldstat', ['Id Refs Address Size Name', ' 1 1 0xffffffff80200000 1f3e2d0 kernel']));
    expect(d.unreadable.map((u) => u.source)).toEqual(['pciconf']);
    expect(d.sources).toEqual(['kldstat']);
  });
});
