/**
 * At most `max` tasks at a time, the others wait their turn in order. A task whose signal aborted before its
 * turn never runs: `run` then resolves with `onAbort()`'s value.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`a limit must be a positive integer, not ${max}`);
  }

  /** Tasks running now (for tests and the bench). */
  get running(): number {
    return this.active;
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal, onAbort?: () => T): Promise<T> {
    await this.acquire();
    try {
      // Cancelled while waiting: its turn passes at once. (No abort listener per waiting task: a round shares
      // one signal among dozens of them.)
      if (signal?.aborted) {
        if (onAbort) return onAbort();
        throw signal.reason ?? new Error('aborted');
      }
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(() => {
        this.active++;
        resolve();
      });
    });
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}

/** `items.map(fn)` with at most `max` calls of `fn` pending at a time; results keep the items' order. */
export async function mapLimited<T, R>(items: readonly T[], max: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const limiter = new Limiter(max);
  return Promise.all(items.map((item, index) => limiter.run(() => fn(item, index))));
}
