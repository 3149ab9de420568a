/**
 * Whether a CPU has Intel VT-d (an IOMMU), which bhyve needs to pass a PCI device to a guest. Only the
 * processors a ThinkPad X220 shipped with are listed (Intel's product specifications, "Intel Virtualization
 * Technology for Directed I/O"): the vPro i5 and the i7 parts have it, the i3 and the non-vPro i5 parts do
 * not. Any other CPU is `unknown`: the wizard then says to look it up rather than guess.
 */
const SANDY_BRIDGE_MOBILE: Readonly<Record<string, boolean>> = {
  'i3-2310M': false,
  'i3-2330M': false,
  'i3-2350M': false,
  'i5-2410M': false,
  'i5-2430M': false,
  'i5-2450M': false,
  'i5-2520M': true,
  'i5-2540M': true,
  'i7-2620M': true,
  'i7-2640M': true,
};

export type VtdSupport = 'yes' | 'no' | 'unknown';

export interface CpuVtd {
  /** The model as the table names it (`i5-2520M`), or the whole CPU string when it is not in the table. */
  model: string;
  vtd: VtdSupport;
}

/** Reads `Intel(R) Core(TM) i5-2520M CPU @ 2.50GHz` (dmesg's `CPU:` line or `sysctl hw.model`). */
export function vtdSupportOf(cpu: string): CpuVtd {
  const model = /\b(i[357]-\d{4}[A-Z]{0,2})\b/.exec(cpu)?.[1];
  if (model !== undefined && model in SANDY_BRIDGE_MOBILE) return { model, vtd: SANDY_BRIDGE_MOBILE[model] ? 'yes' : 'no' };
  return { model: model ?? cpu.trim(), vtd: 'unknown' };
}
