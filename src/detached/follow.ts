import { z } from 'zod';
import { GuestNetwork } from '../bhyve/guest-network';
import { DetachableId, detachable } from '../commands/detached-commands';
import type { CommandRunner } from '../commands/runner';
import type { CommandProgress } from '../commands/types';
import type { Host } from '../host/types';
import type { BootTime } from './boot-time';
import { jobLiveness, type LostReason } from './liveness';
import { JobId } from './wrapper';

/**
 * A detached job as the wizard remembers it in the host's saved progress: enough to find it again after the
 * window was closed or the connection dropped, and to know it must not be started a second time.
 */
export const SavedJob = z
  .object({
    jobId: JobId,
    command: DetachableId,
    stepId: z.string().max(100),
    actionId: z.string().max(100),
    startedAt: z.string(),
    /**
     * The command's arguments, as its catalogue entry takes them (none for most; a list of packages for pkg;
     * the guest's network for vm create). Checked again by that entry's own schema before anything is made of them.
     */
    args: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string().max(200)).max(16), GuestNetwork])).default({}),
  })
  .strict();
export type SavedJob = z.infer<typeof SavedJob>;

export type JobEnd =
  /** The command ended on the host with this status; `log` is its output as this follower read it. */
  | { kind: 'ended'; exitCode: number; log: string }
  /** The follower was told to let go (Stop, or the wizard closing); the job may well still run. */
  | { kind: 'let-go'; pgid: number | null }
  /** The job folder never got a pid: the start did not happen (or the host lost the folder). */
  | { kind: 'vanished' }
  /** It had started, but its process is gone without a status: the host restarted, or it was killed. */
  | { kind: 'interrupted'; reason: LostReason; log: string };

export interface FollowOptions {
  signal: AbortSignal;
  /** Host time between the first two looks at the job; later ones are further apart (see followJob). */
  pollMs: number;
  onLine?: (line: string) => void;
  onProgress?: (progress: CommandProgress) => void;
  /** Looks without a pid before the job counts as never started (daemon returns before the wrapper runs). */
  startGrace?: number;
}

const MAX_KEPT_LOG = 1024 * 1024;

/**
 * Each look is two audited commands. Looks start `pollMs` apart and spread out by a quarter each time, up to
 * this: an hour-long build then costs a few hundred audit entries instead of thousands, and its progress is
 * still at most half a minute old.
 */
export const MAX_POLL_MS = 30_000;
const nextWait = (pollMs: number, looks: number): number => Math.min(Math.max(pollMs, MAX_POLL_MS), Math.round(pollMs * 1.25 ** looks));

/**
 * Whether the job is still alive costs one or two more commands, so it is asked on the first look (a reopened
 * wizard finds a job the host lost while it was closed), after a failed look (a restart drops the connection)
 * and every so many looks besides (a crash it did not see).
 */
const LIVENESS_EVERY = 6;

/** Sleeps on the host's clock where it has one (simulated hosts), else in real time. */
export function hostWait(host: Host, ms: number, signal: AbortSignal): Promise<void> {
  if (host.wait) return host.wait(ms, signal);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Follows a job until its status file appears: each look reads the status, then the log from where the last
 * look stopped, so the log read after a status is complete. Lines go through the command's own progress
 * parser. A lost connection or a failed look is not the job's end: the next look tries again.
 */
export async function followJob(runner: CommandRunner, host: Host, job: SavedJob, options: FollowOptions): Promise<JobEnd> {
  const spec = detachable[job.command];
  const progressOf = (line: string): CommandProgress | null => spec.progress?.(line) ?? null;
  let offset = 0;
  let log = '';
  let pgid: number | null = null;
  let withoutPid = 0;
  let looks = 0;
  let lastLookFailed = false;
  const jobBoot: { value?: BootTime | null } = {};
  const grace = options.startGrace ?? 10;
  const hand = (raw: string): void => {
    // As LocalHost reads lines: a CRLF ending is not part of the line.
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (log.length < MAX_KEPT_LOG) log += `${line}\n`;
    options.onLine?.(line);
    const progress = progressOf(line);
    if (progress) options.onProgress?.(progress);
  };
  /**
   * Reads the log from the offset and hands on whole lines only. A line still being written (perhaps with a
   * character cut in two, which the host's decoding has already mangled) is read again whole next time, so
   * the offset moves by the bytes of the whole lines alone. At the end, a last line without a newline counts.
   */
  const readLog = async (final: boolean): Promise<boolean> => {
    const read = await runner.run('detachedLog', { jobId: job.jobId, offset }, { signal: options.signal });
    if (!read.parsed.ok) return false;
    const text = read.parsed.value.text;
    const cut = final ? text.length : text.lastIndexOf('\n') + 1;
    const whole = text.slice(0, cut);
    offset += Buffer.byteLength(whole);
    const lines = whole.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) hand(line);
    return true;
  };
  for (;;) {
    if (options.signal.aborted) return { kind: 'let-go', pgid };
    const status = await runner.run('detachedStatus', { jobId: job.jobId }, { signal: options.signal });
    if (status.parsed.ok) {
      pgid = status.parsed.value.pgid ?? pgid;
      let exitCode = status.parsed.value.exitCode;
      if (pgid === null && exitCode === null) {
        withoutPid += 1;
        if (withoutPid > grace) return { kind: 'vanished' };
      }
      if (exitCode === null && pgid !== null && (looks === 0 || lastLookFailed || looks % LIVENESS_EVERY === 0)) {
        const liveness = await jobLiveness(runner, { jobId: job.jobId, pgid }, options.signal, jobBoot);
        if (liveness.kind === 'lost') {
          // The wrapper may have written its status and left between the two readings: only a second look
          // without a status makes the job lost.
          const again = await runner.run('detachedStatus', { jobId: job.jobId }, { signal: options.signal });
          if (again.parsed.ok) {
            exitCode = again.parsed.value.exitCode;
            if (exitCode === null && (await readLog(true))) return { kind: 'interrupted', reason: liveness.reason, log };
          }
        }
      }
      const read = await readLog(exitCode !== null);
      if (exitCode !== null && read) return { kind: 'ended', exitCode, log };
    }
    lastLookFailed = !status.parsed.ok;
    if (options.signal.aborted) return { kind: 'let-go', pgid };
    await hostWait(host, nextWait(options.pollMs, looks++), options.signal);
  }
}
