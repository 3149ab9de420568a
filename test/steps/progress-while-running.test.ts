import { describe, expect, it } from 'vitest';
import type { WizardState } from '../../src/contract/state';
import { VirtualClock } from '../../src/host/simulated/clock';
import { atDriver } from './walk';

const install = (state: WizardState) => state.current.actions.find((a) => a.id === 'install');

/**
 * The walk's clock is paused around the driver install, so the state the window is sent half-way through
 * is looked at with time standing still: the same whatever the speed of the machine running the test.
 * pkg runs detached (its four packages take 4.8 s of host time); the wizard looks at the job every 100 ms
 * of host time at first, then less often, and each look hands pkg's new `[i/n]` lines to the bar.
 */
describe('a long action while it runs', () => {
  it('reports pkg’s progress half-way, and a Stop there installs nothing; run again it finishes', async () => {
    const clock = new VirtualClock();
    const sent: WizardState[] = [];
    const { call, host, backend } = await atDriver('x220-fresh', { clock, jobPollMs: 100, onState: (s) => sent.push(s) });
    await call('wizard:runChecks', { stepId: 'driver' });
    const sim = host();
    if (sim === null) throw new Error('no host');
    const packagesBefore = sim.snapshot().packages.map((p) => p.name);
    expect(packagesBefore).not.toContain('nvidia-driver-580');

    clock.pause();
    const running = call('wizard:runAction', { stepId: 'driver', actionId: 'install', confirmed: true });
    await clock.whenSleeping();
    sent.length = 0;
    const startedAt = clock.now();
    /** Moves host time on in small steps until the install's bar shows more than `done` packages' worth. */
    const until = async (done: number) => {
      for (let i = 0; i < 100; i++) {
        const progress = install(await call('wizard:state', {}))?.progress;
        if (progress && progress.done > done) return progress;
        await clock.advance(50);
      }
      throw new Error(`no progress past ${done} in 5 s of host time`);
    };

    const first = await until(0);
    expect(first).toMatchObject({ total: 8, label: expect.stringMatching(/^(Fetching|Installing|Extracting) /) });
    expect(first.done).toBeLessThan(8);
    // pkg has not finished: its job still runs on the host, nothing is installed yet, and the card says so.
    expect(clock.now() - startedAt).toBeLessThan(4800);
    expect(sim.runningJobs).toBe(1);
    expect(sim.snapshot().packages.map((p) => p.name)).toEqual(packagesBefore);
    expect(install(await call('wizard:state', {}))).toMatchObject({ running: true, offered: false, detachedSince: expect.stringMatching(/^\d{4}-/) });

    // Further on, the bar has moved, still short of the end.
    const later = await until(first.done);
    expect(later.done).toBeLessThan(8);
    expect(sim.runningJobs).toBe(1);
    // The window was told as the bar moved, never backwards.
    const shown = sent.map((s) => install(s)?.progress?.done).filter((d): d is number => d !== undefined);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    expect(new Set(shown).size).toBeGreaterThanOrEqual(2);

    // Stop signals the job's process group; the wrapper records how it ended and nothing is installed.
    expect(await call('wizard:cancel', {})).toEqual({ cancelled: 1 });
    clock.resume();
    const after = await running;
    expect(install(after)).toMatchObject({ running: false, progress: null, detachedSince: null, lastRun: { status: 'failed', exitCode: 143, problem: { key: 'wizard.action.cancelled' } } });
    expect(sim.runningJobs).toBe(0);
    expect(sim.snapshot().packages.map((p) => p.name)).toEqual(packagesBefore);
    expect(backend.audit.recent(1000).find((e) => e.commandId === 'detachedStop')?.argv.slice(-3)).toEqual(['-TERM', '--', expect.stringMatching(/^-\d+$/)]);
    // The check afterwards still finds the branch to install, so the action is offered again.
    expect(after.current.checks.find((c) => c.id === 'branch')?.reason?.key).toBe('steps.driver.branch.ready');
    expect(install(after)?.offered).toBe(true);

    const again = await call('wizard:runAction', { stepId: 'driver', actionId: 'install', confirmed: true });
    expect(install(again)?.lastRun).toMatchObject({ status: 'ok' });
    expect(sim.snapshot().packages.map((p) => p.name)).toContain('nvidia-driver-580');
    await backend.close();
  });
});
