import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHost } from '../../src/host/create-host';
import { RealClock, simClockFromEnv, VirtualClock } from '../../src/host/simulated/clock';
import type { Host } from '../../src/host/types';

const DRIVER_INSTALL = ['sudo', '-S', '-p', '', '--', 'pkg', 'install', '-y', 'nvidia-driver-580', 'linux-nvidia-libs-580'];
const install = (host: Host) => host.exec({ argv: DRIVER_INSTALL, stdin: 'demo\n', timeoutMs: 60_000 });

describe('VirtualClock, running', () => {
  it('wakes sleepers in the order of their times, not of their calls, and ends at the last one', async () => {
    const clock = new VirtualClock();
    const woke: string[] = [];
    await Promise.all([
      clock.sleepUntil(3000).then(() => woke.push(`c@${clock.now()}`)),
      clock.sleepUntil(1000).then(() => woke.push(`a@${clock.now()}`)),
      clock.sleepUntil(2000).then(() => woke.push(`b@${clock.now()}`)),
    ]);
    expect(woke).toEqual(['a@1000', 'b@2000', 'c@3000']);
    expect(clock.now()).toBe(3000);
  });

  it('returns at once for a time already past, and for an aborted signal, without moving', async () => {
    const clock = new VirtualClock({ paused: true });
    await clock.sleepUntil(0);
    await clock.sleepUntil(5000, AbortSignal.abort());
    expect(clock.now()).toBe(0);
    expect(clock.pending).toBe(0);
  });
});

describe('VirtualClock, paused', () => {
  it('moves only when told, waking what is due on the way', async () => {
    const clock = new VirtualClock({ paused: true });
    const woke: number[] = [];
    for (const at of [100, 200, 300]) void clock.sleepUntil(at).then(() => woke.push(at));
    await clock.whenSleeping();
    expect(clock.pending).toBe(3);
    await clock.advance(250);
    expect(woke).toEqual([100, 200]);
    expect(clock.now()).toBe(250);
    expect(await clock.next()).toBe(true);
    expect(woke).toEqual([100, 200, 300]);
    expect(clock.now()).toBe(300);
    expect(await clock.next()).toBe(false);
  });

  it('lets a woken sleeper sleep again within the same advance, as a command playing its lines does', async () => {
    const clock = new VirtualClock({ paused: true });
    const lines: number[] = [];
    const play = (async () => {
      for (let at = 10; at <= 50; at += 10) {
        await clock.sleepUntil(at);
        lines.push(clock.now());
      }
    })();
    await clock.whenSleeping();
    await clock.advance(30);
    expect(lines).toEqual([10, 20, 30]);
    clock.resume();
    await play;
    expect(lines).toEqual([10, 20, 30, 40, 50]);
  });

  it('drops an aborted sleeper, which returns without waiting for time', async () => {
    const clock = new VirtualClock({ paused: true });
    const controller = new AbortController();
    const sleep = clock.sleepUntil(1000, controller.signal);
    expect(clock.pending).toBe(1);
    controller.abort();
    await sleep;
    expect(clock.pending).toBe(0);
    expect(clock.now()).toBe(0);
  });

  it('tells a waiting test when something starts to sleep', async () => {
    const clock = new VirtualClock({ paused: true });
    let told = false;
    const watching = clock.whenSleeping().then(() => (told = true));
    await Promise.resolve();
    expect(told).toBe(false);
    void clock.sleepUntil(10);
    await watching;
    expect(told).toBe(true);
  });
});

describe('RealClock', () => {
  it('refuses a scale that is not a positive number', () => {
    for (const scale of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => new RealClock(scale)).toThrow(RangeError);
  });

  it('waits at least the scaled real time (a busy machine only makes it longer)', async () => {
    const clock = new RealClock(0.01);
    const start = clock.now();
    await clock.sleepUntil(start + 2000);
    // Timers may fire up to a millisecond early, which is 100 simulated ms at this scale.
    expect(clock.now() - start).toBeGreaterThanOrEqual(1900);
  });

  it('returns at once when aborted', async () => {
    const clock = new RealClock(1);
    const controller = new AbortController();
    const sleep = clock.sleepUntil(clock.now() + 3_600_000, controller.signal);
    controller.abort();
    await sleep;
    expect(clock.now()).toBeLessThan(3_600_000);
  });
});

describe('EGPU_WIZARD_SIM_CLOCK', () => {
  it('gives simulated time for "instant", real time when unset or "real", and refuses anything else', () => {
    expect(simClockFromEnv('instant')).toBeInstanceOf(VirtualClock);
    expect(simClockFromEnv(undefined)).toBeNull();
    expect(simClockFromEnv('')).toBeNull();
    expect(simClockFromEnv('real')).toBeNull();
    expect(() => simClockFromEnv('fast')).toThrow(/instant/);
  });
});

describe('createHost and the simulated clock', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('plays on the clock it is given, which several hosts can share', async () => {
    const clock = new VirtualClock();
    const first = await install(createHost('sim:x220-fresh', { simClock: clock }));
    expect(first).toMatchObject({ exitCode: 0, durationMs: 4800 });
    expect(clock.now()).toBe(4800);
    await install(createHost('sim:x220-legacy-card', { simClock: clock }));
    expect(clock.now()).toBeGreaterThan(4800);
  });

  it('takes simulated time from EGPU_WIZARD_SIM_CLOCK=instant when given no clock (the CLI, the app)', async () => {
    vi.stubEnv('EGPU_WIZARD_SIM_CLOCK', 'instant');
    // In real time this would be at least 4.8 s and never exactly that.
    expect(await install(createHost('sim:x220-fresh'))).toMatchObject({ exitCode: 0, durationMs: 4800 });
  });
});
