import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { PlanApplier } from '../../src/config/apply';
import { journalFile } from '../../src/config/journal';
import { CommandRunner } from '../../src/commands/runner';
import { collectOutputs, diagnoseHost } from '../../src/diagnosis/collect';
import { planChange } from '../../src/diagnosis/plans';
import type { Diagnosis, Finding } from '../../src/diagnosis/types';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';

/** A simulated X220 with the sudo password given, as after Preflight. */
function machine(scenario: string) {
  const host = new SimulatedHost(loadScenario(scenario), { timeScale: 0 });
  const runner = new CommandRunner(host, new AuditLog(null), () => ({ method: 'sudo', password: 'demo' }));
  return { host, runner };
}

const ERROR12 = ['pci-window-alloc-failed', 'pci-bar-alloc-failed'];
const error12Of = (d: Diagnosis): Finding[] => d.findings.filter((f) => ERROR12.includes(f.id) && f.severity === 'error');

/** Applies one of a finding's plan fixes the way the wizard does (journal, staged copy, mv), then restarts. */
async function applyAndRestart(runner: CommandRunner, plan: 'realloc-bars' | 'dsdt-override'): Promise<void> {
  const loader = await runner.run('readManaged', { path: '/boot/loader.conf' });
  const stat = await runner.run('statManaged', { path: '/boot/loader.conf' });
  const change = planChange(plan, loader, stat, 'pci0:5:0:0');
  expect(change).not.toBeNull();
  const applier = new PlanApplier(runner, journalFile(await mkdtemp(join(tmpdir(), 'egpu-diag-'))));
  expect((await applier.apply(change ? [change] : [])).status).toBe('applied');
  expect((await runner.run('restart', {})).outcome).toBe('ok');
}

describe('diagnosis on the simulated hosts', () => {
  it('x220-error12: both Error 12 findings, on bridge pcib3 above the GPU; gone after realloc_bars and a restart', async () => {
    const { runner, host } = machine('x220-error12');
    const before = (await diagnoseHost(runner)).diagnosis;
    const found = error12Of(before);
    expect(found.map((f) => f.id)).toEqual(['pci-window-alloc-failed', 'pci-bar-alloc-failed']);
    expect(before.findings[0]?.id).toBe('pci-window-alloc-failed'); // most likely cause first
    expect(found[0]?.bridges.map((b) => b.name)).toEqual(['pcib3']);
    expect(found[1]?.device?.selector).toBe('pci0:5:0:0');
    expect(found[1]?.explanation.params?.bars).toBe('0x10, 0x14, 0x1c');
    // Fixes in the careful order, realloc_bars offered as a plan the wizard applies.
    expect(found[1]?.fixes.map((f) => f.id)).toEqual(['power-first', 'realloc-bars', 'free-address-space', 'dsdt-override', 'modified-bios']);
    expect(found[1]?.fixes[1]).toMatchObject({ kind: 'plan', plan: 'realloc-bars', status: 'open' });
    expect(found[1]?.fixes.map((f) => f.risk !== null)).toEqual([false, false, false, true, true]);

    await applyAndRestart(runner, 'realloc-bars');
    expect(host.snapshot().boots).toBe(2);
    const after = (await diagnoseHost(runner)).diagnosis;
    expect(error12Of(after)).toEqual([]);
    expect(after.findings.filter((f) => f.id.startsWith('pci-'))).toEqual([]);
    const pciconf = (await collectOutputs(runner)).input.outputs.find((o) => o.source === 'pciconf')?.text ?? '';
    expect(pciconf).toContain('bar   [14] = type Prefetchable Memory, range 64, base 0xc0000000, size 268435456, enabled');
  });

  it('x220-error12-stubborn: realloc_bars in force does not help, and the wizard says what it cannot do', async () => {
    const { runner } = machine('x220-error12-stubborn');
    expect(error12Of((await diagnoseHost(runner)).diagnosis)).toHaveLength(2);
    await applyAndRestart(runner, 'realloc-bars');
    const { diagnosis, input } = await diagnoseHost(runner);
    expect(input.outputs.find((o) => o.source === 'kenv')?.text).toMatch(/^hw\.pci\.realloc_bars="1"$/m);
    const bars = diagnosis.findings.find((f) => f.id === 'pci-bar-alloc-failed');
    expect(bars?.severity).toBe('error');
    expect(bars?.explanation.key).toBe('diagnosis.pci-bar-alloc-failed.gpu.reallocInForce');
    expect(bars?.notes.map((n) => n.key)).toEqual(['diagnosis.error12.note.rootWindow', 'diagnosis.error12.note.wizardCannot']);
    expect(bars?.fixes.find((f) => f.id === 'realloc-bars')?.status).toBe('in-force');
    const dsdt = bars?.fixes.find((f) => f.id === 'dsdt-override');
    expect(dsdt).toMatchObject({ kind: 'plan', plan: 'dsdt-override', status: 'open' });

    // The DSDT plan only writes the loader.conf lines; the table itself stays the user's work.
    const loader = await runner.run('readManaged', { path: '/boot/loader.conf' });
    const stat = await runner.run('statManaged', { path: '/boot/loader.conf' });
    const change = planChange('dsdt-override', loader, stat, 'pci0:5:0:0');
    expect(change?.diff).toContain('+acpi_dsdt_load="YES"');
    expect(change?.diff).toContain('+acpi_dsdt_name="/boot/acpi_dsdt.aml"');
    expect(change?.diff).toContain('hw.pci.realloc_bars="1"'); // kept as it was
  });

  it('x220-fresh: nothing wrong but the driver that is not installed yet', async () => {
    const { diagnosis } = await diagnoseHost(machine('x220-fresh').runner);
    expect(diagnosis.findings.map((f) => [f.id, f.severity])).toEqual([['gpu-no-driver', 'info']]);
  });

  it('x220-unpowered: the GPU is not on the bus', async () => {
    const { diagnosis } = await diagnoseHost(machine('x220-unpowered').runner);
    expect(diagnosis.findings[0]).toMatchObject({ id: 'gpu-not-enumerated', severity: 'error' });
    expect(diagnosis.findings[0]?.fixes.map((f) => f.id)).toEqual(['power-first', 'reseat', 'cold-boot']);
  });

  it('x220-hot: the GPU is too hot; x220-gen1-link: the link trained at 2.5 GT/s on a 5 GT/s port', async () => {
    const hot = (await diagnoseHost(machine('x220-hot').runner)).diagnosis;
    expect(hot.findings.find((f) => f.id === 'gpu-hot')).toMatchObject({ severity: 'error', explanation: { params: { celsius: 92 } } });
    const slow = (await diagnoseHost(machine('x220-gen1-link').runner)).diagnosis;
    const link = slow.findings.find((f) => f.id === 'link-degraded');
    expect(link?.explanation.params).toMatchObject({ gts: '2.5', possible: '5.0', port: 'pcib3' });
  });
});
