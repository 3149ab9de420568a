import { z } from 'zod';
import { CUDA_TOOLKIT, DEVICE_QUERY, JAIL_LIBDIR, JAIL_NAME, JAIL_ROOT, NVCC, UBUNTU_MIRROR, UBUNTU_SUITE, jailPath, nvidiaRunfile, nvidiaRunfileUrl } from '../jail/layout';
import { parseFailure, type ParseResult } from './parse-result';
import { parseNvidiaSmi } from './parsers/nvidia-smi';
import { debootstrapProgress, parseDeviceQuery, parseJls, parseLibcuda, parseListing, parseMountP, parseNvcc, parseOsRelease } from './parsers/jail';
import { doneOrFailed, joinStreams, onSuccess } from './output';
import { pkgProgress } from './pkg/progress';
import type { CommandOutput, CommandSpec } from './types';

/**
 * Catalogue entries of the Linux jail: every path and name is a constant of src/jail/layout.ts, and the
 * only free argument, an NVIDIA release, must look exactly like one.
 */

const NoArgs = z.object({}).strict();
const SECOND = 1000;
const MINUTE = 60 * SECOND;

const entry = <A extends z.ZodType, R>(spec: CommandSpec<A, R>): CommandSpec<A, R> => spec;

/** An NVIDIA driver release as hw.nvidia.version prints it: 580.105.08, 470.256.02. */
export const NvidiaRelease = z.string().regex(/^\d{3}\.\d{1,3}(?:\.\d{1,3})?$/, 'not an NVIDIA release');

/** The directories whose entries the checks look at: the jail's root and /dev, and the host's /dev. */
export const ListedDir = z.enum([JAIL_ROOT, jailPath('/dev'), '/dev']);

/** A missing file or directory is an answer (not there yet), not a failure. */
const missingIsNull = <T>(out: { exitCode: number | null; stderr: string }, absent: T) =>
  /No such file or directory/.test(out.stderr) ? { ok: true as const, value: absent } : null;

/**
 * A program inside the jail whose verdicts come on either stream; jexec's own failures (no such jail, no such
 * program in it) are reported as such, for the checks to explain.
 */
export const insideJail =
  <R>(parse: (text: string) => ParseResult<R>) =>
  (out: CommandOutput): ParseResult<R> => {
    const failure = jexecFailure(out);
    return failure === undefined ? parse(joinStreams(out)) : parseFailure('command-failed', failure);
  };

/** jexec's own complaint (no such jail, no such program in it), as opposed to the program's output. */
export const jexecFailure = (out: CommandOutput): string | undefined => /^jexec: .*$/m.exec(out.stderr)?.[0];

export const jailCommands = {
  pkgInstallTool: entry({
    id: 'pkgInstallTool',
    description: 'Install debootstrap (builds the Linux userland) or libc6-shim (the lighter way) with pkg',
    args: z.object({ package: z.enum(['debootstrap', 'libc6-shim']) }).strict(),
    argv: (a) => ['pkg', 'install', '-y', a.package],
    privileged: true,
    timeoutMs: 30 * MINUTE,
    parse: doneOrFailed,
    progress: pkgProgress,
  }),
  serviceLinuxStart: entry({
    id: 'serviceLinuxStart',
    description: 'Start the Linux ABI now (loads linux64.ko and mounts its file systems)',
    args: NoArgs,
    argv: () => ['service', 'linux', 'start'],
    privileged: true,
    timeoutMs: 60 * SECOND,
    parse: doneOrFailed,
  }),
  serviceDevfsRestart: entry({
    id: 'serviceDevfsRestart',
    description: 'Load the devfs rulesets of /etc/devfs.rules into the kernel',
    args: NoArgs,
    argv: () => ['service', 'devfs', 'restart'],
    privileged: true,
    timeoutMs: 60 * SECOND,
    parse: doneOrFailed,
  }),
  serviceJailStart: entry({
    id: 'serviceJailStart',
    description: `Start the jail ${JAIL_NAME} (mounts its fstab and its /dev)`,
    args: NoArgs,
    argv: () => ['service', 'jail', 'start', JAIL_NAME],
    privileged: true,
    timeoutMs: 2 * MINUTE,
    parse: doneOrFailed,
  }),
  serviceJailRestart: entry({
    id: 'serviceJailRestart',
    description: `Restart the jail ${JAIL_NAME}, so that its /dev is mounted again with the current ruleset`,
    args: NoArgs,
    argv: () => ['service', 'jail', 'restart', JAIL_NAME],
    privileged: true,
    timeoutMs: 2 * MINUTE,
    parse: doneOrFailed,
  }),
  jls: entry({
    id: 'jls',
    description: 'The running jails, with their names and roots',
    args: NoArgs,
    argv: () => ['jls', 'name', 'path'],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: onSuccess(parseJls),
  }),
  mounts: entry({
    id: 'mounts',
    description: 'The mounted file systems',
    args: NoArgs,
    argv: () => ['mount', '-p'],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: onSuccess(parseMountP),
  }),
  listDir: entry({
    id: 'listDir',
    description: 'The names in the jail root, the jail’s /dev or the host’s /dev',
    args: z.object({ dir: ListedDir }).strict(),
    argv: (a) => ['ls', '-1A', a.dir],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: (out) => missingIsNull(out, { entries: null }) ?? onSuccess(parseListing)(out),
  }),
  readOsRelease: entry({
    id: 'readOsRelease',
    description: 'Which Linux distribution and release the jail holds',
    args: NoArgs,
    argv: () => ['cat', jailPath('/etc/os-release')],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: (out) => missingIsNull(out, { values: {} }) ?? onSuccess(parseOsRelease)(out),
  }),
  debootstrap: entry({
    id: 'debootstrap',
    description: `Build (or finish) the Ubuntu ${UBUNTU_SUITE} userland in ${JAIL_ROOT}`,
    args: NoArgs,
    argv: () => ['debootstrap', '--arch=amd64', UBUNTU_SUITE, JAIL_ROOT, UBUNTU_MIRROR],
    privileged: true,
    timeoutMs: 90 * MINUTE,
    parse: doneOrFailed,
    progress: debootstrapProgress,
  }),
  removeJailRoot: entry({
    id: 'removeJailRoot',
    description: `Remove the half-built userland in ${JAIL_ROOT}; -x never crosses into a mounted file system`,
    args: NoArgs,
    argv: () => ['rm', '-r', '-f', '-x', JAIL_ROOT],
    privileged: true,
    timeoutMs: 10 * MINUTE,
    parse: doneOrFailed,
  }),
  jailLibcuda: entry({
    id: 'jailLibcuda',
    description: 'Which NVIDIA release the jail’s libcuda belongs to',
    args: NoArgs,
    argv: () => ['find', JAIL_LIBDIR, '-maxdepth', '1', '-name', 'libcuda.so.*'],
    privileged: false,
    timeoutMs: 30 * SECOND,
    parse: (out) => missingIsNull(out, { versions: [] }) ?? onSuccess(parseLibcuda)(out),
  }),
  fetchNvidiaInstaller: entry({
    id: 'fetchNvidiaInstaller',
    description: 'Download NVIDIA’s Linux driver installer of the host module’s exact release into the jail',
    args: z.object({ version: NvidiaRelease }).strict(),
    argv: (a) => ['fetch', '-o', jailPath(`/root/${nvidiaRunfile(a.version)}`), nvidiaRunfileUrl(a.version)],
    privileged: true,
    timeoutMs: 30 * MINUTE,
    parse: doneOrFailed,
  }),
  jailInstallNvidia: entry({
    id: 'jailInstallNvidia',
    description: 'Install the NVIDIA userland (libraries, nvidia-smi) in the jail, without any kernel module',
    args: z.object({ version: NvidiaRelease }).strict(),
    argv: (a) => ['jexec', JAIL_NAME, 'sh', `/root/${nvidiaRunfile(a.version)}`, '--silent', '--no-kernel-module', '--no-x-check', '--no-nouveau-check', '--no-nvidia-modprobe'],
    privileged: true,
    timeoutMs: 20 * MINUTE,
    parse: doneOrFailed,
  }),
  jailNvidiaSmi: entry({
    id: 'jailNvidiaSmi',
    description: `nvidia-smi inside the jail ${JAIL_NAME}`,
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, 'nvidia-smi'],
    privileged: true,
    timeoutMs: 30 * SECOND,
    parse: insideJail(parseNvidiaSmi),
  }),
  jailNvcc: entry({
    id: 'jailNvcc',
    description: 'Which CUDA toolkit the jail has (nvcc --version)',
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, NVCC, '--version'],
    privileged: true,
    timeoutMs: 30 * SECOND,
    parse: onSuccess(parseNvcc),
  }),
  fetchCudaToolkit: entry({
    id: 'fetchCudaToolkit',
    description: `Download the CUDA ${CUDA_TOOLKIT.release} toolkit installer into the jail`,
    args: NoArgs,
    argv: () => ['fetch', '-o', jailPath(`/root/${CUDA_TOOLKIT.runfile}`), CUDA_TOOLKIT.url],
    privileged: true,
    timeoutMs: 90 * MINUTE,
    parse: doneOrFailed,
  }),
  jailInstallCuda: entry({
    id: 'jailInstallCuda',
    description: `Install the CUDA ${CUDA_TOOLKIT.release} toolkit in the jail (toolkit only, never its driver)`,
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, 'sh', `/root/${CUDA_TOOLKIT.runfile}`, '--silent', '--toolkit', '--override'],
    privileged: true,
    timeoutMs: 60 * MINUTE,
    parse: doneOrFailed,
  }),
  jailDeviceQuery: entry({
    id: 'jailDeviceQuery',
    description: 'CUDA’s deviceQuery inside the jail: the devices the CUDA runtime sees',
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, DEVICE_QUERY],
    privileged: true,
    timeoutMs: 60 * SECOND,
    parse: insideJail(parseDeviceQuery),
  }),
  nvSglrunSmi: entry({
    id: 'nvSglrunSmi',
    description: 'nvidia-smi through libc6-shim’s nv-sglrun, on the host (the lighter way)',
    args: NoArgs,
    argv: () => ['nv-sglrun', 'nvidia-smi'],
    privileged: false,
    timeoutMs: 30 * SECOND,
    parse: (out) => parseNvidiaSmi(joinStreams(out)),
  }),
} as const;
