import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { CommandRunner } from '../../src/commands/runner';
import { collectOutputs } from '../../src/diagnosis/collect';
import { diagnoseOutputs } from '../../src/diagnosis/engine';
import { buildReport, stepsFromState } from '../../src/report/build';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';
import type { WizardState } from '../../src/contract/state';

async function x220Report(locale: 'en' | 'zh-CN' = 'en') {
  const scenario = loadScenario('x220-error12');
  const host = new SimulatedHost(scenario, { timeScale: 0 });
  const audit = new AuditLog(null);
  const runner = new CommandRunner(host, audit, () => ({ method: 'sudo', password: 'demo' }));
  const { input } = await collectOutputs(runner);
  const state: Pick<WizardState, 'steps' | 'current'> = {
    steps: [
      { id: 'preflight', title: { key: 'steps.preflight.title' }, status: 'done', visitable: true, completed: true },
      { id: 'adapter-card', title: { key: 'steps.adapter.title' }, status: 'current', visitable: true, completed: false },
    ],
    current: {
      id: 'adapter-card',
      title: { key: 'steps.adapter.title' },
      intro: { key: 'steps.adapter.intro' },
      instructions: [],
      illustration: null,
      checklist: [],
      checks: [
        {
          id: 'gpu-memory',
          title: { key: 'steps.adapter.check.memory' },
          status: 'fail',
          reason: { key: 'steps.adapter.memory.unassigned', params: { selector: 'pci0:5:0:0', bars: '0x10' } },
          advice: [],
          evidence: [],
          figures: [],
          plan: [],
          commands: [],
          ranAt: null,
          explainedBy: [],
        },
      ],
      actions: [],
      inputs: [],
      canContinue: false,
      canContinueAnyway: true,
      blockedBy: null,
      continuedAnyway: false,
      isLast: false,
    },
  };
  const text = buildReport({
    locale,
    generatedAt: '2025-01-01T00:00:00.000Z',
    version: '0.0.0',
    host: host.spec,
    diagnosis: diagnoseOutputs(input),
    outputs: input.outputs,
    steps: stepsFromState(state),
    audit: audit.recent(100),
  });
  return { text, scenario, input };
}

describe('the support report', () => {
  it('has the findings, the step states, the audit log and the raw outputs, in that order', async () => {
    const { text, input } = await x220Report();
    const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(['Findings', 'Wizard steps', 'Commands the wizard ran', 'Raw outputs']);
    expect(text).toMatch(/^### 1\. ERROR `pci-window-alloc-failed`/m);
    expect(text).toContain('pcib3: failed to allocate initial memory window: 0xf0000000-0xf0ffffff');
    expect(text).toMatch(/\| adapter-card \| Adapter card \| current \|/);
    expect(text).toMatch(/\| `[^`]*pciconf -lvbc` \(root\)/);
    for (const output of input.outputs) expect(text).toContain(`### ${output.source}`);
  });

  it('redacts the machine’s serial numbers, UUIDs and host name', async () => {
    const { text, scenario } = await x220Report();
    for (const secret of [scenario.kenv['smbios.system.serial'], scenario.kenv['smbios.planar.serial'], scenario.kenv['smbios.system.uuid']]) {
      expect(secret).toBeDefined();
      expect(text).not.toContain(secret);
    }
    expect(text).toMatch(/smbios\.system\.serial="\[serial-\d+\]"/);
    expect(text).toMatch(/smbios\.system\.uuid="\[uuid-\d+\]"/);
  });

  it('speaks Chinese when asked, and keeps a raw output with backticks inside its fence', async () => {
    const { text } = await x220Report('zh-CN');
    expect(text).toMatch(/^# eGPU Wizard 支持报告$/m);
    const withTicks = buildReport({
      locale: 'en',
      generatedAt: 'now',
      version: '0',
      host: 'sim:x',
      diagnosis: { findings: [], sources: ['llama'], unreadable: [] },
      outputs: [{ source: 'llama', text: 'before\n```\nafter\n', origin: null }],
      steps: null,
      audit: [],
    });
    expect(withTicks).toContain('No problems found');
    expect(withTicks).toContain('````text\nbefore\n```\nafter\n````');
  });
});
