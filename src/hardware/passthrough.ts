import { vtdSupportOf, type CpuVtd } from './vtd';

/**
 * Whether bhyve can pass a PCI device to a guest here, and if not, which of the three causes it is. The
 * firmware's DMAR table (AMD's IVRS) is the proof that an IOMMU is on; the CPU decides whether a BIOS
 * setting could ever turn one on.
 */
export type PassthroughBlock = 'cpu' | 'bios' | 'no-dmar';

export interface PassthroughCapability {
  possible: boolean;
  /** Null when possible. */
  block: PassthroughBlock | null;
  cpu: CpuVtd;
}

export function passthroughCapability(cpuModel: string, tableSignatures: readonly string[]): PassthroughCapability {
  const cpu = vtdSupportOf(cpuModel);
  // A CPU without VT-d is decisive: no firmware table can stand in for the hardware.
  if (cpu.vtd === 'no') return { possible: false, block: 'cpu', cpu };
  const iommu = tableSignatures.some((s) => s === 'DMAR' || s === 'IVRS');
  if (iommu) return { possible: true, block: null, cpu };
  return { possible: false, block: cpu.vtd === 'yes' ? 'bios' : 'no-dmar', cpu };
}

/**
 * pciconf's selector as loader.conf's `pptdevs` wants it: `pci0:5:0:0` → `5/0/0` (bus/slot/function). The
 * list has no domain field, so a device outside domain 0 cannot be named there: null.
 */
export function pptdevsEntry(selector: string): string | null {
  const match = /^pci(\d+):(\d+):(\d+):(\d+)$/.exec(selector);
  if (!match || match[1] !== '0') return null;
  return `${Number(match[2])}/${Number(match[3])}/${Number(match[4])}`;
}
