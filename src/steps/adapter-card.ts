import { DEVICE_TREE_ROOTS } from '../commands/catalogue';
import { msg } from '../contract/messages';
import type { Evidence } from '../contract/state';
import type { PciconfOutput } from '../commands/parsers/pciconf';
import type { CommandRun } from '../commands/runner';
import { evidenceAt, evidenceOf } from '../wizard/evidence';
import { findRootPort, judgeLink, mbPerSecond } from '../hardware/pcie-link';
import { findNvidiaGpu, isDisplay, pciconfLvb, type PciDevice } from './gpu-on-bus';
import { reallocBarsChange } from './realloc-bars';
import { defineCheck, invoke, type StepDefinition, type Verdict } from '../wizard/step';

/** The header line and the lines that belong to one device in `pciconf -l…` output, as 1-based numbers. */
function deviceLines(out: PciconfOutput, device: PciDevice, run: CommandRun<unknown>, keep: (text: string) => boolean): number[] {
  const index = out.devices.indexOf(device);
  const nextHeader = out.devices[index + 1]?.line ?? Number.POSITIVE_INFINITY;
  const lines = run.stdout.split('\n');
  const numbers: number[] = [device.line];
  for (let n = device.line + 1; n < nextHeader && n <= lines.length; n++) {
    if (keep(lines[n - 1] ?? '')) numbers.push(n);
  }
  return numbers;
}


const enumeratedCheck = defineCheck({
  id: 'gpu-enumerated',
  title: 'steps.adapter.check.enumerated',
  explainedBy: ['gpu-not-enumerated'],
  readOnly: true,
  commands: { pci: pciconfLvb },
  evaluate: ({ pci }): Verdict => {
    if (!pci.parsed.ok) {
      return {
        status: 'error',
        reason: msg('steps.adapter.pciconfUnreadable', { detail: pci.parsed.error.message }),
        advice: [],
        evidence: [evidenceOf(pci)],
      };
    }
    const out = pci.parsed.value;
    const gpu = findNvidiaGpu(out);
    if (gpu) {
      return {
        status: 'pass',
        reason: msg('steps.adapter.enumerated.ok', {
          device: gpu.device ?? gpu.deviceId,
          selector: gpu.selector,
          name: gpu.name,
        }),
        advice: [],
        evidence: [evidenceAt(pci, deviceLines(out, gpu, pci, (t) => /^\s+(vendor|device|class|subclass)\s+=/.test(t)))],
      };
    }
    // Show what *is* on the bus, so the user sees the laptop's own graphics and no NVIDIA device.
    const displays = out.devices.filter(isDisplay);
    const evidence: Evidence[] = [
      evidenceAt(
        pci,
        displays.flatMap((d) => deviceLines(out, d, pci, (t) => /^\s+(vendor|device)\s+=/.test(t))),
        msg('steps.adapter.enumerated.missing.evidenceNote', { count: out.devices.length }),
      ),
    ];
    return {
      status: 'fail',
      reason: msg('steps.adapter.enumerated.missing'),
      advice: [
        msg('steps.adapter.enumerated.advice.power'),
        msg('steps.adapter.enumerated.advice.coldBoot'),
        msg('steps.adapter.enumerated.advice.seating'),
        msg('steps.adapter.enumerated.advice.cable'),
      ],
      evidence,
    };
  },
});

/** A BAR the firmware or kernel could not place has no address (or is left disabled). */
const unassigned = (bar: PciDevice['bars'][number]): boolean => !bar.enabled || /^0x0+$/.test(bar.base);

const memoryCheck = defineCheck({
  id: 'gpu-memory',
  title: 'steps.adapter.check.memory',
  explainedBy: ['pci-bar-alloc-failed', 'pci-window-alloc-failed'],
  readOnly: true,
  commands: {
    pci: pciconfLvb,
    // Read so that the fix (hw.pci.realloc_bars in loader.conf) can be shown as an exact diff.
    loader: invoke('readManaged', { path: '/boot/loader.conf' }),
    loaderStat: invoke('statManaged', { path: '/boot/loader.conf' }),
  },
  evaluate: ({ pci, loader, loaderStat }): Verdict => {
    const gpu = pci.parsed.ok ? findNvidiaGpu(pci.parsed.value) : undefined;
    if (!pci.parsed.ok || !gpu) {
      return { status: 'skip', reason: msg('steps.adapter.memory.noGpu'), advice: [], evidence: [] };
    }
    const out = pci.parsed.value;
    const barLines = deviceLines(out, gpu, pci, (t) => /^\s+bar\s+\[/.test(t));
    const evidence = [evidenceAt(pci, barLines)];
    if (gpu.bars.length === 0) {
      return { status: 'fail', reason: msg('steps.adapter.memory.none', { selector: gpu.selector }), advice: [msg('steps.adapter.memory.advice')], evidence };
    }
    const bad = gpu.bars.filter(unassigned);
    if (bad.length > 0) {
      const change = reallocBarsChange(loader, loaderStat, gpu.selector);
      return {
        status: 'fail',
        reason: msg('steps.adapter.memory.unassigned', { selector: gpu.selector, bars: bad.map((b) => b.reg).join(', ') }),
        // Already set and still failing: the tunable did not help on this machine.
        advice: [msg(change ? 'steps.adapter.memory.advice' : 'steps.adapter.memory.reallocDidNotHelp')],
        evidence,
        ...(change ? { plan: [change] } : {}),
      };
    }
    const total = gpu.bars.filter((b) => b.type !== 'I/O Port').reduce((sum, b) => sum + b.size, 0);
    return {
      status: 'pass',
      reason: msg('steps.adapter.memory.ok', { count: gpu.bars.length, mib: Math.round(total / 1048576) }),
      advice: [],
      evidence,
    };
  },
});

const linkLines = (t: string): boolean => /^\s+link x/.test(t);

export const linkCheck = defineCheck({
  id: 'pcie-link',
  title: 'steps.adapter.check.link',
  explainedBy: ['link-degraded'],
  readOnly: true,
  commands: {
    // The link lines come with -c only, which needs root.
    pci: invoke('pciconfCaps', {}),
    tree: invoke('sysctlTree', { roots: [...DEVICE_TREE_ROOTS] }),
  },
  evaluate: ({ pci, tree }): Verdict => {
    if (pci.refusal === 'no-elevation' || pci.refusal === 'password-required') {
      return { status: 'skip', reason: msg('steps.adapter.link.needsRoot'), advice: [], evidence: [] };
    }
    if (!pci.parsed.ok) {
      return { status: 'error', reason: msg('steps.adapter.pciconfUnreadable', { detail: pci.parsed.error.message }), advice: [], evidence: [evidenceOf(pci)] };
    }
    const out = pci.parsed.value;
    const gpu = findNvidiaGpu(out);
    if (!gpu) return { status: 'skip', reason: msg('steps.adapter.link.noGpu'), advice: [], evidence: [] };
    const { rootPort, chain } = findRootPort(gpu, out, tree.parsed.ok ? tree.parsed.value.values : {});
    const evidence = [
      evidenceAt(pci, [
        ...deviceLines(out, gpu, pci, linkLines),
        ...(rootPort ? deviceLines(out, rootPort, pci, linkLines) : []),
      ]),
      evidenceOf(tree, (line) => chain.some((name) => line.startsWith(`dev.${name.replace(/(\d+)$/, '.$1')}.%parent:`))),
    ];
    const portParam = rootPort ? `${rootPort.name} (${rootPort.selector})` : '—';
    const verdict = judgeLink(gpu, rootPort);
    switch (verdict.kind) {
      case 'full':
        return {
          status: 'pass',
          reason: msg('steps.adapter.link.full', { width: verdict.width, gts: verdict.gts.toFixed(1), mbps: mbPerSecond(verdict.bytesPerSecond), port: portParam }),
          advice: rootPort ? [] : [msg('steps.adapter.link.portUnknown')],
          evidence,
        };
      case 'slow':
        return {
          status: 'warn',
          reason: msg('steps.adapter.link.slow', {
            gts: verdict.gts.toFixed(1),
            possible: verdict.possibleGts.toFixed(1),
            mbps: mbPerSecond(verdict.bytesPerSecond),
            possibleMbps: mbPerSecond(verdict.possibleBytesPerSecond),
            port: portParam,
          }),
          advice: [msg('steps.adapter.link.advice.reseat'), msg('steps.adapter.link.advice.cable'), msg('steps.adapter.link.advice.switches')],
          evidence,
        };
      case 'narrow':
        return {
          status: 'warn',
          reason: msg('steps.adapter.link.narrow', {
            width: verdict.width,
            possible: verdict.possibleWidth,
            mbps: mbPerSecond(verdict.bytesPerSecond),
            port: portParam,
          }),
          advice: [msg('steps.adapter.link.advice.reseat'), msg('steps.adapter.link.advice.cable')],
          evidence,
        };
      case 'down':
        return { status: 'fail', reason: msg('steps.adapter.link.down', { port: portParam }), advice: [msg('steps.adapter.link.advice.reseat')], evidence };
      case 'unknown':
        return { status: 'warn', reason: msg('steps.adapter.link.unknown'), advice: [], evidence };
    }
  },
});

export const adapterCardStep: StepDefinition = {
  id: 'adapter-card',
  title: 'steps.adapter.title',
  intro: 'steps.adapter.intro',
  instructions: [
    'steps.adapter.instructions.slot',
    'steps.adapter.instructions.gpu',
    'steps.adapter.instructions.order',
  ],
  illustration: 'adapter-card.svg',
  checklist: [
    { id: 'card-seated', label: 'steps.adapter.checklist.cardSeated' },
    { id: 'gpu-seated', label: 'steps.adapter.checklist.gpuSeated' },
    { id: 'power-first', label: 'steps.adapter.checklist.powerFirst' },
    { id: 'cold-boot', label: 'steps.adapter.checklist.coldBoot' },
  ],
  checks: [enumeratedCheck, memoryCheck, linkCheck],
  actions: [
    {
      id: 'restart',
      title: 'steps.adapter.action.restart.title',
      description: 'steps.adapter.action.restart.description',
      after: 'steps.adapter.action.restart.after',
      commands: [invoke('restart', {})],
      // A GPU that is not on the bus is most often one that was powered after the laptop booted; a
      // loader.conf change needs a boot too.
      offeredWhen: (checks) => checks['gpu-enumerated'] === 'fail' || checks['gpu-memory'] === 'fail',
    },
    {
      id: 'realloc-bars',
      title: 'steps.adapter.action.realloc.title',
      description: 'steps.adapter.action.realloc.description',
      after: 'steps.adapter.action.realloc.after',
      commands: [],
      appliesPlanOf: 'gpu-memory',
      offeredWhen: (checks) => checks['gpu-memory'] === 'fail',
    },
  ],
};

