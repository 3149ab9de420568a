import type { PciconfOutput } from '../commands/parsers/pciconf';

type PciDevice = PciconfOutput['devices'][number];

/**
 * Usable bytes per second of one lane, one direction, after line coding: PCIe 1.x and 2.x use 8b/10b
 * (2.5 GT/s → 250 MB/s, 5.0 GT/s → 500 MB/s), 3.0 and later 128b/130b.
 */
export function laneBytesPerSecond(gts: number): number {
  const coding = gts <= 5 ? 8 / 10 : 128 / 130;
  return (gts * 1e9 * coding) / 8;
}

export const linkBytesPerSecond = (width: number, gts: number): number => width * laneBytesPerSecond(gts);

export interface LinkEnd {
  width: number | null;
  maxWidth: number | null;
  gts: number | null;
  maxGts: number | null;
}

const endOf = (device: PciDevice | null | undefined): LinkEnd | null =>
  device?.pcie
    ? {
        width: device.pcie.linkWidth,
        maxWidth: device.pcie.maxLinkWidth,
        gts: device.pcie.linkSpeedGTs,
        maxGts: device.pcie.maxLinkSpeedGTs,
      }
    : null;

export type LinkVerdict =
  /** Negotiated as fast and as wide as both ends allow. */
  | { kind: 'full'; width: number; gts: number; bytesPerSecond: number }
  /** Trained below the speed both ends support (Gen1 on a Gen2 slot): same lanes, less per lane. */
  | { kind: 'slow'; width: number; gts: number; possibleGts: number; bytesPerSecond: number; possibleBytesPerSecond: number }
  /** Fewer lanes than both ends support. */
  | { kind: 'narrow'; width: number; gts: number; possibleWidth: number; bytesPerSecond: number; possibleBytesPerSecond: number }
  /** No link: nothing trained on the other side. */
  | { kind: 'down' }
  /** pciconf printed no usable link line (no -c, or no PCI-Express capability). */
  | { kind: 'unknown' };

const min = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

/**
 * What the link between the GPU and the port above it does, against what both ends could do. Without the
 * port, the GPU's own maximum is the only bound known (so a x1 slot reads as "narrow"; callers say so).
 */
export function judgeLink(gpu: PciDevice, port: PciDevice | null): LinkVerdict {
  const g = endOf(gpu);
  if (!g) return { kind: 'unknown' };
  const p = endOf(port);
  if (g.width === 0 || g.gts === 0) return { kind: 'down' };
  if (g.width === null || g.gts === null) return { kind: 'unknown' };
  const possibleGts = min(g.maxGts, p?.maxGts ?? null) ?? g.gts;
  const possibleWidth = min(g.maxWidth, p?.maxWidth ?? null) ?? g.width;
  const bytesPerSecond = linkBytesPerSecond(g.width, g.gts);
  if (g.gts < possibleGts) {
    return { kind: 'slow', width: g.width, gts: g.gts, possibleGts, bytesPerSecond, possibleBytesPerSecond: linkBytesPerSecond(g.width, possibleGts) };
  }
  if (g.width < possibleWidth) {
    return { kind: 'narrow', width: g.width, gts: g.gts, possibleWidth, bytesPerSecond, possibleBytesPerSecond: linkBytesPerSecond(possibleWidth, g.gts) };
  }
  return { kind: 'full', width: g.width, gts: g.gts, bytesPerSecond };
}

/**
 * The root port above a device, found by walking newbus parents (`dev.<driver>.<unit>.%parent`) from the
 * device up through `pciN` buses and `pcibN` bridges until a bridge that pciconf calls a root port.
 * Returns the chain walked, so the user sees how it was found.
 */
export function findRootPort(
  device: PciDevice,
  pciconf: PciconfOutput,
  tree: Readonly<Record<string, string>>,
): { rootPort: PciDevice | null; chain: string[] } {
  const byName = new Map(pciconf.devices.map((d) => [d.name, d]));
  const chain = [device.name];
  let current = device.name;
  for (let depth = 0; depth < 16; depth++) {
    const unit = /^([a-z_]+?)(\d+)$/.exec(current);
    if (!unit) break;
    const parent = tree[`dev.${unit[1]}.${unit[2]}.%parent`];
    if (!parent) break;
    chain.push(parent);
    const bridge = byName.get(parent);
    if (bridge?.pcieRole === 'root port') return { rootPort: bridge, chain };
    current = parent;
  }
  return { rootPort: null, chain };
}

/** Megabytes (10^6) per second, as link figures are usually quoted. */
export const mbPerSecond = (bytesPerSecond: number): number => Math.round(bytesPerSecond / 1e6);
