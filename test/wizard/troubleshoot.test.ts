import { describe, expect, it } from 'vitest';
import type { WizardState } from '../../src/contract/state';
import { atAdapterCard, files } from '../steps/walk';

const ids = (state: WizardState) => state.troubleshoot.findings.map((f) => f.id);

describe('Troubleshoot in the app', () => {
  it('x220-error12: both Error 12 findings, the realloc_bars fix shown as a diff, written, and after a restart the card works', async () => {
    const { call, host } = await atAdapterCard('x220-error12');
    let state = await call('wizard:runChecks', { stepId: 'adapter-card' });
    const memory = state.current.checks.find((c) => c.id === 'gpu-memory');
    expect(memory?.status).toBe('fail');
    expect(memory?.explainedBy).toEqual(['pci-bar-alloc-failed', 'pci-window-alloc-failed']);

    state = await call('troubleshoot:run', {});
    expect(state.troubleshoot.running).toBe(false);
    expect(state.troubleshoot.ranAt).not.toBeNull();
    expect(ids(state)).toEqual(expect.arrayContaining(['pci-bar-alloc-failed', 'pci-window-alloc-failed']));
    expect(state.troubleshoot.findings[0]?.severity).toBe('error');
    const bar = state.troubleshoot.findings.find((f) => f.id === 'pci-bar-alloc-failed');
    expect(bar?.fixes.map((f) => f.id).slice(0, 2)).toEqual(['power-first', 'realloc-bars']);
    const realloc = bar?.fixes.find((f) => f.id === 'realloc-bars');
    expect(realloc).toMatchObject({ kind: 'plan', plan: 'realloc-bars', applied: false });
    expect(realloc?.change?.diff).toContain('+hw.pci.realloc_bars="1"');
    expect(bar?.evidence.length).toBeGreaterThan(0);

    state = await call('troubleshoot:applyFix', { findingKey: bar?.key ?? '', fixId: 'realloc-bars', confirmed: true });
    expect(files(host())['/boot/loader.conf']).toContain('hw.pci.realloc_bars="1"');
    expect(state.troubleshoot.restartPending).toBe(true);
    expect(state.troubleshoot.findings.find((f) => f.key === bar?.key)?.fixes.find((f) => f.id === 'realloc-bars')).toMatchObject({ applied: true, change: null });
    // The same change cannot be written twice.
    const again = await call('troubleshoot:applyFix', { findingKey: bar?.key ?? '', fixId: 'realloc-bars', confirmed: true }).catch((e: unknown) => String(e));
    expect(again).toMatch(/invalid-state/);

    state = await call('troubleshoot:restart', { confirmed: true });
    expect(state.troubleshoot.restartPending).toBe(false);
    state = await call('troubleshoot:run', {});
    expect(ids(state)).not.toContain('pci-bar-alloc-failed');
    expect(ids(state)).not.toContain('pci-window-alloc-failed');
    state = await call('wizard:runChecks', { stepId: 'adapter-card' });
    expect(state.current.checks.find((c) => c.id === 'gpu-memory')?.status).toBe('pass');
  });

  it('x220-error12-stubborn: realloc_bars does not help, and the wizard says plainly what it cannot do', async () => {
    const { call } = await atAdapterCard('x220-error12-stubborn');
    let state = await call('troubleshoot:run', {});
    const key = state.troubleshoot.findings.find((f) => f.id === 'pci-bar-alloc-failed')?.key ?? '';
    state = await call('troubleshoot:applyFix', { findingKey: key, fixId: 'realloc-bars', confirmed: true });
    await call('troubleshoot:restart', { confirmed: true });
    state = await call('troubleshoot:run', {});
    const bar = state.troubleshoot.findings.find((f) => f.id === 'pci-bar-alloc-failed');
    expect(bar).toBeDefined();
    expect(bar?.fixes.find((f) => f.id === 'realloc-bars')?.status).toBe('in-force');
    const dsdt = bar?.fixes.find((f) => f.plan === 'dsdt-override');
    expect(dsdt?.risk).not.toBeNull();
    expect(bar?.notes.map((n) => n.key)).toContain('diagnosis.error12.note.wizardCannot');
  });

  it('the report shows what will be saved: findings and raw outputs, without the GPU\'s UUID', async () => {
    const { call } = await atAdapterCard('x220-hot');
    const reply = await call('report:build', {}) as unknown as { text: string; fileName: string };
    expect(reply.fileName).toMatch(/^egpu-wizard-report-\d{4}-\d{2}-\d{2}\.md$/);
    expect(reply.text).toContain('gpu-hot');
    expect(reply.text).not.toContain('GPU-5b2f0c3a-9d41-7e6f-a8b1-3c2d4e5f6a7b');
  });
});
