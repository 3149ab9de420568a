import { z } from 'zod';

/**
 * How a long command outlives the wizard: daemon(8) detaches a fixed sh script from the session (fork and
 * setsid, so the script's pid is the process group), the script runs the catalogue command's argv with its
 * output in the job's log and writes the exit status when it ends. The script is a constant: the job folder
 * and the command's argv reach it as positional parameters, never as shell text.
 */

/**
 * Wizard-owned: one folder per job, named by the wizard (`<command>-<ms>`), never by the user. Written by
 * root, readable by all (build output, nothing secret), so a reopened wizard can follow a job before it has
 * the sudo password again; only a Stop needs root.
 */
export const JOBS_ROOT = '/var/db/egpu-wizard/jobs';

export const JobId = z.string().regex(/^[a-zA-Z]{1,40}-\d{1,16}$/, 'not a job id');
export type JobId = z.infer<typeof JobId>;

export const jobDir = (jobId: JobId): string => `${JOBS_ROOT}/${jobId}`;

/** The name sh gives the script as $0: what ps shows for the wrapper on the host. */
export const WRAPPER_NAME = 'egpu-wizard-job';

/**
 * $1 is the job folder, the rest is the command. The pid file is the process group to signal (daemon's
 * setsid made the script its leader). On a Stop the group gets SIGTERM; the script waits for the command to
 * end and still records how it ended. `status` appears only complete (written aside, then renamed), after
 * the log is closed, so a reader that sees it has seen the whole log. The signal is caught from before the pid
 * is written, so a Stop at any moment ends in a status. Absolute paths: /bin and /sbin have them on
 * FreeBSD, and no PATH lookup can pick another mkdir, mv or sysctl.
 *
 * A restart (or a crash, or a flat battery) ends the job without a status. So the boot it started in goes
 * to `boot` before the pid: a reader that sees a pid has the boot too (empty where sysctl could not say), and
 * can tell a job of an earlier boot from one still running (see src/detached/liveness.ts).
 */
export const WRAPPER_SCRIPT = [
  'dir=$1; shift',
  'stop=',
  "trap 'stop=1' TERM HUP INT",
  'umask 022',
  '/bin/mkdir -p -m 755 "$dir" || exit 70',
  '/sbin/sysctl -n kern.boottime > "$dir/boot" 2>/dev/null',
  'echo $$ > "$dir/pid"',
  '"$@" < /dev/null > "$dir/log" 2>&1 &',
  'child=$!',
  "trap 'kill -TERM $child 2>/dev/null' TERM HUP INT",
  // A Stop that came before the command started still stops it.
  '[ -n "$stop" ] && kill -TERM $child 2>/dev/null',
  'wait $child; code=$?',
  'while kill -0 $child 2>/dev/null; do wait $child; code=$?; done',
  'echo $code > "$dir/status.tmp" && /bin/mv -f "$dir/status.tmp" "$dir/status"',
].join('\n');

/** The daemon(8) argv that runs `command` with its job folder `dir`: -f sends daemon's own stdio to /dev/null. */
export const daemonArgv = (dir: string, command: readonly string[]): string[] => ['daemon', '-f', '/bin/sh', '-c', WRAPPER_SCRIPT, WRAPPER_NAME, dir, ...command];

/** The daemon(8) argv that starts `command` as job `jobId`. */
export const detachedArgv = (jobId: JobId, command: readonly string[]): string[] => daemonArgv(jobDir(jobId), command);
