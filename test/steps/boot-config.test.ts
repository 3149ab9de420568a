import { describe, expect, it } from 'vitest';
import { atAdapterCard, atBootConfig, files } from './walk';

describe('the loader.conf and rc.conf step', () => {
  it('proposes linux_enable on a fresh X220, applies it with a backup, and sees it in force after a restart', async () => {
    const { call, host } = await atBootConfig('x220-fresh');
    let state = await call('wizard:runChecks', { stepId: 'boot-config' });
    const proposal = state.current.checks.find((c) => c.id === 'proposal');
    expect(proposal?.status).toBe('warn');
    expect(proposal?.plan.map((f) => f.path)).toEqual(['/etc/rc.conf']);
    expect(proposal?.plan[0]?.diff).toContain('+linux_enable="YES"');
    expect(proposal?.plan.some((f) => f.diff.includes('realloc_bars'))).toBe(false); // no evidence for it here
    const apply = state.current.actions.find((a) => a.id === 'apply');
    expect(apply?.offered).toBe(true);
    expect(apply?.commands.map((c) => c.argv.join(' '))).toEqual([
      'tee /etc/rc.conf.egpu-new',
      'chown root:wheel /etc/rc.conf.egpu-new',
      'chmod 644 /etc/rc.conf.egpu-new',
      'mv -f /etc/rc.conf.egpu-new /etc/rc.conf',
    ]);
    const rcBefore = files(host())['/etc/rc.conf'];

    state = await call('wizard:runAction', { stepId: 'boot-config', actionId: 'apply', confirmed: true });
    expect(files(host())['/etc/rc.conf']).toBe(proposal?.plan[0]?.after);
    expect(files(host())['/etc/rc.conf']).not.toBe(rcBefore);
    expect(state.current.checks.find((c) => c.id === 'proposal')?.status).toBe('pass');
    expect(state.current.checks.find((c) => c.id === 'in-force')?.status).toBe('warn');
    expect(state.current.actions.find((a) => a.id === 'restart')?.offered).toBe(true);

    await call('wizard:runAction', { stepId: 'boot-config', actionId: 'restart', confirmed: true });
    state = await call('wizard:runChecks', { stepId: 'boot-config' });
    expect(state.current.checks.map((c) => c.status)).toEqual(['pass', 'pass']);
    expect(state.current.canContinue).toBe(true);
  });

  it('offers hw.pci.realloc_bars at the Adapter card step, on the evidence of unassigned memory ranges', async () => {
    const { call, host } = await atAdapterCard('x220-error12');
    let state = await call('wizard:runChecks', { stepId: 'adapter-card' });
    const memory = state.current.checks.find((c) => c.id === 'gpu-memory');
    expect(memory?.status).toBe('fail');
    expect(memory?.plan[0]?.diff).toContain('+hw.pci.realloc_bars="1"');
    expect(memory?.plan[0]?.reasons[0]?.key).toBe('steps.boot.reason.realloc');
    expect(state.current.actions.find((a) => a.id === 'realloc-bars')?.offered).toBe(true);

    state = await call('wizard:runAction', { stepId: 'adapter-card', actionId: 'realloc-bars', confirmed: true });
    expect(files(host())['/boot/loader.conf']).toContain('hw.pci.realloc_bars="1"');
    // Written once: the check now advises what is left, and offers no second copy of the line.
    expect(state.current.actions.find((a) => a.id === 'realloc-bars')?.offered).toBe(false);
    expect(state.current.checks.find((c) => c.id === 'gpu-memory')?.advice[0]?.key).toBe('steps.adapter.memory.reallocDidNotHelp');
  });

  it('does not propose hw.pci.realloc_bars where the memory ranges are fine', async () => {
    const { call } = await atAdapterCard('x220-fresh');
    const state = await call('wizard:runChecks', { stepId: 'adapter-card' });
    expect(state.current.checks.find((c) => c.id === 'gpu-memory')).toMatchObject({ status: 'pass', plan: [] });
  });
});
