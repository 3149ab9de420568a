import { describe, expect, it } from 'vitest';
import { parseSysctlTree } from '../../src/commands/parsers/sysctl-tree';

describe('parseSysctlTree', () => {
  it('reads name: value leaves, including empty values and values with colons', () => {
    const text = [
      'dev.pcib.3.%parent: pci0',
      'dev.pcib.3.%location: slot=28 function=3 dbsf=pci0:0:28:3 handle=\\_SB_.PCI0.EXP4',
      'dev.pcib.3.%pnpinfo: vendor=0x8086 device=0x1c16',
      'dev.pcib.3.wake: 0',
      'dev.pci.2.%desc: ACPI PCI bus',
      'dev.pci.2.%driver:',
      '',
    ].join('\n');
    const result = parseSysctlTree(text);
    expect(result.ok && result.value.values).toEqual({
      'dev.pcib.3.%parent': 'pci0',
      'dev.pcib.3.%location': 'slot=28 function=3 dbsf=pci0:0:28:3 handle=\\_SB_.PCI0.EXP4',
      'dev.pcib.3.%pnpinfo': 'vendor=0x8086 device=0x1c16',
      'dev.pcib.3.wake': '0',
      'dev.pci.2.%desc': 'ACPI PCI bus',
      'dev.pci.2.%driver': '',
    });
  });

  it('keeps continuation lines with the leaf above', () => {
    const result = parseSysctlTree('dev.x.0.%desc: first\nsecond line\ndev.x.0.wake: 1\n');
    expect(result.ok && result.value.values['dev.x.0.%desc']).toBe('first\nsecond line');
  });

  it.each([
    ['empty', ''],
    ['garbage first line', 'hello world\n'],
    ['binary', '\u0000\u0001\u0002'],
  ])('refuses %s input without throwing', (_what, text) => {
    expect(parseSysctlTree(text).ok).toBe(false);
  });
});
