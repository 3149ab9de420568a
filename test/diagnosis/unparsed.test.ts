import { describe, expect, it } from 'vitest';
import { diagnoseOutputs } from '../../src/diagnosis/engine';
import type { RawOutput } from '../../src/diagnosis/types';

const pciconf = (lines: string[]): RawOutput => ({ source: 'pciconf', text: `${lines.join('\n')}\n`, origin: null });
const host = [
  'hostb0@pci0:0:0:0:\tclass=0x060000 rev=0x09 hdr=0x00 vendor=0x8086 device=0x0104 subvendor=0x17aa subdevice=0x21cf',
  'pcib3@pci0:0:28:3:\tclass=0x060400 rev=0xb4 hdr=0x01 vendor=0x8086 device=0x1c16 subvendor=0x17aa subdevice=0x21da',
];

describe('the diagnosis and the lines pciconf printed that could not be read', () => {
  it('unknown lines that do not name NVIDIA change nothing: no GPU is an error', () => {
    const d = diagnoseOutputs({ outputs: [pciconf(['$ pciconf -lv', ...host, 'thanks'])] });
    expect(d.unreadable).toEqual([]);
    expect(d.findings.map((f) => [f.id, f.severity])).toEqual([['gpu-not-enumerated', 'error']]);
    expect(d.findings[0]?.notes).toEqual([]);
  });

  it('an unreadable line naming NVIDIA turns "not on the bus" into a warning that cites the line', () => {
    const broken = 'vgapci1@pci0:5:0:0:\tclass=0x030200 rev=0xa1 hdr=0x00 vendor=0x10de device=0x1bb3 subvendor=0x10de subdevice=0x11d8 flags=?';
    const d = diagnoseOutputs({ outputs: [pciconf([...host, broken, "    vendor     = 'NVIDIA Corporation'"])] });
    const [finding] = d.findings;
    expect(finding).toMatchObject({ id: 'gpu-not-enumerated', severity: 'warn' });
    expect(finding?.evidence).toEqual([
      { source: 'pciconf', line: 3, text: broken },
      { source: 'pciconf', line: 4, text: "    vendor     = 'NVIDIA Corporation'" },
    ]);
    expect(finding?.notes.map((n) => n.key)).toEqual(['diagnosis.gpu-not-enumerated.unread']);
  });
});
