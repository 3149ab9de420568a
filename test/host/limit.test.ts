import { describe, expect, it } from 'vitest';
import { Limiter, mapLimited } from '../../src/host/limit';

/** A promise the test settles by hand: no clock decides anything. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('Limiter', () => {
  it('runs at most `max` tasks at a time, the others in the order they came', async () => {
    const limiter = new Limiter(2);
    const gates = [0, 1, 2, 3].map(() => deferred<number>());
    const started: number[] = [];
    const results = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i);
        return gate.promise;
      }),
    );
    // Observed now, so that its rejection below is handled.
    const firstOutcome = results[0]?.catch((error: unknown) => error);
    await flush();
    expect(started).toEqual([0, 1]);
    expect(limiter.running).toBe(2);
    gates[1]?.resolve(11);
    await flush();
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.reject(new Error('boom'));
    await flush();
    // A failing task frees its place too.
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]?.resolve(12);
    gates[3]?.resolve(13);
    expect(await firstOutcome).toEqual(new Error('boom'));
    expect(await Promise.all(results.slice(1))).toEqual([11, 12, 13]);
    expect(limiter.running).toBe(0);
  });

  it('never runs a task whose signal aborted while it waited', async () => {
    const limiter = new Limiter(1);
    const gate = deferred<string>();
    const first = limiter.run(() => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const second = limiter.run(
      async () => {
        ran = true;
        return 'ran';
      },
      controller.signal,
      () => 'cancelled',
    );
    controller.abort();
    gate.resolve('first');
    expect(await first).toBe('first');
    expect(await second).toBe('cancelled');
    expect(ran).toBe(false);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new Limiter(0)).toThrow(RangeError);
    expect(() => new Limiter(1.5)).toThrow(RangeError);
  });
});

describe('mapLimited', () => {
  it('keeps the order of the items and never exceeds the limit', async () => {
    let running = 0;
    let most = 0;
    const result = await mapLimited([5, 4, 3, 2, 1, 0], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await flush();
      running--;
      return n * 2;
    });
    expect(result).toEqual([10, 8, 6, 4, 2, 0]);
    expect(most).toBe(3);
  });
});
