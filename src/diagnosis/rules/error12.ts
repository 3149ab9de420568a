import { msg } from '../../contract/messages';
import type { AllocationFailure } from '../../commands/parsers/dmesg';
import type { PciBar } from '../../commands/parsers/pciconf';
import { pciconfLines, placementEvidence, refOf, type Context, type Gpu } from '../context';
import { error12Fixes, reallocInForce } from '../fixes';
import type { DeviceRef, EvidenceRef, Finding, Severity } from '../types';

/**
 * The "Error 12" class: the GPU is on the bus but its memory ranges (BARs) got no address, because the
 * bridge above it could not get a window big enough, or the firmware left too little PCI memory space.
 *
 * Blame goes by the hierarchy: a window failure on a bridge above the GPU is an error (a warning when the
 * GPU's BARs were placed anyway: the kernel recovered), one on any other bridge is information only, and
 * one where the inputs do not show where the GPU sits is a warning that says so.
 */

const MEMORY_KINDS = new Set<AllocationFailure['kind']>(['memory-window', 'prefetch-window']);

/** A memory BAR the firmware and kernel could not place: pciconf shows base 0 or decoding disabled. */
const unassignedBar = (bar: PciBar): boolean => bar.type !== 'I/O Port' && (!bar.enabled || /^0x0+$/.test(bar.base));

const bridgeRef = (context: Context, name: string): DeviceRef => {
  const listed = context.topology.device(name);
  return {
    name,
    selector: listed?.selector ?? context.topology.selectorOf(name),
    description: listed?.device ?? context.topology.attachment(name)?.description ?? null,
  };
};

const failureEvidence = (context: Context, failures: readonly AllocationFailure[]): EvidenceRef[] => {
  const boot = context.parsed.boot;
  return boot ? context.lines.at(boot.source, failures.map((f) => f.line)) : [];
};

interface GpuPlace {
  gpu: Gpu;
  /** Bridges above it, or null when the inputs do not show them. */
  above: string[] | null;
  /** BAR failures of this GPU in the boot messages. */
  barFailures: AllocationFailure[];
  unassigned: PciBar[];
  /** Its BARs are known to be fine: pciconf lists them all placed, or the NVIDIA driver attached. */
  barsFine: boolean;
}

function placeGpu(context: Context, gpu: Gpu, failures: readonly AllocationFailure[]): GpuPlace {
  const chain = context.topology.bridgesAbove({ name: gpu.name, bus: gpu.bus });
  const barFailures = failures.filter(
    (f) => f.kind === 'bar' && ((gpu.selector !== null && f.selector === gpu.selector) || (f.selector === null && f.device === gpu.name)),
  );
  const unassigned = gpu.pci?.bars.filter(unassignedBar) ?? [];
  const listedFine = gpu.pci !== null && gpu.pci.bars.length > 0 && unassigned.length === 0;
  return { gpu, above: chain?.bridges ?? null, barFailures, unassigned, barsFine: barFailures.length === 0 && (listedFine || gpu.driver !== null) };
}

function gpuBarFinding(context: Context, place: GpuPlace): Finding {
  const { gpu } = place;
  const boot = context.parsed.boot;
  const inForce = reallocInForce(context.parsed);
  const regs = [...new Set([...place.unassigned.map((b) => b.reg), ...place.barFailures.map((f) => f.bar ?? '?')])];
  const evidence: EvidenceRef[] = [
    ...(gpu.pci ? pciconfLines(context, gpu.pci, (t) => place.unassigned.some((b) => t.includes(`bar   [${b.reg.slice(2)}]`))) : []),
    ...failureEvidence(context, place.barFailures),
    // nvidia.ko names the BAR it could not map when it gives up on the GPU.
    ...(boot ? context.lines.where(boot.source, (t) => /NVRM: NVIDIA MEM resource alloc failed/.test(t), 5) : []),
  ];
  return {
    id: 'pci-bar-alloc-failed',
    severity: 'error',
    title: msg('diagnosis.pci-bar-alloc-failed.title'),
    explanation: msg(inForce ? 'diagnosis.pci-bar-alloc-failed.gpu.reallocInForce' : 'diagnosis.pci-bar-alloc-failed.gpu', {
      selector: gpu.selector ?? gpu.name ?? '?',
      bars: regs.join(', '),
    }),
    notes: inForce ? [msg('diagnosis.error12.note.rootWindow'), msg('diagnosis.error12.note.wizardCannot')] : [msg('diagnosis.error12.note.windows')],
    evidence,
    device: refOf(gpu),
    bridges: (place.above ?? []).map((b) => bridgeRef(context, b)),
    fixes: error12Fixes(context.parsed),
  };
}

/** Window failures on one bridge above a GPU. */
function windowAboveFinding(context: Context, place: GpuPlace, bridge: string, failures: AllocationFailure[]): Finding {
  const severity: Severity = place.barsFine ? 'warn' : 'error';
  return {
    id: 'pci-window-alloc-failed',
    severity,
    title: msg('diagnosis.pci-window-alloc-failed.title'),
    explanation: msg(place.barsFine ? 'diagnosis.pci-window-alloc-failed.aboveRecovered' : 'diagnosis.pci-window-alloc-failed.above', {
      bridge,
      gpu: place.gpu.selector ?? place.gpu.name ?? '?',
      windows: failures.map((f) => f.range ?? f.kind).join(', '),
    }),
    notes: severity === 'error' ? [msg('diagnosis.error12.note.windows')] : [],
    evidence: [...failureEvidence(context, failures), ...placementEvidence(context, place.gpu.name, bridge)],
    device: refOf(place.gpu),
    bridges: [bridgeRef(context, bridge)],
    fixes: severity === 'error' ? error12Fixes(context.parsed) : [],
  };
}

/** Failures that do not concern any GPU the inputs show, one finding per kind of relation. */
function elsewhereFinding(
  context: Context,
  id: 'pci-window-alloc-failed' | 'pci-bar-alloc-failed',
  relation: 'elsewhere' | 'unknown',
  failures: AllocationFailure[],
  devices: string[],
): Finding {
  const names = [...new Set(devices)];
  return {
    id,
    severity: relation === 'unknown' ? 'warn' : 'info',
    title: msg(`diagnosis.${id}.title`),
    explanation: msg(`diagnosis.${id}.${relation}`, { devices: names.join(', '), count: failures.length }),
    notes: relation === 'unknown' ? [msg('diagnosis.error12.note.needPciconf')] : [],
    evidence: failureEvidence(context, failures).slice(0, 20),
    device: null,
    bridges: id === 'pci-window-alloc-failed' ? names.map((b) => bridgeRef(context, b)) : [],
    fixes: [],
  };
}

export function error12Findings(context: Context): Finding[] {
  const failures = context.parsed.boot?.value.allocationFailures ?? [];
  const places = context.gpus.map((gpu) => placeGpu(context, gpu, failures));
  const findings: Finding[] = [];

  // Window failures: above a GPU, elsewhere, or where the hierarchy is not known.
  const windows = failures.filter((f) => f.kind !== 'bar');
  const claimed = new Set<AllocationFailure>();
  for (const place of places) {
    for (const bridge of place.above ?? []) {
      const mine = windows.filter((f) => f.device === bridge && MEMORY_KINDS.has(f.kind));
      if (mine.length === 0) continue;
      mine.forEach((f) => claimed.add(f));
      findings.push(windowAboveFinding(context, place, bridge, mine));
    }
  }
  const known = places.length > 0 && places.every((p) => p.above !== null);
  const rest = windows.filter((f) => !claimed.has(f));
  // An I/O window never holds a GPU's memory ranges: information, wherever it is.
  const unknownWindows = known ? [] : rest.filter((f) => MEMORY_KINDS.has(f.kind));
  const elsewhereWindows = rest.filter((f) => !unknownWindows.includes(f));
  if (unknownWindows.length > 0) findings.push(elsewhereFinding(context, 'pci-window-alloc-failed', 'unknown', unknownWindows, unknownWindows.map((f) => f.device)));
  if (elsewhereWindows.length > 0) findings.push(elsewhereFinding(context, 'pci-window-alloc-failed', 'elsewhere', elsewhereWindows, elsewhereWindows.map((f) => f.device)));

  // BARs: the GPU's own (pciconf or boot messages), then everyone else's.
  for (const place of places) if (place.unassigned.length > 0 || place.barFailures.length > 0) findings.push(gpuBarFinding(context, place));
  const gpuFailures = new Set(places.flatMap((p) => p.barFailures));
  const others = failures.filter((f) => f.kind === 'bar' && !gpuFailures.has(f));
  const whose = (f: AllocationFailure): string | null => (f.selector === null ? f.device : context.topology.nameAt(f.selector));
  const identified = others.filter((f) => whose(f) !== null || context.gpus.length > 0);
  const unidentified = others.filter((f) => !identified.includes(f));
  const label = (f: AllocationFailure) => whose(f) ?? f.selector ?? f.device;
  if (unidentified.length > 0) findings.push(elsewhereFinding(context, 'pci-bar-alloc-failed', 'unknown', unidentified, unidentified.map(label)));
  if (identified.length > 0) findings.push(elsewhereFinding(context, 'pci-bar-alloc-failed', 'elsewhere', identified, identified.map(label)));
  return findings;
}
