import { z } from 'zod';
import { detachedArgv, JobId, jobDir } from '../detached/wrapper';
import { parseFailure, type ParseResult } from './parse-result';
import { bhyveCommands } from './bhyve-commands';
import { driverPackageCommands } from './driver-package-commands';
import { jailCommands } from './jail-commands';
import { llamaCommands } from './llama-commands';
import { ollamaCommands } from './ollama-commands';
import type { CommandSpec } from './types';

/**
 * The catalogue entries that start, read and stop a detached job (see src/detached/wrapper.ts). The command
 * a job runs is named, never given: its argv comes from its own catalogue entry, which takes no arguments.
 */

const SECOND = 1000;
const entry = <A extends z.ZodType, R>(spec: CommandSpec<A, R>): CommandSpec<A, R> => spec;

/** The long commands that run detached, so that neither a closed window nor a lost connection ends them. */
export const detachable = {
  debootstrap: jailCommands.debootstrap,
  llamaBuild: llamaCommands.llamaBuild,
  modelFetch: llamaCommands.modelFetch,
  ollamaPull: ollamaCommands.ollamaPull,
  jailInstallNvidia: jailCommands.jailInstallNvidia,
  pkgInstallTool: jailCommands.pkgInstallTool,
  pkgInstall: driverPackageCommands.pkgInstall,
  pkgUpgrade: driverPackageCommands.pkgUpgrade,
  // The passthrough route's VM: vm-bhyve's packages, Ubuntu's 600 MB cloud image, and qemu-img writing it onto the guest's disk.
  pkgInstallVmBhyve: bhyveCommands.pkgInstallVmBhyve,
  vmImgFetch: bhyveCommands.vmImgFetch,
  vmCreate: bhyveCommands.vmCreate,
} as const;
export type DetachableId = keyof typeof detachable;
/** The detachable commands that take no arguments; the others are listed in StartArgs with their own. */
const WithoutArgs = z.enum(['debootstrap', 'llamaBuild', 'modelFetch', 'ollamaPull', 'pkgInstallVmBhyve', 'vmImgFetch']);
export const DetachableId = z.enum([...WithoutArgs.options, 'jailInstallNvidia', 'pkgInstallTool', 'pkgInstall', 'pkgUpgrade', 'vmCreate']);
export const isDetachable = (id: string): id is DetachableId => Object.hasOwn(detachable, id);

const Job = z.object({ jobId: JobId }).strict();

/** A job's command and its arguments, checked by that command's own schema. */
export const StartArgs = z.discriminatedUnion('command', [
  z.object({ jobId: JobId, command: WithoutArgs, args: z.object({}).strict().default({}) }).strict(),
  z.object({ jobId: JobId, command: z.literal('jailInstallNvidia'), args: jailCommands.jailInstallNvidia.args }).strict(),
  z.object({ jobId: JobId, command: z.literal('pkgInstallTool'), args: jailCommands.pkgInstallTool.args }).strict(),
  z.object({ jobId: JobId, command: z.literal('pkgInstall'), args: driverPackageCommands.pkgInstall.args }).strict(),
  z.object({ jobId: JobId, command: z.literal('pkgUpgrade'), args: driverPackageCommands.pkgUpgrade.args }).strict(),
  z.object({ jobId: JobId, command: z.literal('vmCreate'), args: bhyveCommands.vmCreate.args }).strict(),
]);
export type StartArgs = z.infer<typeof StartArgs>;

function innerArgv(a: StartArgs): string[] {
  switch (a.command) {
    case 'jailInstallNvidia':
      return detachable.jailInstallNvidia.argv(a.args);
    case 'pkgInstallTool':
      return detachable.pkgInstallTool.argv(a.args);
    case 'pkgInstall':
      return detachable.pkgInstall.argv(a.args);
    case 'pkgUpgrade':
      return detachable.pkgUpgrade.argv(a.args);
    case 'vmCreate':
      return detachable.vmCreate.argv(a.args);
    default:
      return detachable[a.command].argv({});
  }
}

export const JobStatus = z
  .object({
    /** The wrapper's pid, which is the job's process group; null when the job folder has no pid file. */
    pgid: z.number().int().positive().nullable(),
    /** Set once the command has ended: its exit status (128 + N for signal N). */
    exitCode: z.number().int().nonnegative().nullable(),
  })
  .strict();
export type JobStatus = z.infer<typeof JobStatus>;

/** `cat DIR/pid DIR/status`: the pid's line, then the status's line once the command has ended. */
export function parseJobStatus(out: { stdout: string; stderr: string; exitCode: number | null }): ParseResult<JobStatus> {
  const noPid = /\/pid: No such file or directory/.test(out.stderr);
  const noStatus = /\/status: No such file or directory/.test(out.stderr);
  const other = out.stderr.split('\n').filter((l) => l.trim() !== '' && !/: No such file or directory$/.test(l));
  if (other.length > 0) return parseFailure('command-failed', other[0] ?? '');
  const lines = out.stdout.split('\n').filter((l) => l.trim() !== '');
  const number = (text: string | undefined): number | null => (text !== undefined && /^\d{1,10}$/.test(text.trim()) ? Number(text.trim()) : null);
  const pgid = noPid ? null : number(lines[0]);
  const exitCode = noStatus ? null : number(lines[noPid ? 0 : 1]);
  if (!noPid && pgid === null) return parseFailure('malformed', `not a pid: ${(lines[0] ?? '').slice(0, 40)}`);
  if (!noStatus && exitCode === null) return parseFailure('malformed', `not an exit status: ${(lines[noPid ? 0 : 1] ?? '').slice(0, 40)}`);
  return { ok: true, value: { pgid: pgid === 0 ? null : pgid, exitCode } };
}

export const detachedCommands = {
  detachedStart: entry({
    id: 'detachedStart',
    description: 'Start a long command detached from this session (daemon(8)); its output goes to the job’s log',
    args: StartArgs,
    argv: (a) => detachedArgv(a.jobId, innerArgv(a)),
    privileged: true,
    timeoutMs: 30 * SECOND,
    parse: (out) => (out.exitCode === 0 ? { ok: true, value: { started: true } } : parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`)),
  }),
  detachedStatus: entry({
    id: 'detachedStatus',
    description: 'Whether a detached job is still running, and how it ended',
    args: Job,
    argv: (a) => ['cat', `${jobDir(a.jobId)}/pid`, `${jobDir(a.jobId)}/status`],
    privileged: false,
    timeoutMs: 30 * SECOND,
    parse: parseJobStatus,
  }),
  detachedLog: entry({
    id: 'detachedLog',
    description: 'A detached job’s output from where the wizard last read it',
    args: z.object({ jobId: JobId, offset: z.number().int().nonnegative() }).strict(),
    // tail counts from 1: +1 is the whole file.
    argv: (a) => ['tail', '-c', `+${a.offset + 1}`, `${jobDir(a.jobId)}/log`],
    privileged: false,
    timeoutMs: 30 * SECOND,
    parse: (out): ParseResult<{ text: string }> => (out.exitCode === 0 ? { ok: true, value: { text: out.stdout } } : parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`)),
  }),
  detachedStop: entry({
    id: 'detachedStop',
    description: 'Stop a detached job: SIGTERM to its whole process group',
    args: z.object({ pgid: z.number().int().min(2) }).strict(),
    argv: (a) => ['kill', '-TERM', '--', `-${a.pgid}`],
    privileged: true,
    timeoutMs: 30 * SECOND,
    parse: (out): ParseResult<{ signalled: boolean }> =>
      out.exitCode === 0
        ? { ok: true, value: { signalled: true } }
        : /No such process/.test(out.stderr)
          ? { ok: true, value: { signalled: false } }
          : parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`),
  }),
} as const;
