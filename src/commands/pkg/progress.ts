import type { CommandProgress } from '../types';

/**
 * pkg numbers the packages it works on, `[2/5] Fetching linux-nvidia-libs-580.105.08.pkg: ….. done` and
 * `[2/5] Installing …`. Fetching and installing each count as half of the work, so the bar moves through
 * the download and then through the extraction instead of running to the end twice.
 */
const STEP = /^\[(\d+)\/(\d+)\] (Fetching|Installing|Upgrading|Reinstalling|Extracting) (\S+?)(?:\.pkg)?(?::| |\.\.\.|$)/;

export function pkgProgress(line: string): CommandProgress | null {
  const match = STEP.exec(line.trim());
  if (!match) return null;
  const [, index = '0', count = '0', verb = '', item = ''] = match;
  const i = Number(index);
  const n = Number(count);
  if (n <= 0 || i < 1 || i > n) return null;
  // pkg prints a fetch line once the download is done; an install line before extracting, then one after.
  const done = verb === 'Fetching' ? i : verb === 'Extracting' ? n + i : n + i - 1;
  return { done, total: 2 * n, label: `${verb} ${item}` };
}
