import { describe, expect, it } from 'vitest';
import type { WizardState } from '../../src/contract/state';
import { VirtualClock } from '../../src/host/simulated/clock';
import { atDriver } from './walk';

const install = (state: WizardState) => state.current.actions.find((a) => a.id === 'install');

/**
 * The walk's clock is paused around the driver install, so the state the window is sent half-way through
 * is looked at with time standing still: the same whatever the speed of the machine running the test.
 */
describe('a long action while it runs', () => {
  it('reports pkg’s progress half-way, and a cancel there installs nothing; run again it finishes', async () => {
    const clock = new VirtualClock();
    const sent: WizardState[] = [];
    const { call, host } = await atDriver('x220-fresh', { clock, onState: (s) => sent.push(s) });
    await call('wizard:runChecks', { stepId: 'driver' });
    const packagesBefore = host()?.snapshot().packages.map((p) => p.name);
    expect(packagesBefore).not.toContain('nvidia-driver-580');

    clock.pause();
    const running = call('wizard:runAction', { stepId: 'driver', actionId: 'install', confirmed: true });
    await clock.whenSleeping();
    sent.length = 0;
    // Four packages at 1.2 s each: half-way, pkg has fetched all four and installed none.
    await clock.advance(2400);
    expect(install(await call('wizard:state', {}))).toMatchObject({
      running: true,
      progress: { done: 4, total: 8, label: 'Fetching linux-nvidia-libs-580-580.105.08' },
    });
    // The window was told as the bar moved, one fetched package at a time.
    expect(sent.map((s) => install(s)?.progress?.done).filter((d) => d !== undefined)).toEqual([1, 2, 3, 4]);

    expect(await call('wizard:cancel', {})).toEqual({ cancelled: 1 });
    clock.resume();
    const after = await running;
    expect(install(after)).toMatchObject({ running: false, progress: null, lastRun: { status: 'failed', problem: { key: 'wizard.action.cancelled' } } });
    expect(host()?.snapshot().packages.map((p) => p.name)).toEqual(packagesBefore);

    const again = await call('wizard:runAction', { stepId: 'driver', actionId: 'install', confirmed: true });
    expect(install(again)?.lastRun).toMatchObject({ status: 'ok' });
    expect(host()?.snapshot().packages.map((p) => p.name)).toContain('nvidia-driver-580');
  });
});
