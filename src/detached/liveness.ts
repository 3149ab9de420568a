import type { CommandRunner } from '../commands/runner';
import { bootedAgain, type BootTime } from './boot-time';
import type { JobId } from './wrapper';

/** Why a job without a status is not running any more. */
export type LostReason =
  /** The host started again since the job began (restart, crash, flat battery): kern.boottime moved. */
  | 'restarted'
  /** Same boot, but the wrapper's process is gone without writing the status (killed, or its folder lost). */
  | 'gone';

export type Liveness = { kind: 'running' } | { kind: 'unknown' } | { kind: 'lost'; reason: LostReason };

/**
 * Whether a job that has a pid but no status is still running. Wrongly calling a live job lost would offer
 * to start it a second time beside itself, so every doubt counts as running:
 * - its wrapper is listed by ps (its pid, leading its group, an sh): running, whatever the boot time says
 *   (ntpd or a resume may have moved kern.boottime a little);
 * - ps lists pid 1 but not the wrapper: lost; restarted if the boot moved at all, else gone;
 * - ps cannot see root's processes (security.bsd.see_other_uids=0) or did not answer: only a boot time far
 *   from the job's (more than an adjustment of the clock) says restarted; else the job counts as running.
 * `jobBoot` caches the job's own boot between calls: it never changes.
 */
export async function jobLiveness(
  runner: CommandRunner,
  job: { jobId: JobId; pgid: number },
  signal: AbortSignal,
  jobBoot: { value?: BootTime | null },
): Promise<Liveness> {
  const ps = job.pgid >= 2 ? await runner.run('detachedAlive', { pgid: job.pgid }, { signal }) : null;
  const seen = ps?.parsed.ok ? ps.parsed.value : null;
  if (seen?.alive) return { kind: 'running' };
  if (jobBoot.value === undefined) {
    const saved = await runner.run('detachedBoot', { jobId: job.jobId }, { signal });
    if (saved.parsed.ok) jobBoot.value = saved.parsed.value;
  }
  const now = await runner.run('hostBootTime', {}, { signal });
  const then = jobBoot.value ?? null;
  const current = now.parsed.ok ? now.parsed.value : null;
  const known = then !== null && current !== null;
  if (seen?.visible) return { kind: 'lost', reason: known && then.sec !== current.sec ? 'restarted' : 'gone' };
  if (known && bootedAgain(then, current)) return { kind: 'lost', reason: 'restarted' };
  return { kind: seen === null ? 'unknown' : 'running' };
}
