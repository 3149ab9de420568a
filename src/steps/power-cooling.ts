import { msg } from '../contract/messages';
import { evidenceOf } from '../wizard/evidence';
import { defineCheck, invoke, type StepDefinition, type Verdict } from '../wizard/step';
import { findNvidiaGpu } from './gpu-on-bus';

/** Tesla P4 limits: NVIDIA rates it for 75 W; it slows itself down when hot and shuts down near 90 °C. */
export const WARN_TEMPERATURE_C = 80;
export const FAIL_TEMPERATURE_C = 90;

const stillPresentCheck = defineCheck({
  id: 'gpu-present',
  title: 'steps.power.check.present',
  explainedBy: ['gpu-not-enumerated'],
  readOnly: true,
  commands: { pci: invoke('pciconf', { verbose: true, bars: false }) },
  evaluate: ({ pci }): Verdict => {
    const gpu = pci.parsed.ok ? findNvidiaGpu(pci.parsed.value) : undefined;
    if (gpu) {
      return {
        status: 'pass',
        reason: msg('steps.power.present.ok', { device: gpu.device ?? gpu.deviceId, selector: gpu.selector }),
        advice: [],
        evidence: [evidenceOf(pci, (_t, n) => n >= gpu.line && n <= gpu.line + 2)],
      };
    }
    return {
      status: 'fail',
      reason: msg('steps.power.present.missing'),
      advice: [msg('steps.adapter.enumerated.advice.power'), msg('steps.adapter.enumerated.advice.coldBoot')],
      evidence: [evidenceOf(pci, (t) => /^vgapci|^none/.test(t))],
    };
  },
});

const thermalCheck = defineCheck({
  id: 'thermal',
  title: 'steps.power.check.thermal',
  explainedBy: ['gpu-hot'],
  readOnly: true,
  commands: {
    smi: invoke('nvidiaSmiQuery', { fields: ['temperature.gpu', 'power.draw', 'clocks_throttle_reasons.hw_thermal_slowdown'] }),
  },
  evaluate: ({ smi }): Verdict => {
    // Before the driver step nvidia-smi does not exist or cannot reach a driver: nothing to measure yet.
    if (smi.outcome === 'not-found' || (smi.parsed.ok && smi.parsed.value.status !== 'ok')) {
      return { status: 'skip', reason: msg('steps.power.thermal.later'), advice: [], evidence: [evidenceOf(smi)] };
    }
    if (!smi.parsed.ok) {
      return { status: 'warn', reason: msg('steps.power.thermal.unreadable', { detail: smi.parsed.error.message }), advice: [], evidence: [evidenceOf(smi)] };
    }
    const row = smi.parsed.value.rows[0];
    const temperature = typeof row?.['temperature.gpu'] === 'number' ? row['temperature.gpu'] : null;
    const slowdown = row?.['clocks_throttle_reasons.hw_thermal_slowdown'];
    const evidence = [evidenceOf(smi)];
    const advice = [msg('steps.power.thermal.advice.fan'), msg('steps.power.thermal.advice.airflow')];
    if (temperature === null) return { status: 'warn', reason: msg('steps.power.thermal.noReading'), advice: [], evidence };
    if (temperature > FAIL_TEMPERATURE_C || slowdown === 'Active') {
      return { status: 'fail', reason: msg('steps.power.thermal.hot', { celsius: temperature }), advice, evidence };
    }
    if (temperature > WARN_TEMPERATURE_C) {
      return { status: 'warn', reason: msg('steps.power.thermal.warm', { celsius: temperature }), advice, evidence };
    }
    return { status: 'pass', reason: msg('steps.power.thermal.ok', { celsius: temperature }), advice: [], evidence };
  },
});

export const powerCoolingStep: StepDefinition = {
  id: 'power-cooling',
  title: 'steps.power.title',
  intro: 'steps.power.intro',
  instructions: ['steps.power.instructions.supply', 'steps.power.instructions.fan', 'steps.power.instructions.order'],
  illustration: 'power-cooling.svg',
  checklist: [
    { id: 'supply-rated', label: 'steps.power.checklist.supplyRated' },
    { id: 'power-before-cable', label: 'steps.power.checklist.powerBeforeCable' },
    { id: 'fan-mounted', label: 'steps.power.checklist.fanMounted' },
  ],
  checks: [stillPresentCheck, thermalCheck],
  actions: [],
};
