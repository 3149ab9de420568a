import type { AllocationFailure, DmesgAttachment } from '../commands/parsers/dmesg';
import type { PciconfOutput } from '../commands/parsers/pciconf';
import type { PciDevice } from '../steps/gpu-on-bus';
import type { SourceName } from './types';

/**
 * The PCI hierarchy as far as the inputs show it, so that a finding can name the bridges above a device
 * and a failure on an unrelated bridge is not blamed on the GPU. Three sources, best first:
 *
 *  newbus    `dev.X.N.%parent` (sysctl) and the boot messages' attach lines (`pci2: <ACPI PCI bus> on pcib3`,
 *            `vgapci1: <…> at device 0.0 on pci2`): exact parent links by name.
 *  bus       bus numbers: `dev.pcib.N.secbus` (sysctl), a device pciconf lists on bus B whose attach line
 *            says `on pciK` (so pciK is bus B), and `pciK: pci0:B:S:F bar … failed` lines.
 *  inferred  pciconf alone: firmware numbers buses depth first, so walking the bridges in slot order and
 *            handing each the next bus that has devices on it rebuilds the tree. A PCI-Express port must
 *            then agree with the device below it on the negotiated link, or the guess is dropped.
 *
 * newbus unit numbers are not bus numbers (buses are numbered in attach order), which is why pciK is only
 * ever tied to a bus number by evidence.
 */

export type SourcedAttachment = DmesgAttachment & { source: SourceName };

export type ChainSource = 'newbus' | 'bus' | 'inferred';

export interface BridgeChain {
  /** Newbus names of the bridges above the device, nearest first (the host bridge last, where known). */
  bridges: string[];
  via: ChainSource;
}

const BRIDGE = /^pcib\d+$/;
const PCI_BUS = /^pci\d+$/;
const isBridgeHeader = (d: PciDevice): boolean => (Number.parseInt(d.hdr, 16) & 0x7f) === 1;
const PARENT_LEAF = /^dev\.([a-z_][a-z0-9_]*?)\.(\d+)\.%parent$/;
const SECBUS_LEAF = /^dev\.pcib\.(\d+)\.secbus$/;

export interface TopologyInputs {
  pciconf?: PciconfOutput | undefined;
  /** Attach lines of every message source, each with the source it was read from (for evidence). */
  attachments: readonly SourcedAttachment[];
  allocationFailures: readonly AllocationFailure[];
  sysctl?: Readonly<Record<string, string>> | undefined;
  /** Raw boot message lines: a verbose boot prints `pcib8:   secondary bus     8` and `pci8: domain=0, physical bus=8`. */
  bootLines?: readonly string[] | undefined;
}

const VERBOSE_SECBUS = /^(pcib\d+):\s+secondary bus\s+(\d+)\s*$/;
const VERBOSE_BUS = /^(pci\d+): domain=\d+, physical bus=(\d+)\s*$/;
const AT_DEVICE = / at device (\d+)\.(\d+) on pci\d+\s*$/;

export class Topology {
  private readonly parents = new Map<string, string>();
  /** pciK → the bus number it is. */
  private readonly busOfUnit = new Map<string, number>();
  /** bus number → the bridge (newbus name) whose secondary bus it is. */
  private readonly bridgeOfBus = new Map<number, string>();
  private readonly byName = new Map<string, PciDevice>();
  private readonly attachOf = new Map<string, SourcedAttachment>();
  private inferred: Map<number, PciDevice> | null = null;

  constructor(private readonly inputs: TopologyInputs) {
    const devices = inputs.pciconf?.devices ?? [];
    for (const device of devices) if (device.driver !== null) this.byName.set(device.name, device);
    // Attach lines: a later line for the same unit (a driver that detached and attached again) wins.
    for (const a of inputs.attachments) {
      this.parents.set(a.device, a.parent);
      this.attachOf.set(a.device, a);
    }
    for (const line of inputs.bootLines ?? []) {
      const secbus = VERBOSE_SECBUS.exec(line);
      if (secbus?.[1] !== undefined) this.bridgeOfBus.set(Number(secbus[2]), secbus[1]);
      const bus = VERBOSE_BUS.exec(line);
      if (bus?.[1] !== undefined) this.busOfUnit.set(bus[1], Number(bus[2]));
    }
    const sysctl = inputs.sysctl ?? {};
    for (const [key, value] of Object.entries(sysctl)) {
      const parent = PARENT_LEAF.exec(key);
      if (parent && value !== '') this.parents.set(`${parent[1]}${parent[2]}`, value);
    }
    for (const [key, value] of Object.entries(sysctl)) {
      const secbus = SECBUS_LEAF.exec(key);
      const bus = Number(value);
      if (secbus && Number.isInteger(bus)) this.bridgeOfBus.set(bus, `pcib${secbus[1]}`);
    }
    for (const device of devices) {
      const unit = device.driver === null ? undefined : this.parents.get(device.name);
      if (unit !== undefined && PCI_BUS.test(unit)) this.busOfUnit.set(unit, device.bus);
    }
    for (const failure of inputs.allocationFailures) {
      const bus = failure.selector === null ? undefined : Number(failure.selector.split(':')[1]);
      if (bus !== undefined && PCI_BUS.test(failure.device)) this.busOfUnit.set(failure.device, bus);
    }
    for (const [unit, bus] of this.busOfUnit) {
      const bridge = this.parents.get(unit);
      if (bridge !== undefined && BRIDGE.test(bridge) && !this.bridgeOfBus.has(bus)) this.bridgeOfBus.set(bus, bridge);
    }
  }

  /** The pciconf entry of a newbus name (`pcib3`, `vgapci1`), if pciconf listed it. */
  device(name: string): PciDevice | undefined {
    return this.byName.get(name);
  }

  /** The attach line of a newbus device, if the boot messages have one. */
  attachment(name: string): SourcedAttachment | undefined {
    return this.attachOf.get(name);
  }

  /** A device's selector: pciconf's, or rebuilt from its attach line (`at device 0.0 on pci2`, pci2 = bus 5). */
  selectorOf(name: string): string | null {
    const listed = this.byName.get(name);
    if (listed) return listed.selector;
    const attach = this.attachOf.get(name);
    const at = attach ? AT_DEVICE.exec(attach.text.trimEnd()) : null;
    const bus = attach ? this.busOfUnit.get(attach.parent) : undefined;
    return at && bus !== undefined ? `pci0:${bus}:${at[1]}:${at[2]}` : null;
  }

  /** The newbus name of the device at a selector: pciconf's name, or the attach line that rebuilds to it. */
  nameAt(selector: string): string | null {
    const listed = this.inputs.pciconf?.devices.find((d) => d.selector === selector);
    if (listed) return listed.driver;
    for (const name of this.attachOf.keys()) if (this.selectorOf(name) === selector) return name;
    return null;
  }

  /** The bus number a newbus pci unit stands for, where the evidence ties it to one. */
  busOf(unit: string): number | null {
    return this.busOfUnit.get(unit) ?? null;
  }

  /** The newbus parent of a device, as sysctl or the attach lines give it. */
  parent(name: string): string | undefined {
    return this.parents.get(name);
  }

  /** The bridges above a device, found by name first and by its bus number second; null when unknown. */
  bridgesAbove(target: { name: string | null; bus: number | null }): BridgeChain | null {
    if (target.name !== null && this.parents.has(target.name)) {
      return { bridges: this.walk(target.name), via: 'newbus' };
    }
    if (target.bus === null) return null;
    const unit = [...this.busOfUnit].find(([, bus]) => bus === target.bus)?.[0];
    if (unit !== undefined && this.parents.has(unit)) return { bridges: this.walk(unit), via: 'bus' };
    const bridge = this.bridgeOfBus.get(target.bus);
    if (bridge !== undefined) return { bridges: [bridge, ...this.walk(bridge)], via: 'bus' };
    return this.inferredChain(target.bus);
  }

  /** Up the newbus parents, keeping the bridges; stops at the platform (acpi0, nexus0) or where links end. */
  private walk(start: string): string[] {
    const bridges: string[] = [];
    const seen = new Set<string>([start]);
    let current = start;
    for (;;) {
      const parent = this.parents.get(current);
      if (parent === undefined || seen.has(parent)) break;
      seen.add(parent);
      // A host bridge (its parent is acpi0, not a PCI bus) has no window a device could fail to fit.
      const above = this.parents.get(parent);
      if (BRIDGE.test(parent) && (above === undefined || PCI_BUS.test(above))) bridges.push(parent);
      current = parent;
    }
    return bridges;
  }

  private inferredChain(bus: number): BridgeChain | null {
    const map = this.inferBridges();
    const bridges: string[] = [];
    let current = bus;
    for (let depth = 0; depth < 32 && current !== 0; depth++) {
      const bridge = map.get(current);
      if (bridge === undefined) return null;
      bridges.push(bridge.driver ?? bridge.name);
      current = bridge.bus;
    }
    return bridges.length > 0 ? { bridges, via: 'inferred' } : null;
  }

  /** Depth-first bus numbering replayed over pciconf's list (see the class comment). */
  private inferBridges(): Map<number, PciDevice> {
    if (this.inferred !== null) return this.inferred;
    const devices = this.inputs.pciconf?.devices ?? [];
    const hasCaps = devices.some((d) => d.capabilities.length > 0);
    const occupied = [...new Set(devices.map((d) => d.bus))].filter((b) => b !== 0).sort((a, b) => a - b);
    const assigned = new Map<number, PciDevice>();
    let next = 1;
    const onBus = (bus: number) =>
      devices.filter((d) => d.bus === bus && d.domain === 0).sort((a, b) => a.slot - b.slot || a.func - b.func);
    const agrees = (bridge: PciDevice, bus: number): boolean => {
      const below = onBus(bus);
      if (!hasCaps) return true;
      if (bridge.pcie === null) return below.every((d) => d.pcie === null);
      const link = bridge.pcie;
      return below.some(
        (d) => d.pcie !== null && d.pcie.linkWidth === link.linkWidth && d.pcie.linkSpeedGTs === link.linkSpeedGTs,
      );
    };
    const visit = (bus: number, depth: number): void => {
      if (depth > 32) return;
      for (const bridge of onBus(bus).filter(isBridgeHeader)) {
        if (bridge.pcie !== null && bridge.pcie.linkWidth === 0) continue; // link down: nothing behind it
        const candidate = occupied.find((b) => b >= next && !assigned.has(b));
        if (candidate === undefined || !agrees(bridge, candidate)) continue;
        assigned.set(candidate, bridge);
        next = candidate + 1;
        visit(candidate, depth + 1);
      }
    };
    visit(0, 0);
    this.inferred = assigned;
    return assigned;
  }
}
