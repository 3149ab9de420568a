import { msg } from '../../contract/messages';
import { judgeLink, mbPerSecond } from '../../hardware/pcie-link';
import { FAIL_TEMPERATURE_C, WARN_TEMPERATURE_C } from '../../steps/power-cooling';
import { pciconfLines, refOf, type Context } from '../context';
import { fix } from '../fixes';
import { baseFinding } from './finding';
import { tunable } from '../inputs';
import type { EvidenceRef, Finding } from '../types';

/** Findings about a GPU that works, but not as well as it could: the link, the heat, interrupts, CUDA. */


const linkLine = (t: string): boolean => /^\s+link x\d/.test(t) || /^\s+speed \d/.test(t) || / link x\d+\(x\d+\)$/.test(t);

/** Negotiated below what both ends support. Only with the port above known, and agreeing on the link: never a guess. */
function linkFindings(context: Context): Finding[] {
  return context.gpus.flatMap((gpu) => {
    if (gpu.pci?.pcie == null) return [];
    const chain = context.topology.bridgesAbove({ name: gpu.name, bus: gpu.bus });
    const portName = chain?.bridges[0];
    const port = portName === undefined ? undefined : context.topology.device(portName);
    if (port?.pcie == null) return [];
    // Both ends report the same negotiated link; if they do not, the port is not this GPU's.
    if (port.pcie.linkWidth !== gpu.pci.pcie.linkWidth || port.pcie.linkSpeedGTs !== gpu.pci.pcie.linkSpeedGTs) return [];
    const verdict = judgeLink(gpu.pci, port);
    if (verdict.kind !== 'slow' && verdict.kind !== 'narrow') return [];
    const explanation =
      verdict.kind === 'slow'
        ? msg('diagnosis.link-degraded.slow', {
            gts: verdict.gts.toFixed(1),
            possible: verdict.possibleGts.toFixed(1),
            width: verdict.width,
            mbps: mbPerSecond(verdict.bytesPerSecond),
            possibleMbps: mbPerSecond(verdict.possibleBytesPerSecond),
            port: port.name,
          })
        : msg('diagnosis.link-degraded.narrow', {
            width: verdict.width,
            possible: verdict.possibleWidth,
            mbps: mbPerSecond(verdict.bytesPerSecond),
            possibleMbps: mbPerSecond(verdict.possibleBytesPerSecond),
            port: port.name,
          });
    const finding = baseFinding('link-degraded', 'warn', explanation, [...pciconfLines(context, gpu.pci, linkLine), ...pciconfLines(context, port, linkLine)]);
    finding.device = refOf(gpu);
    finding.bridges = [{ name: port.name, selector: port.selector, description: port.device }];
    finding.notes = [msg('diagnosis.link-degraded.note.idle')];
    finding.fixes = [fix('reseat', false), fix('cable', false)];
    return [finding];
  });
}

function hotFinding(celsius: number, evidence: EvidenceRef[], gpuName: string): Finding | null {
  if (celsius <= WARN_TEMPERATURE_C) return null;
  const finding = baseFinding(
    'gpu-hot',
    celsius > FAIL_TEMPERATURE_C ? 'error' : 'warn',
    msg('diagnosis.gpu-hot.explanation', { celsius, gpu: gpuName, limit: FAIL_TEMPERATURE_C }),
    evidence,
  );
  finding.fixes = [fix('cooling', false)];
  return finding;
}

function thermalFindings(context: Context): Finding[] {
  const table = context.parsed.nvidiaSmi?.gpus ?? [];
  const fromTable = table.flatMap((gpu) => {
    if (gpu.temperatureC === null) return [];
    const evidence = context.lines.where('nvidia-smi', (t) => new RegExp(`\\b${gpu.temperatureC}C\\b`).test(t), 1);
    const found = hotFinding(gpu.temperatureC, evidence, gpu.name);
    return found ? [found] : [];
  });
  if (fromTable.length > 0) return fromTable;
  const rows = context.parsed.nvidiaSmiCsv?.rows ?? [];
  return rows.flatMap((row, i) => {
    const celsius = row['temperature.gpu'];
    if (typeof celsius !== 'number') return [];
    const found = hotFinding(celsius, context.lines.at('nvidia-smi-csv', [i + 1]), String(row.name ?? row.index ?? i));
    return found ? [found] : [];
  });
}

/**
 * FreeBSD refuses MSI on chipsets without PCI-Express or PCI-X (pci_msi_blacklisted() in sys/dev/pci/pci.c)
 * unless hw.pci.honor_msi_blacklist=0, and anyone can switch MSI off with hw.pci.enable_msi=0; either way
 * the GPU falls back to shared legacy interrupts.
 */
function msiFindings(context: Context): Finding[] {
  const findings: Finding[] = [];
  const off = ['hw.pci.enable_msi', 'hw.pci.enable_msix'].filter((name) => tunable(context.parsed, name) === '0');
  if (off.length > 0) {
    const pick = (t: string) => off.some((name) => t.startsWith(`${name}:`) || t.startsWith(`${name}=`));
    const finding = baseFinding('msi-blacklisted', 'warn', msg('diagnosis.msi-blacklisted.disabled', { tunables: off.join(', ') }), [
      ...context.lines.where('sysctl', pick, 2),
      ...context.lines.where('kenv', pick, 2),
    ]);
    finding.fixes = [fix('enable-msi', false)];
    findings.push(finding);
  }
  const devices = context.parsed.pciconf?.devices ?? [];
  const withCaps = devices.some((d) => d.capabilities.length > 0);
  const express = devices.some((d) => d.capabilities.some((c) => c.text.startsWith('PCI-Express') || c.text.startsWith('PCI-X')));
  if (withCaps && !express && tunable(context.parsed, 'hw.pci.honor_msi_blacklist') !== '0') {
    const host = devices.find((d) => d.bus === 0 && d.slot === 0 && d.func === 0);
    const finding = baseFinding('msi-blacklisted', 'info', msg('diagnosis.msi-blacklisted.chipset'), host ? pciconfLines(context, host, () => false) : []);
    findings.push(finding);
  }
  return findings;
}

const CPU_FALLBACK: ReadonlyArray<RegExp> = [
  /ggml_cuda_init: failed to initialize CUDA/,
  /no usable GPU found/,
  /not compiled with GPU offload support/,
  /offloaded 0\/\d+ layers to GPU/,
];

/** llama.cpp ran on the CPU: it says so while starting, or its system_info line names no CUDA backend. */
function cudaFindings(context: Context): Finding[] {
  const text = context.parsed.llama;
  if (text === undefined) return [];
  let evidence = context.lines.where('llama', (t) => CPU_FALLBACK.some((p) => p.test(t)), 5);
  if (evidence.length === 0) evidence = context.lines.where('llama', (t) => /system_info:/.test(t) && !/CUDA/.test(t), 1);
  if (evidence.length === 0) return [];
  const finding = baseFinding('cuda-cpu-fallback', 'warn', msg('diagnosis.cuda-cpu-fallback.explanation'), evidence);
  finding.fixes = [fix('cuda-build', false), fix('jail-devices', false)];
  return [finding];
}

export const runtimeFindings = (context: Context): Finding[] => [
  ...linkFindings(context),
  ...thermalFindings(context),
  ...msiFindings(context),
  ...cudaFindings(context),
];
