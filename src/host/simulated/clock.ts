import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';

/**
 * The time a simulated host lives in, in milliseconds of the pretend machine. A command's output is played
 * over its simulated duration on this clock, and its timeout is measured on it too, so whether a simulated
 * command finishes or times out depends only on the simulation, never on how fast the real machine is.
 */
export interface SimClock {
  /** Simulated milliseconds since the clock began. */
  now(): number;
  /** Resolves once simulated time reaches `at` (at once if it already has), or as soon as `signal` aborts. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
}

/** Real time, optionally sped up or slowed down: `scale` real milliseconds per simulated one. For demos. */
export class RealClock implements SimClock {
  private readonly origin = performance.now();

  constructor(private readonly scale = 1) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`a real clock needs a positive scale, not ${scale}`);
  }

  now(): number {
    return (performance.now() - this.origin) / this.scale;
  }

  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    const remaining = (at - this.now()) * this.scale;
    if (remaining <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, remaining);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

interface Sleeper {
  at: number;
  wake: () => void;
}

/** One turn of the event loop: what a woken command does next (its output line, its next sleep) happens first. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Time that passes only in the simulation. Running (the default), it jumps to the next thing due as soon as
 * the event loop is free, one sleeper per turn, so commands finish at once yet stream their lines in order.
 * Paused, it moves only when a test says so (`advance`, `next`), which lets a test look at a command half-way
 * and stop it there without racing the real clock.
 */
export class VirtualClock implements SimClock {
  private time = 0;
  private readonly sleepers: Sleeper[] = [];
  private readonly watchers: (() => void)[] = [];
  private running: boolean;
  private stepQueued = false;

  constructor(options: { paused?: boolean } = {}) {
    this.running = !options.paused;
  }

  now(): number {
    return this.time;
  }

  /** How many sleeps are waiting for time to pass. */
  get pending(): number {
    return this.sleepers.length;
  }

  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    if (at <= this.time || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const sleeper: Sleeper = {
        at,
        wake: () => {
          signal?.removeEventListener('abort', abort);
          resolve();
        },
      };
      const abort = (): void => {
        const index = this.sleepers.indexOf(sleeper);
        if (index >= 0) this.sleepers.splice(index, 1);
        resolve();
      };
      signal?.addEventListener('abort', abort, { once: true });
      // Earliest first; among equals, first come first served.
      const index = this.sleepers.findIndex((s) => s.at > at);
      this.sleepers.splice(index < 0 ? this.sleepers.length : index, 0, sleeper);
      for (const watcher of this.watchers.splice(0)) watcher();
      this.queueStep();
    });
  }

  /** Stops time: from now on it moves only with `advance` and `next`. */
  pause(): void {
    this.running = false;
  }

  /** Lets time run again: everything waiting is played out, instantly. */
  resume(): void {
    this.running = true;
    this.queueStep();
  }

  /** Resolves once something is waiting for time to pass (a command has started playing its output). */
  whenSleeping(): Promise<void> {
    if (this.sleepers.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.watchers.push(resolve));
  }

  /** Moves time on by `ms`, waking in order everything due on the way and letting each react before the next. */
  async advance(ms: number): Promise<void> {
    const target = this.time + Math.max(0, ms);
    for (let first = this.sleepers[0]; first !== undefined && first.at <= target; first = this.sleepers[0]) {
      this.wakeFirst();
      await turn();
    }
    this.time = Math.max(this.time, target);
  }

  /** Moves time to the next thing due and wakes it; false when nothing was waiting. */
  async next(): Promise<boolean> {
    const first = this.sleepers[0];
    if (first === undefined) return false;
    await this.advance(first.at - this.time);
    return true;
  }

  private wakeFirst(): void {
    const first = this.sleepers.shift();
    if (first === undefined) return;
    this.time = Math.max(this.time, first.at);
    first.wake();
  }

  private queueStep(): void {
    if (!this.running || this.stepQueued || this.sleepers.length === 0) return;
    this.stepQueued = true;
    setImmediate(() => {
      this.stepQueued = false;
      if (!this.running) return;
      this.wakeFirst();
      this.queueStep();
    });
  }
}

/**
 * The clock `EGPU_WIZARD_SIM_CLOCK` asks for: `instant` (simulated time, what the tests use, and for quick
 * demos), or null for real time when it is unset or `real`. Anything else is a typo worth stopping for.
 */
export function simClockFromEnv(value: string | undefined): SimClock | null {
  if (value === undefined || value === '' || value === 'real') return null;
  if (value === 'instant') return new VirtualClock();
  throw new RangeError(`EGPU_WIZARD_SIM_CLOCK must be "instant" or "real", not "${value}"`);
}
