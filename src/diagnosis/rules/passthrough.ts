import { msg } from '../../contract/messages';
import { tablesFromBootLine } from '../../commands/parsers/acpi-tables';
import { vtdSupportOf, type CpuVtd } from '../../hardware/vtd';
import { pciconfLines, refOf, type Context, type Gpu } from '../context';
import { fix } from '../fixes';
import { baseFinding } from './finding';
import type { EvidenceRef, Finding } from '../types';

/** The route where bhyve hands the GPU to a Linux guest: is the card reserved for it, and can the machine do it. */

/** ppt(4) is the driver bhyve's `pptdevs` puts on a device it keeps for a guest. */
export const isReservedForPassthrough = (gpu: Gpu): boolean => /^ppt\d+$/.test(gpu.pci?.driver ?? gpu.name ?? '');

function reservedFindings(context: Context): Finding[] {
  return context.gpus.filter(isReservedForPassthrough).map((gpu) => {
    const finding = baseFinding(
      'gpu-reserved-for-passthrough',
      'info',
      msg('diagnosis.gpu-reserved-for-passthrough.explanation', { selector: gpu.selector ?? '?', name: gpu.name ?? '?' }),
      gpu.pci ? pciconfLines(context, gpu.pci, (t) => /^\s+(vendor|device)\s+=/.test(t)) : [],
    );
    finding.device = refOf(gpu);
    finding.notes = [msg('diagnosis.gpu-reserved-for-passthrough.note')];
    return finding;
  });
}

interface Tables {
  signatures: readonly string[];
  evidence: EvidenceRef[];
}

/** The ACPI tables the firmware handed over: acpidump's list, or the verbose boot's `acpi0: tables` line. */
function acpiTables(context: Context): Tables | null {
  const dumped = context.parsed.acpiTables;
  if (dumped) {
    const dmar = dumped.tables.filter((t) => t.signature === 'DMAR' || t.signature === 'IVRS').map((t) => t.line);
    // Without an IOMMU table the evidence is the list itself: its first headers show what was read.
    const lines = dmar.length > 0 ? dmar : dumped.tables.slice(0, 3).map((t) => t.line);
    return { signatures: dumped.tables.map((t) => t.signature), evidence: context.lines.at('acpidump', lines) };
  }
  for (const { source } of context.parsed.messages) {
    const boot = tablesFromBootLine(context.lines.of(source));
    if (boot) return { signatures: boot.signatures, evidence: context.lines.at(source, [boot.line]) };
  }
  return null;
}

/** The CPU as `sysctl hw.model` or the boot's `CPU:` line names it. */
function cpuOf(context: Context): (CpuVtd & { evidence: EvidenceRef[] }) | null {
  const model = context.parsed.sysctl?.['hw.model'];
  if (model !== undefined) {
    return { ...vtdSupportOf(model), evidence: context.lines.where('sysctl', (t) => t.startsWith('hw.model:'), 1) };
  }
  for (const { source } of context.parsed.messages) {
    const evidence = context.lines.where(source, (t) => /^CPU: /.test(t), 1);
    const line = evidence[0];
    if (line) return { ...vtdSupportOf(line.text.replace(/^CPU: /, '')), evidence };
  }
  return null;
}

/**
 * No IOMMU, so bhyve cannot pass the card through. Said only from evidence: a table list without DMAR
 * (or AMD's IVRS), or a CPU known to lack VT-d. The cause decides the advice: a CPU without VT-d cannot be
 * helped by any setting; a CPU with it means the BIOS option is off.
 */
function iommuFindings(context: Context): Finding[] {
  const tables = acpiTables(context);
  const cpu = cpuOf(context);
  const hasIommu = tables?.signatures.some((s) => s === 'DMAR' || s === 'IVRS');
  if (hasIommu === true) return [];
  if (tables === null && cpu?.vtd !== 'no') return [];
  const cause = cpu?.vtd === 'no' ? 'cpu' : cpu?.vtd === 'yes' ? 'bios' : 'unknown';
  const finding = baseFinding(
    'iommu-missing',
    'info',
    msg(`diagnosis.iommu-missing.${cause}`, { cpu: cpu?.model ?? '?' }),
    [...(tables?.evidence ?? []), ...(cpu?.evidence ?? [])],
  );
  finding.notes = [msg('diagnosis.iommu-missing.note')];
  finding.fixes = cause === 'cpu' ? [fix('use-jail-route', false)] : [fix('enable-vtd', false), fix('use-jail-route', false)];
  return [finding];
}

export function passthroughFindings(context: Context): Finding[] {
  return [...reservedFindings(context), ...iommuFindings(context)];
}
