import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { afterFirstPaint, type Frames } from '../../renderer/src/lib/after-first-paint';

// Frames are driven by hand: `frame()` runs the animation frame callbacks, as the browser does right before it
// draws a frame.
let callbacks: Map<number, (time: number) => void>;
let frames: Frames;
const frame = () => {
  const due = [...callbacks.values()];
  callbacks.clear();
  for (const callback of due) callback(0);
};

beforeEach(() => {
  vi.useFakeTimers();
  callbacks = new Map();
  let nextId = 1;
  frames = {
    requestAnimationFrame: (callback) => {
      callbacks.set(nextId, callback);
      return nextId++;
    },
    cancelAnimationFrame: (id) => void callbacks.delete(id),
  };
});

afterEach(() => {
  vi.useRealTimers();
});

describe('afterFirstPaint', () => {
  it('runs after the next frame, in a task of its own, not in the frame', () => {
    const then = vi.fn();
    afterFirstPaint(frames, then);
    expect(then).not.toHaveBeenCalled();
    frame();
    expect(then).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(then).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(then).toHaveBeenCalledTimes(1);
  });

  it('runs all the same where no frame is drawn (a hidden window), once', () => {
    const then = vi.fn();
    afterFirstPaint(frames, then, 300);
    vi.advanceTimersByTime(299);
    expect(then).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(then).toHaveBeenCalledTimes(1);
    frame();
    vi.advanceTimersByTime(10_000);
    expect(then).toHaveBeenCalledTimes(1);
  });

  it('does nothing once cancelled (the App was unmounted first)', () => {
    const then = vi.fn();
    const cancel = afterFirstPaint(frames, then);
    frame();
    cancel();
    vi.advanceTimersByTime(10_000);
    expect(then).not.toHaveBeenCalled();
  });
});
