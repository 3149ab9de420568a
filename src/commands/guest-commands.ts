import { z } from 'zod';
import { CUDA_TOOLKIT, DEVICE_QUERY, NVCC } from '../jail/layout';
import { doneOrFailed, joinStreams, onSuccess } from './output';
import { parseFailure, type ParseResult } from './parse-result';
import { parseNvidiaSmi } from './parsers/nvidia-smi';
import { parseDeviceQuery, parseNvcc, parseOsRelease } from './parsers/jail';
import type { CommandOutput, CommandProgress, CommandSpec } from './types';

/**
 * Catalogue entries that run inside the passthrough route's Ubuntu 24.04 guest (`target: 'guest'`): the
 * runner logs in over SSH with the wizard's key and runs privileged ones with `sudo -n`, since the cloud
 * image's default user has passwordless sudo. Nothing here takes an argument: every name is a constant.
 */

const NoArgs = z.object({}).strict();
const SECOND = 1000;
const MINUTE = 60 * SECOND;

const entry = <A extends z.ZodType, R>(spec: CommandSpec<A, R>): CommandSpec<A, R> => spec;

/**
 * NVIDIA's 580 branch is the last that drives Pascal (the P4 is GP104). From Ubuntu's own archive
 * (restricted), not NVIDIA's repository: Ubuntu builds it for 24.04's kernels and keeps it updated.
 * - `nvidia-headless-580-server`: the kernel module (through DKMS, so it is rebuilt for every kernel the guest
 *   gets) and the compute libraries (libcuda, NVML), without X or OpenGL, which `nvidia-driver-580` would
 *   pull in for a screen the guest does not have. The `-server` flavour is the datacenter (ERD/LTSB) build
 *   NVIDIA supports for Tesla cards, with a longer support window.
 * - `nvidia-utils-580-server`: nvidia-smi, which the headless package leaves out.
 * Never the `-open` packages: NVIDIA's open kernel modules need Turing or later, so they ignore a Pascal card.
 */
export const GUEST_DRIVER_PACKAGES = ['nvidia-headless-580-server', 'nvidia-utils-580-server'] as const;
export const GUEST_DRIVER_BRANCH = '580';

/** Where the CUDA installer is kept in the guest: the same 12.4 runfile as the jail route, for its deviceQuery. */
export const GUEST_CUDA_RUNFILE = `/var/tmp/${CUDA_TOOLKIT.runfile}` as const;
/** What the kernel module reports once loaded (`NVRM version: … Kernel Module  580.95.05 …`). */
export const GUEST_NVRM_VERSION = '/proc/driver/nvidia/version';

/**
 * apt-get without questions (debconf would otherwise wait for an answer nobody sees), waiting up to ten
 * minutes for dpkg's lock: a fresh cloud image runs unattended-upgrades right after its first boot.
 */
export const aptGet = (...args: string[]): string[] => ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-y', '-o', 'APT::Status-Fd=1', '-o', 'DPkg::Lock::Timeout=600', ...args];

/**
 * apt's machine-readable status (`APT::Status-Fd`): `dlstatus:3:12.5:Retrieving file 3 of 42` while it
 * downloads, `pmstatus:nvidia-dkms-580-server:60.0:Installing …` while dpkg works; each phase 0 to 100.
 */
export function aptProgress(line: string): CommandProgress | null {
  const status = /^(dlstatus|pmstatus):[^:]*:(\d+(?:\.\d+)?):(.+)$/.exec(line.trim());
  if (status === null) return null;
  const percent = Math.min(100, Math.max(0, Math.round(Number(status[2]))));
  return { done: percent, total: 100, label: status[3] ?? '' };
}

/** wget's dot lines: `  32768K ........ ........ ........ ........  12% 6.1M 9m2s`. */
export function wgetProgress(line: string): CommandProgress | null {
  const dots = /^\s*\d+[KMG]\s[ .]+\s(\d{1,3})%\s+(\S+)/.exec(line);
  if (dots === null) return null;
  return { done: Number(dots[1]), total: 100, label: `${dots[1]}% ${dots[2] ?? ''}`.trim() };
}

/** One installed package as dpkg-query prints it with the wizard's format. */
export const GuestPackage = z.object({ name: z.string().min(1), version: z.string().min(1), line: z.number().int().positive() }).strict();
export type GuestPackage = z.infer<typeof GuestPackage>;

/**
 * `${db:Status-Abbrev}\t${Package}\t${Version}`: `ii ` rows are installed; an `i` wanted but left Unpacked,
 * half-conFigured, Half-installed or waiting for triggers is unfinished (dpkg was cut off); unknown names go
 * to stderr.
 */
export function parseDpkgQuery(out: CommandOutput): ParseResult<{ installed: GuestPackage[]; unfinished: GuestPackage[] }> {
  if (out.exitCode !== 0 && !/no packages found matching/.test(out.stderr)) return parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`);
  const installed: GuestPackage[] = [];
  const unfinished: GuestPackage[] = [];
  out.stdout.split('\n').forEach((text, i) => {
    const row = /^i([a-zA-Z])[ R]\t(\S+)\t(\S+)$/.exec(text);
    if (row === null) return;
    const entry = { name: row[2] ?? '', version: row[3] ?? '', line: i + 1 };
    if (row[1] === 'i') installed.push(entry);
    else if (/^[HUFWt]$/.test(row[1] ?? '')) unfinished.push(entry);
  });
  return { ok: true, value: { installed, unfinished } };
}

/** `/proc/driver/nvidia/version`: the loaded module's release; absent (null) while it is not loaded. */
export function parseNvrmVersion(out: CommandOutput): ParseResult<{ loaded: string | null }> {
  if (out.exitCode !== 0) {
    return /No such file or directory/.test(out.stderr) ? { ok: true, value: { loaded: null } } : parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`);
  }
  const version = /Kernel Module\s+(\d{3}\.\d{1,3}(?:\.\d{1,3})?)/.exec(out.stdout);
  return version ? { ok: true, value: { loaded: version[1] ?? null } } : parseFailure('unexpected-output', 'no "Kernel Module N.N" in the NVRM version');
}

export const guestCommands = {
  guestOsRelease: entry({
    id: 'guestOsRelease',
    description: 'Log in to the guest and read which system it runs (/etc/os-release)',
    args: NoArgs,
    argv: () => ['cat', '/etc/os-release'],
    privileged: false,
    timeoutMs: 30 * SECOND,
    target: 'guest',
    parse: onSuccess(parseOsRelease),
  }),
  guestDriverPackages: entry({
    id: 'guestDriverPackages',
    description: `Which of NVIDIA's ${GUEST_DRIVER_BRANCH} driver packages the guest has (dpkg-query)`,
    args: NoArgs,
    argv: () => ['dpkg-query', '-W', '-f=${db:Status-Abbrev}\\t${Package}\\t${Version}\\n', ...GUEST_DRIVER_PACKAGES],
    privileged: false,
    timeoutMs: 30 * SECOND,
    target: 'guest',
    parse: parseDpkgQuery,
  }),
  guestNvrmVersion: entry({
    id: 'guestNvrmVersion',
    description: "The NVIDIA kernel module loaded in the guest, as it reports itself",
    args: NoArgs,
    argv: () => ['cat', GUEST_NVRM_VERSION],
    privileged: false,
    timeoutMs: 30 * SECOND,
    target: 'guest',
    parse: parseNvrmVersion,
  }),
  guestAptUpdate: entry({
    id: 'guestAptUpdate',
    description: "Refresh the guest's package lists (apt-get update)",
    args: NoArgs,
    argv: () => aptGet('update'),
    privileged: true,
    timeoutMs: 15 * MINUTE,
    target: 'guest',
    parse: doneOrFailed,
  }),
  /*
   * Not a detached job: src/detached is built on FreeBSD's daemon(8), kern.boottime and the host's progress
   * file, and a guest job would need a Linux wrapper (setsid, /proc/stat's btime) and a follower that goes
   * through the guest. So apt runs as a child of the SSH session, with a long timeout and its own progress
   * lines. If the session breaks half-way, dpkg-query shows the packages unfinished and the driver check has
   * dpkg finish them (guestDpkgConfigure) before apt runs again.
   */
  guestAptInstallDriver: entry({
    id: 'guestAptInstallDriver',
    description: `Install NVIDIA's ${GUEST_DRIVER_BRANCH} driver, compute only, from Ubuntu's archive in the guest`,
    args: NoArgs,
    argv: () => aptGet('install', ...GUEST_DRIVER_PACKAGES),
    privileged: true,
    // DKMS builds the module on the guest's two virtual CPUs of a 2011 i5: minutes, more on a slow mirror.
    timeoutMs: 90 * MINUTE,
    target: 'guest',
    parse: doneOrFailed,
    progress: aptProgress,
  }),
  /** What an install cut off half-way (a dropped SSH session) leaves: dpkg finishes configuring what it unpacked. */
  guestDpkgConfigure: entry({
    id: 'guestDpkgConfigure',
    description: 'Let dpkg finish an installation that was cut off in the guest (dpkg --configure -a)',
    args: NoArgs,
    argv: () => ['env', 'DEBIAN_FRONTEND=noninteractive', 'dpkg', '--configure', '-a'],
    privileged: true,
    timeoutMs: 60 * MINUTE,
    target: 'guest',
    parse: doneOrFailed,
  }),
  /*
   * modprobe, not a reboot: the module DKMS just built is on disk and nouveau is not loaded (the cloud image's
   * kernel ships it only in linux-modules-extra, which it does not install, and the packages blacklist it),
   * so loading it now takes a second where the guest's reboot under bhyve takes a minute. At later boots
   * udev loads it by the card's PCI id.
   */
  guestModprobe: entry({
    id: 'guestModprobe',
    description: 'Load the NVIDIA kernel module in the guest now',
    args: NoArgs,
    argv: () => ['modprobe', 'nvidia'],
    privileged: true,
    timeoutMs: 60 * SECOND,
    target: 'guest',
    parse: doneOrFailed,
  }),
  guestNvidiaSmi: entry({
    id: 'guestNvidiaSmi',
    description: 'nvidia-smi in the guest: the GPU the driver drives',
    args: NoArgs,
    argv: () => ['nvidia-smi'],
    privileged: false,
    timeoutMs: 60 * SECOND,
    target: 'guest',
    parse: (out) => parseNvidiaSmi(joinStreams(out)),
  }),
  guestFetchCuda: entry({
    id: 'guestFetchCuda',
    description: `Download the CUDA ${CUDA_TOOLKIT.release} toolkit installer in the guest`,
    args: NoArgs,
    argv: () => ['wget', '--progress=dot:giga', '-O', GUEST_CUDA_RUNFILE, CUDA_TOOLKIT.url],
    privileged: false,
    timeoutMs: 120 * MINUTE,
    target: 'guest',
    parse: doneOrFailed,
    progress: wgetProgress,
    progressOnStderr: true,
  }),
  guestInstallCuda: entry({
    id: 'guestInstallCuda',
    description: `Install the CUDA ${CUDA_TOOLKIT.release} toolkit in the guest (toolkit only, never its driver)`,
    args: NoArgs,
    // --override: the 12.4 installer predates 24.04's gcc 13 and would otherwise refuse it.
    argv: () => ['sh', GUEST_CUDA_RUNFILE, '--silent', '--toolkit', '--override'],
    privileged: true,
    timeoutMs: 60 * MINUTE,
    target: 'guest',
    parse: doneOrFailed,
  }),
  guestNvcc: entry({
    id: 'guestNvcc',
    description: 'Which CUDA toolkit the guest has (nvcc --version)',
    args: NoArgs,
    argv: () => [NVCC, '--version'],
    privileged: false,
    timeoutMs: 30 * SECOND,
    target: 'guest',
    parse: onSuccess(parseNvcc),
  }),
  guestDeviceQuery: entry({
    id: 'guestDeviceQuery',
    description: 'CUDA’s deviceQuery in the guest: the devices the CUDA runtime sees',
    args: NoArgs,
    argv: () => [DEVICE_QUERY],
    privileged: false,
    timeoutMs: 60 * SECOND,
    target: 'guest',
    parse: (out) => parseDeviceQuery(joinStreams(out)),
  }),
} as const;
