import { DEVICE_TREE_ROOTS } from '../commands/catalogue';
import { msg } from '../contract/messages';
import { estimate } from '../hardware/estimate';
import { findRootPort, judgeLink, linkBytesPerSecond, mbPerSecond } from '../hardware/pcie-link';
import { evidenceOf } from '../wizard/evidence';
import { defineCheck, invoke, type StepDefinition, type Verdict } from '../wizard/step';
import { linkCheck } from './adapter-card';
import { findNvidiaGpu } from './gpu-on-bus';

/** A 7–8 B parameter model quantised to 5–6 bits: what most people load first on an 8 GB card. */
export const EXAMPLE_MODEL_BYTES = 6e9;
/** The X220's ExpressCard slot: one PCIe 2.0 lane. */
const SLOT = { width: 1, gts: 5 } as const;

const expectedSpeedCheck = defineCheck({
  id: 'expected-speed',
  title: 'steps.verify.check.speed',
  readOnly: true,
  commands: {
    pci: invoke('pciconfCaps', {}),
    tree: invoke('sysctlTree', { roots: [...DEVICE_TREE_ROOTS] }),
  },
  evaluate: ({ pci, tree }, context): Verdict => {
    const modelBytes = (context.inputs?.['model-size'] ?? EXAMPLE_MODEL_BYTES / 1e9) * 1e9;
    if (pci.refusal !== null) return { status: 'skip', reason: msg('steps.adapter.link.needsRoot'), advice: [], evidence: [] };
    const gpu = pci.parsed.ok ? findNvidiaGpu(pci.parsed.value) : undefined;
    if (!pci.parsed.ok || !gpu) return { status: 'skip', reason: msg('steps.adapter.link.noGpu'), advice: [], evidence: [evidenceOf(pci, (t) => /^\S+@pci/.test(t))] };
    const { rootPort } = findRootPort(gpu, pci.parsed.value, tree.parsed.ok ? tree.parsed.value.values : {});
    const link = judgeLink(gpu, rootPort);
    if (link.kind === 'down' || link.kind === 'unknown') {
      return { status: 'skip', reason: msg('steps.verify.speed.noLink'), advice: [], evidence: [] };
    }
    const measured = estimate(modelBytes, { width: link.width, gts: link.gts });
    const best = estimate(modelBytes, SLOT);
    const figures = [
      { label: msg('steps.verify.figure.link'), value: mbPerSecond(measured.link.bytesPerSecond), limit: mbPerSecond(linkBytesPerSecond(SLOT.width, SLOT.gts)), unit: 'MB/s' as const },
      { label: msg('steps.verify.figure.load', { gb: round1(modelBytes / 1e9) }), value: round1(measured.loadSeconds.practicalHigh), limit: round1(best.loadSeconds.practicalHigh), unit: 's' as const },
      { label: msg('steps.verify.figure.generation', { gb: round1(modelBytes / 1e9) }), value: round1(measured.generationCeilingTokensPerSecond), limit: null, unit: 'tokens/s' as const },
    ];
    const params = {
      low: round1(measured.loadSeconds.practicalLow),
      high: round1(measured.loadSeconds.practicalHigh),
      tokens: Math.round(measured.generationCeilingTokensPerSecond),
      gb: round1(modelBytes / 1e9),
    };
    const slower = measured.link.bytesPerSecond < best.link.bytesPerSecond;
    return {
      status: slower ? 'warn' : 'pass',
      reason: msg(slower ? 'steps.verify.speed.slower' : 'steps.verify.speed.ok', params),
      advice: slower ? [msg('steps.adapter.link.advice.reseat'), msg('steps.adapter.link.advice.switches')] : [],
      evidence: [evidenceOf(pci, (t) => /^\s+link x/.test(t))],
      figures,
    };
  },
});

const round1 = (n: number): number => Math.round(n * 10) / 10;

export const verifyStep: StepDefinition = {
  id: 'verify',
  title: 'steps.verify.title',
  intro: 'steps.verify.intro',
  instructions: ['steps.verify.instructions.link', 'steps.verify.instructions.generation'],
  illustration: null,
  checklist: [],
  checks: [linkCheck, expectedSpeedCheck],
  actions: [],
  inputs: [
    {
      id: 'model-size',
      label: 'steps.verify.input.modelSize',
      unit: 'GB',
      min: 0.1,
      max: 64,
      step: 0.1,
      defaultValue: EXAMPLE_MODEL_BYTES / 1e9,
    },
  ],
};
