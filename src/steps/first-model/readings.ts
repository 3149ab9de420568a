import { DEVICE_TREE_ROOTS } from '../../commands/catalogue';
import type { NvidiaSmiCsvOutput } from '../../commands/parsers/nvidia-smi-csv';
import type { PciconfOutput } from '../../commands/parsers/pciconf';
import type { SysctlTree } from '../../commands/parsers/sysctl-tree';
import type { CommandRun } from '../../commands/runner';
import { findRootPort, judgeLink } from '../../hardware/pcie-link';
import { findNvidiaGpu } from '../gpu-on-bus';
import { invoke } from '../../wizard/step';

/** What the benchmark is judged with besides its own output: the link the GPU trained at, the card's heat. */

/** The GPU's negotiated link (lanes, GT/s) from `pciconf -lvbc` and the newbus tree; null when it cannot be read. */
export function measuredLink(pci: CommandRun<PciconfOutput>, tree: CommandRun<SysctlTree>): { width: number; gts: number } | null {
  if (!pci.parsed.ok) return null;
  const gpu = findNvidiaGpu(pci.parsed.value);
  if (gpu === undefined) return null;
  const link = judgeLink(gpu, findRootPort(gpu, pci.parsed.value, tree.parsed.ok ? tree.parsed.value.values : {}).rootPort);
  return link.kind === 'full' || link.kind === 'slow' || link.kind === 'narrow' ? { width: link.width, gts: link.gts } : null;
}

/**
 * The host's readings the link is judged from, on both routes: pciconf -lvbc and the newbus tree. In the
 * passthrough guest the card sits on bhyve's virtual bus, which says nothing of the ExpressCard link.
 */
export const linkReadings = {
  pci: invoke('pciconfCaps', {}),
  tree: invoke('sysctlTree', { roots: [...DEVICE_TREE_ROOTS] }),
};

/** What nvidia-smi is asked right after the load. */
export const THERMAL_FIELDS = ['temperature.gpu', 'power.draw', 'clocks_throttle_reasons.hw_thermal_slowdown'] as const;

/** nvidia-smi's temperature, power and thermal slowdown, as queried right after the load; null without a reading. */
export function thermalReading(run: CommandRun<NvidiaSmiCsvOutput>): { temperatureC: number; slowdown: boolean; watts: number | null } | null {
  const row = run.parsed.ok && run.parsed.value.status === 'ok' ? run.parsed.value.rows[0] : undefined;
  const celsius = row?.['temperature.gpu'];
  if (typeof celsius !== 'number') return null;
  const watts = row?.['power.draw'];
  return { temperatureC: celsius, slowdown: row?.['clocks_throttle_reasons.hw_thermal_slowdown'] === 'Active', watts: typeof watts === 'number' ? watts : null };
}
