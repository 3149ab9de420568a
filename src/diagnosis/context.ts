import { isNvidiaGpu, type PciDevice } from '../steps/gpu-on-bus';
import { Lines, parseInputs, type Parsed } from './inputs';
import { Topology } from './topology';
import type { DeviceRef, DiagnosisInput, EvidenceRef, SourceName, UnreadableInput } from './types';

/** An NVIDIA GPU as the inputs show it: from pciconf, or from the boot messages where the driver attached. */
export interface Gpu {
  /** Newbus name of the PCI device (`vgapci1`); null where nothing attached (pciconf's `noneN`). */
  name: string | null;
  selector: string | null;
  bus: number | null;
  description: string | null;
  pci: PciDevice | null;
  /** The nvidia driver instance attached below it (`nvidia0`), where the inputs show one. */
  driver: string | null;
}

/** Everything a rule reads: the parsed inputs, their raw lines for evidence, the hierarchy and the GPUs. */
export interface Context {
  parsed: Parsed;
  lines: Lines;
  topology: Topology;
  gpus: Gpu[];
  sources: SourceName[];
}

const NVIDIA_DRIVER = /^nvidia\d+$/;

export const refOf = (gpu: Gpu): DeviceRef => ({ name: gpu.name, selector: gpu.selector, description: gpu.description });

/** The nvidia driver instance attached to a vgapci device: sysctl's tree or an attach line `nvidia0: <…> on vgapci1`. */
function nvidiaChild(topology: Topology, parsed: Parsed, vgapci: string | null): string | null {
  if (vgapci === null) return null;
  const names = new Set<string>();
  for (const { value } of parsed.messages) for (const a of value.attachments) if (NVIDIA_DRIVER.test(a.device)) names.add(a.device);
  for (const key of Object.keys(parsed.sysctl ?? {})) {
    const unit = /^dev\.nvidia\.(\d+)\.%parent$/.exec(key);
    if (unit) names.add(`nvidia${unit[1]}`);
  }
  return [...names].find((name) => topology.parent(name) === vgapci) ?? null;
}

function findGpus(parsed: Parsed, topology: Topology): Gpu[] {
  if (parsed.pciconf) {
    return parsed.pciconf.devices.filter(isNvidiaGpu).map((pci) => ({
      name: pci.driver,
      selector: pci.selector,
      bus: pci.bus,
      description: pci.device,
      pci,
      driver: nvidiaChild(topology, parsed, pci.driver),
    }));
  }
  // Without pciconf only the driver's own attach lines say which display device is NVIDIA's.
  const found = new Map<string, Gpu>();
  for (const { value } of parsed.messages) {
    for (const a of value.attachments) {
      if (!NVIDIA_DRIVER.test(a.device) || found.has(a.parent)) continue;
      const selector = topology.selectorOf(a.parent);
      found.set(a.parent, {
        name: a.parent,
        selector,
        bus: selector === null ? topology.busOf(topology.parent(a.parent) ?? '') : Number(selector.split(':')[1]),
        description: a.description,
        pci: null,
        driver: a.device,
      });
    }
  }
  return [...found.values()];
}

export function buildContext(input: DiagnosisInput): { context: Context; unreadable: UnreadableInput[] } {
  const { parsed, unreadable } = parseInputs(input);
  const lines = new Lines(input);
  const topology = new Topology({
    pciconf: parsed.pciconf,
    // The boot record last, so its attach lines win over the same ones in the message buffer.
    attachments: [...parsed.messages].reverse().flatMap((m) => m.value.attachments.map((a) => ({ ...a, source: m.source }))),
    allocationFailures: parsed.messages.flatMap((m) => m.value.allocationFailures),
    sysctl: parsed.sysctl,
    bootLines: parsed.boot ? lines.of(parsed.boot.source) : [],
  });
  const failed = new Set(unreadable.map((u) => u.source));
  const sources = input.outputs.map((o) => o.source).filter((s) => !failed.has(s));
  return { context: { parsed, lines, topology, gpus: findGpus(parsed, topology), sources }, unreadable };
}

/** The attach lines that tie a device to the bridges above it, as evidence of where it sits. */
export function placementEvidence(context: Context, name: string | null, upTo: string | null): EvidenceRef[] {
  if (name === null) return [];
  const evidence: EvidenceRef[] = [];
  let current: string | undefined = name;
  for (let depth = 0; current !== undefined && depth < 32; depth++) {
    const attach = context.topology.attachment(current);
    if (attach) evidence.push(...context.lines.at(attach.source, [attach.line]));
    if (current === upTo) break;
    current = context.topology.parent(current);
  }
  return evidence.reverse();
}

/** pciconf lines of one device (its header and the body lines `keep` accepts). */
export function pciconfLines(context: Context, device: PciDevice, keep: (text: string) => boolean): EvidenceRef[] {
  const devices = context.parsed.pciconf?.devices ?? [];
  const next = devices[devices.indexOf(device) + 1]?.line ?? Number.POSITIVE_INFINITY;
  return context.lines.where('pciconf', (text, n) => n === device.line || (n > device.line && n < next && keep(text)), 40);
}
