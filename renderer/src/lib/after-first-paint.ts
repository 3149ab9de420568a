/** The window's animation frames (the window itself in the page; a stand-in in tests). */
export interface Frames {
  requestAnimationFrame(callback: (time: number) => void): number;
  cancelAnimationFrame(handle: number): void;
}

/**
 * Runs `then` once, after the frame being drawn now is on screen: an animation frame callback runs just before
 * the frame's style, layout and paint, so a task queued from it runs after them. Frames are not drawn for a
 * hidden window (Electron before it shows, a background tab): the timer runs `then` there all the same.
 * Returns a function that cancels it.
 */
export function afterFirstPaint(frames: Frames, then: () => void, hiddenMs = 300): () => void {
  let done = false;
  const stop = () => {
    done = true;
    frames.cancelAnimationFrame(frame);
    clearTimeout(fallback);
  };
  const run = () => {
    if (done) return;
    stop();
    then();
  };
  const frame = frames.requestAnimationFrame(() => setTimeout(run, 0));
  const fallback = setTimeout(run, hiddenMs);
  return stop;
}
