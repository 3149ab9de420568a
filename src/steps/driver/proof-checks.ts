import { msg } from '../../contract/messages';
import { recogniseNvrm } from '../../commands/parsers/nvrm';
import { evidenceAt, evidenceOf } from '../../wizard/evidence';
import { defineCheck, invoke, type Verdict } from '../../wizard/step';
import { findNvidiaGpu, pciconfLvb } from '../gpu-on-bus';

/** What nvidia.ko prints when it gives up on the card's memory ranges (the Error 12 class). */
const RESOURCE_FAILURE = /^nvidia\d+: NVRM: NVIDIA MEM resource alloc failed|^device_attach: nvidia\d+ attach returned/;

/** dmesg must show nvidia0 attaching to the GPU's vgapci device; the legacy notice explains when it does not. */
export const attachedCheck = defineCheck({
  id: 'attached',
  title: 'steps.driver.check.attached',
  explainedBy: ['gpu-no-driver', 'nvidia-legacy-branch', 'pci-bar-alloc-failed', 'pci-window-alloc-failed'],
  readOnly: true,
  commands: { dmesg: invoke('dmesg', {}), pci: pciconfLvb, kldstat: invoke('kldstat', {}) },
  evaluate: ({ dmesg, pci, kldstat }): Verdict => {
    const loaded = kldstat.parsed.ok && kldstat.parsed.value.modules.some((m) => m.name === 'nvidia.ko');
    if (!loaded) return { status: 'skip', reason: msg('steps.driver.attached.later'), advice: [], evidence: [] };
    if (!dmesg.parsed.ok) return { status: 'error', reason: msg('steps.driver.attached.unreadable', { detail: dmesg.parsed.error.message }), advice: [], evidence: [evidenceOf(dmesg)] };
    const gpu = pci.parsed.ok ? findNvidiaGpu(pci.parsed.value) : undefined;
    const messages = recogniseNvrm(dmesg.parsed.value.nvrm);
    const legacy = [...messages].reverse().find((m) => m.kind === 'legacy-branch');
    const attach = [...dmesg.parsed.value.attachments].reverse().find((a) => /^nvidia\d+$/.test(a.device) && (gpu?.driver === undefined || gpu.driver === null || a.parent === gpu.driver));
    if (attach !== undefined) {
      return { status: 'pass', reason: msg('steps.driver.attached.ok', { device: attach.device, description: attach.description, parent: attach.parent }), advice: [], evidence: [evidenceAt(dmesg, [attach.line])] };
    }
    if (legacy !== undefined && legacy.kind === 'legacy-branch') {
      return {
        status: 'fail',
        reason: msg('steps.driver.attached.legacy', { gpu: legacy.gpu, branch: legacy.branch, driver: legacy.driverVersion ?? '?' }),
        advice: [msg('steps.driver.attached.advice.legacy', { branch: legacy.branch })],
        evidence: [evidenceAt(dmesg, legacy.lines)],
      };
    }
    const resources = evidenceOf(dmesg, (t) => RESOURCE_FAILURE.test(t));
    if (resources.lines.length > 0) {
      return { status: 'fail', reason: msg('steps.driver.attached.resources'), advice: [msg('steps.driver.advice.troubleshoot')], evidence: [resources] };
    }
    return {
      status: 'fail',
      reason: msg('steps.driver.attached.none', { parent: gpu?.driver ?? 'vgapci' }),
      advice: [msg('steps.driver.advice.troubleshoot')],
      evidence: [evidenceOf(dmesg, (t) => /^nvidia|^NVRM|^vgapci/.test(t))],
    };
  },
});

const SMI_FIELDS = ['name', 'pci.bus_id', 'driver_version', 'memory.total'] as const;

/** The proof: nvidia-smi lists the GPU with its name, bus id, driver version and memory. */
export const smiCheck = defineCheck({
  id: 'nvidia-smi',
  title: 'steps.driver.check.smi',
  explainedBy: ['gpu-no-driver', 'nvidia-version-mismatch', 'nvidia-xid'],
  readOnly: true,
  commands: { smi: invoke('nvidiaSmiQuery', { fields: [...SMI_FIELDS] }) },
  evaluate: ({ smi }): Verdict => {
    const evidence = [evidenceOf(smi)];
    if (smi.outcome === 'not-found') return { status: 'fail', reason: msg('steps.driver.smi.notInstalled'), advice: [], evidence: [] };
    if (!smi.parsed.ok) return { status: 'error', reason: msg('steps.driver.smi.unreadable', { detail: smi.parsed.error.message }), advice: [], evidence };
    const out = smi.parsed.value;
    if (out.status === 'no-devices') return { status: 'fail', reason: msg('steps.driver.smi.noDevices'), advice: [msg('steps.driver.advice.troubleshoot')], evidence };
    if (out.status === 'no-driver') {
      const mismatch = /version mismatch/i.test(out.message ?? '');
      return {
        status: 'fail',
        reason: msg(mismatch ? 'steps.driver.smi.mismatch' : 'steps.driver.smi.noDriver'),
        advice: [msg(mismatch ? 'steps.driver.versions.advice.restart' : 'steps.driver.smi.advice.load')],
        evidence,
      };
    }
    const row = out.rows[0];
    const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '?');
    return {
      status: 'pass',
      reason: msg('steps.driver.smi.ok', {
        name: text(row?.name),
        bus: text(row?.['pci.bus_id']),
        version: text(row?.driver_version),
        memory: text(row?.['memory.total']),
      }),
      advice: [],
      evidence,
    };
  },
});
