import { z } from 'zod';
import { parseBootTime, type BootTime } from '../detached/boot-time';
import { JobId, jobDir } from '../detached/wrapper';
import { parseFailure, type ParseResult } from './parse-result';
import type { CommandSpec } from './types';

/**
 * What tells a job still running from one the host lost (a restart, a crash): the boot the host is in now,
 * the boot the job started in, and whether its wrapper process is still there. All three are readings
 * anyone may make, so a reopened wizard can tell before it has the sudo password again.
 */

const SECOND = 1000;
const entry = <A extends z.ZodType, R>(spec: CommandSpec<A, R>): CommandSpec<A, R> => spec;

export interface JobProcesses {
  /** pid 1 is listed: this user sees other users' processes (security.bsd.see_other_uids is not 0). */
  visible: boolean;
  /** The job's wrapper is there: its pid, leading its own process group, an sh. */
  alive: boolean;
}

/**
 * `ps -p 1 -p PGID -o pid= -o pgid= -o ucomm=`. Not the command line: FreeBSD keeps only short ones
 * (kern.ps_arg_cache_limit) and shows another user's long one as `[sh]`, and the wrapper's is long; ps(1)
 * itself says only the accounting name (ucomm) can be depended on. A pid
 * that another process got after a restart is rarely a group leader named sh; if it is, the job counts as
 * running, the safe side.
 */
export function parseJobProcesses(out: { stdout: string; stderr: string; exitCode: number | null }, args: { pgid: number }): ParseResult<JobProcesses> {
  // ps exits 1 when none of the pids is listed; anything else is a real error.
  if (out.exitCode !== 0 && out.exitCode !== 1) return parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`);
  const rows = out.stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S.*?)\s*$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), pgid: Number(m[2]), comm: m[3] ?? '' }));
  const visible = rows.some((r) => r.pid === 1);
  const alive = rows.some((r) => r.pid === args.pgid && r.pgid === args.pgid && r.comm === 'sh');
  return { ok: true, value: { visible, alive } };
}

const bootOrNull = (text: string): ParseResult<BootTime | null> => ({ ok: true, value: parseBootTime(text) });

export const jobCheckCommands = {
  hostBootTime: entry({
    id: 'hostBootTime',
    description: 'When the host last started (sysctl kern.boottime)',
    args: z.object({}).strict(),
    argv: () => ['sysctl', '-n', 'kern.boottime'],
    privileged: false,
    timeoutMs: 30 * SECOND,
    parse: (out): ParseResult<BootTime> => {
      const boot = out.exitCode === 0 ? parseBootTime(out.stdout) : null;
      return boot !== null ? { ok: true, value: boot } : parseFailure(out.exitCode === 0 ? 'malformed' : 'command-failed', (out.stderr.trim() || out.stdout.trim()).slice(0, 200));
    },
  }),
  detachedBoot: entry({
    id: 'detachedBoot',
    description: 'When the host had last started when a detached job began (saved in its folder)',
    args: z.object({ jobId: JobId }).strict(),
    argv: (a) => ['cat', `${jobDir(a.jobId)}/boot`],
    privileged: false,
    timeoutMs: 30 * SECOND,
    // A job from before the wrapper saved its boot has no such file; an empty one, a sysctl that could not say.
    parse: (out): ParseResult<BootTime | null> =>
      out.exitCode === 0 || /No such file or directory/.test(out.stderr) ? bootOrNull(out.exitCode === 0 ? out.stdout : '') : parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`),
  }),
  detachedAlive: entry({
    id: 'detachedAlive',
    description: 'Whether a detached job’s process is still there (and whether this user can see it)',
    args: z.object({ pgid: z.number().int().min(2) }).strict(),
    argv: (a) => ['ps', '-p', '1', '-p', String(a.pgid), '-o', 'pid=', '-o', 'pgid=', '-o', 'ucomm='],
    privileged: false,
    timeoutMs: 30 * SECOND,
    parse: parseJobProcesses,
  }),
} as const;
