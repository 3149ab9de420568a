import { describe, expect, it } from 'vitest';
import { passthroughCapability, pptdevsEntry } from '../../src/hardware/passthrough';

describe('pptdevsEntry', () => {
  it('turns pciconf’s selector into loader.conf’s bus/slot/function', () => {
    expect(pptdevsEntry('pci0:5:0:0')).toBe('5/0/0');
    expect(pptdevsEntry('pci0:50:0:1')).toBe('50/0/1');
    expect(pptdevsEntry('pci0:0:31:6')).toBe('0/31/6');
  });

  it('refuses what pptdevs cannot name: another domain, or no selector at all', () => {
    expect(pptdevsEntry('pci1:5:0:0')).toBeNull();
    expect(pptdevsEntry('5:0:0')).toBeNull();
    expect(pptdevsEntry('pci0:5:0')).toBeNull();
  });
});

describe('passthroughCapability', () => {
  const withDmar = ['DSDT', 'FACP', 'DMAR'];
  const withoutDmar = ['DSDT', 'FACP', 'APIC'];

  it('is possible with a VT-d CPU and a DMAR table', () => {
    expect(passthroughCapability('Intel(R) Core(TM) i5-2520M CPU @ 2.50GHz', withDmar)).toEqual({
      possible: true,
      block: null,
      cpu: { model: 'i5-2520M', vtd: 'yes' },
    });
  });

  it('blames the BIOS when the CPU has VT-d but the firmware gives no DMAR table', () => {
    expect(passthroughCapability('Intel(R) Core(TM) i7-2620M CPU @ 2.70GHz', withoutDmar).block).toBe('bios');
  });

  it('blames the CPU when it has no VT-d, whatever the tables say', () => {
    const cap = passthroughCapability('Intel(R) Core(TM) i3-2310M CPU @ 2.10GHz', withDmar);
    expect(cap).toMatchObject({ possible: false, block: 'cpu', cpu: { model: 'i3-2310M' } });
  });

  it('says no DMAR, not which of the two, for a CPU it does not know', () => {
    expect(passthroughCapability('AMD Ryzen 7 3700X 8-Core Processor', withoutDmar).block).toBe('no-dmar');
    // An unknown CPU with an IOMMU table (AMD's IVRS) proves itself.
    expect(passthroughCapability('AMD Ryzen 7 3700X 8-Core Processor', ['DSDT', 'IVRS']).possible).toBe(true);
  });
});
