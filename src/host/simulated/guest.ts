import { GUEST_NETWORK_CONFIG_PATH, UBUNTU_IMAGE } from '../../bhyve/layout';
import { parseGuestNetworkConfig } from '../../bhyve/guest-network';
import { GUEST_CUDA_RUNFILE, GUEST_DRIVER_PACKAGES, GUEST_NVRM_VERSION } from '../../commands/guest-commands';
import { GUEST_BUILD_PACKAGES, GUEST_MODEL_PART } from '../../commands/guest-llama-commands';
import { CUDA_TOOLKIT, DEVICE_QUERY, FIRST_MODEL, NVCC } from '../../jail/layout';
import type { GuestAccess, TransportFailure } from '../types';
import type { MachineView } from './scenario';
import { deviceQueryFound, deviceQueryNone } from './tools/jail';
import { buildTools, llamaProgram, mkdir, mv, stat, wgetModel } from './guest-llama';
import { guestIn, guestOf, guestRun, moduleLoaded } from './guest-state';
import { gpuAnswer, NO_DRIVER } from './tools/nvidia-smi';
import { ran, type Ran, type ToolResult } from './tools/tool';

/**
 * The passthrough route's Ubuntu 24.04 guest, reached from a simulated host: it answers only while the host's
 * bhyve runs it and only at the address its cloud-init network-config gives. What the wizard installs in it
 * is kept in the host's scenario (`ubuntuGuest`), so it is still there after a restart or a reload.
 */

/** The version Ubuntu's archive has of the 580-server packages, and the kernel the cloud image boots. */
const DRIVER_VERSION = '580.95.05';
const DRIVER_PACKAGE_VERSION = `${DRIVER_VERSION}-0ubuntu0.24.04.2`;
const KERNEL = '6.8.0-87-generic';
/** Where bhyve puts the passed-through card in the guest (passthru0 is the guest's slot 6). */
const GUEST_SELECTOR = 'pci0:0:6:0';

export { guestRun } from './guest-state';

/** What ssh would say when the guest cannot be logged in to; null when it can. */
export function guestUnreachable(machine: MachineView, access: GuestAccess): TransportFailure | null {
  const config = machine.files[GUEST_NETWORK_CONFIG_PATH];
  const address = config === undefined ? null : parseGuestNetworkConfig(config)?.address;
  if (guestRun(machine) === null || address !== access.address) {
    return { kind: 'unreachable', detail: `ssh: connect to host ${access.address} port 22: No route to host` };
  }
  if (access.user !== UBUNTU_IMAGE.user) return { kind: 'auth-failed', detail: `${access.user}@${access.address}: Permission denied (publickey).` };
  return null;
}

const OS_RELEASE = [
  'PRETTY_NAME="Ubuntu 24.04.3 LTS"',
  'NAME="Ubuntu"',
  'VERSION_ID="24.04"',
  'VERSION="24.04.3 LTS (Noble Numbat)"',
  'VERSION_CODENAME=noble',
  'ID=ubuntu',
  'ID_LIKE=debian',
  'UBUNTU_CODENAME=noble',
];

function cat(machine: MachineView, path: string | undefined): Ran {
  if (path === '/etc/os-release') return ran(0, OS_RELEASE);
  if (path === GUEST_NVRM_VERSION && moduleLoaded(machine)) {
    return ran(0, [`NVRM version: NVIDIA UNIX x86_64 Kernel Module  ${DRIVER_VERSION}  Tue Sep 23 09:58:12 UTC 2025`, 'GCC version:  gcc version 13.3.0 (Ubuntu 13.3.0-6ubuntu2~24.04)']);
  }
  return ran(1, [], [`cat: ${path ?? ''}: No such file or directory`]);
}

function dpkgQuery(machine: MachineView, names: readonly string[]): Ran {
  const guest = guestOf(machine);
  const unpacked = guest.dpkgInterrupted === true;
  const known = names.filter((n) => (guest.driver !== null || unpacked) && (GUEST_DRIVER_PACKAGES as readonly string[]).includes(n));
  const unknown = names.filter((n) => !known.includes(n));
  const status = unpacked ? 'iU ' : 'ii ';
  return ran(unknown.length === 0 ? 0 : 1, known.map((n) => `${status}\t${n}\t${DRIVER_PACKAGE_VERSION}`), unknown.map((n) => `dpkg-query: no packages found matching ${n}`));
}

const INTERRUPTED = "E: dpkg was interrupted, you must manually run 'sudo dpkg --configure -a' to correct the problem.";

/** `dpkg --configure -a`: sets up what an interrupted install left unpacked. */
function dpkg(machine: MachineView, args: readonly string[], root: boolean): Ran {
  if (args.join(' ') !== '--configure -a') return ran(2, [], ['dpkg: the wizard only runs --configure -a here']);
  if (!root) return ran(2, [], ['dpkg: error: requested operation requires superuser privilege']);
  if (guestOf(machine).dpkgInterrupted !== true) return ran(0);
  return ran(0, GUEST_DRIVER_PACKAGES.map((p) => `Setting up ${p} (${DRIVER_PACKAGE_VERSION}) ...`), [], {
    durationMs: 3 * 60_000,
    commit: (state) => {
      const guest = guestIn(state);
      guest.dpkgInterrupted = false;
      guest.driver = DRIVER_PACKAGE_VERSION;
      guest.installedIn = guestRun(state);
    },
  });
}

const LOCKED = ['E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)', 'E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?'];

/** `apt-get -y -o APT::Status-Fd=1 update|install …`, as the catalogue runs it. */
function aptGet(machine: MachineView, args: readonly string[], root: boolean): Ran {
  const words = args.filter((a, i) => a !== '-y' && a !== '-o' && args[i - 1] !== '-o');
  const [verb, ...names] = words;
  if (!root) return ran(100, [], LOCKED);
  if (verb === 'update' && names.length === 0) {
    const suites = ['noble', 'noble-updates', 'noble-backports', 'noble-security'];
    return ran(0, [...suites.map((s, i) => `Get:${i + 1} http://archive.ubuntu.com/ubuntu ${s} InRelease [126 kB]`), 'Fetched 34.1 MB in 31s (1102 kB/s)', 'Reading package lists...'], [], {
      durationMs: 35_000,
      commit: (state) => void (guestIn(state).aptUpdated = true),
    });
  }
  if (verb !== 'install' || names.length === 0) return ran(100, [], ['E: Invalid operation']);
  const unknown = names.filter((n) => !(GUEST_DRIVER_PACKAGES as readonly string[]).includes(n) && !(GUEST_BUILD_PACKAGES as readonly string[]).includes(n));
  if (!guestOf(machine).aptUpdated || unknown.length > 0) {
    return ran(100, ['Reading package lists...', 'Building dependency tree...', 'Reading state information...'], [`E: Unable to locate package ${unknown[0] ?? names[0] ?? ''}`]);
  }
  if (names.every((n) => (GUEST_BUILD_PACKAGES as readonly string[]).includes(n))) return buildTools(names);
  if (guestOf(machine).dpkgInterrupted === true) return ran(100, [], [INTERRUPTED]);
  if (guestOf(machine).driver !== null) return ran(0, ['Reading package lists...', ...names.map((n) => `${n} is already the newest version (${DRIVER_PACKAGE_VERSION}).`), '0 upgraded, 0 newly installed, 0 to remove and 3 not upgraded.']);
  const pulled = ['libnvidia-compute-580-server', 'nvidia-compute-utils-580-server', 'nvidia-dkms-580-server', 'nvidia-kernel-common-580-server', 'nvidia-kernel-source-580-server', 'dkms', 'gcc-13', 'linux-headers-6.8.0-87-generic', ...names];
  const total = pulled.length;
  const lines = [
    'Reading package lists...',
    'Building dependency tree...',
    `0 upgraded, ${total + 31} newly installed, 0 to remove and 3 not upgraded.`,
    'Need to get 412 MB of archives.',
    ...pulled.map((p, i) => `dlstatus:${i + 1}:${(((i + 1) / total) * 100).toFixed(4)}:Retrieving file ${i + 1} of ${total}`),
    ...pulled.flatMap((p, i) => [`pmstatus:${p}:${(((i + 1) / total) * 100).toFixed(4)}:Installing ${p} (amd64)`, `Setting up ${p} (${DRIVER_PACKAGE_VERSION}) ...`]),
    `Building initial module nvidia/${DRIVER_VERSION} for ${KERNEL}`,
    'Done.',
    'Processing triggers for initramfs-tools (0.142ubuntu25.5) ...',
  ];
  // Cut off once dpkg has begun (the first pmstatus line), the packages stay unpacked but not set up.
  const dpkgStarts = lines.findIndex((l) => l.startsWith('pmstatus:'));
  return ran(0, lines, [], {
    durationMs: 6 * 60_000,
    onInterrupt: (state, played) => {
      if (played > dpkgStarts) guestIn(state).dpkgInterrupted = true;
    },
    commit: (state) => {
      const guest = guestIn(state);
      guest.driver = DRIVER_PACKAGE_VERSION;
      guest.installedIn = guestRun(state);
    },
  });
}

function modprobe(machine: MachineView, args: readonly string[], root: boolean): Ran {
  if (args.length !== 1 || args[0] !== 'nvidia') return ran(1, [], ['modprobe: FATAL: the wizard only loads nvidia here']);
  if (!root) return ran(1, [], ['modprobe: ERROR: could not insert \'nvidia\': Operation not permitted']);
  if (guestOf(machine).driver === null) return ran(1, [], [`modprobe: FATAL: Module nvidia not found in directory /lib/modules/${KERNEL}`]);
  return ran(0, [], [], { durationMs: 1500, commit: (state) => void (guestIn(state).loadedIn = guestRun(state)) });
}

function nvidiaSmi(machine: MachineView, args: readonly string[]): ToolResult {
  const guest = guestOf(machine);
  if (guest.driver === null) return { kind: 'missing' };
  const gpu = machine.nvidia;
  if (!moduleLoaded(machine) || gpu === null) return ran(9, [NO_DRIVER, '']);
  // Right after llama.cpp has worked it, the card reads as it does under load, as on the host.
  const now = guest.loadRan === true && machine.underLoad !== undefined ? { ...gpu, ...machine.underLoad } : gpu;
  return { ...gpuAnswer(now, GUEST_SELECTOR, DRIVER_VERSION, args), durationMs: 1200 };
}

function wget(machine: MachineView, args: readonly string[], root: boolean): Ran {
  const output = args[args.indexOf('-O') + 1];
  if (output === GUEST_MODEL_PART && args.includes(FIRST_MODEL.url)) return wgetModel(machine, root);
  if (output !== GUEST_CUDA_RUNFILE || !args.includes(CUDA_TOOLKIT.url)) return ran(1, [], ['wget: the wizard only downloads the CUDA installer and the first model here']);
  const percents = [0, 9, 19, 29, 39, 49, 59, 69, 79, 89, 99, 100];
  const dots = percents.map((p, i) => `${String(i * 393_216).padStart(8)}K ........ ........ ........ ........ ${String(p).padStart(3)}% 6.21M ${11 - i}m`);
  return ran(0, [], [`--2026-12-03 16:00:00--  ${CUDA_TOOLKIT.url}`, 'Length: 4332490398 (4.0G) [application/octet-stream]', `Saving to: ‘${GUEST_CUDA_RUNFILE}’`, ...dots, `‘${GUEST_CUDA_RUNFILE}’ saved [4332490398/4332490398]`], {
    durationMs: 11 * 60_000,
    commit: (state) => void (guestIn(state).downloads = [...new Set([...guestIn(state).downloads, GUEST_CUDA_RUNFILE])]),
  });
}

function cudaInstaller(machine: MachineView, args: readonly string[], root: boolean): Ran {
  const [script, ...options] = args;
  if (script !== GUEST_CUDA_RUNFILE || !guestOf(machine).downloads.includes(script)) return ran(127, [], [`sh: 0: cannot open ${script ?? ''}: No such file`]);
  if (!options.includes('--toolkit')) return ran(1, [], ['ERROR: The wizard only runs the installer with its fixed options here.']);
  if (!root) return ran(1, [], ['ERROR: You need to run this installer as root.']);
  return ran(0, [], [], { durationMs: 4 * 60_000, commit: (state) => void (guestIn(state).cudaToolkit = CUDA_TOOLKIT.release) });
}

function nvcc(machine: MachineView): ToolResult {
  const release = guestOf(machine).cudaToolkit;
  if (release === null) return { kind: 'missing' };
  const [major = '12', minor = '4'] = release.split('.');
  return ran(0, ['nvcc: NVIDIA (R) Cuda compiler driver', 'Copyright (c) 2005-2024 NVIDIA Corporation', `Cuda compilation tools, release ${major}.${minor}, V${major}.${minor}.131`, `Build cuda_${major}.${minor}.r${major}.${minor}/compiler.34097967_0`]);
}

function deviceQuery(machine: MachineView): ToolResult {
  const release = guestOf(machine).cudaToolkit;
  if (release === null) return { kind: 'missing' };
  const gpu = machine.nvidia;
  if (!moduleLoaded(machine) || gpu === null) return deviceQueryNone();
  const [, bus = 0, slot = 0] = GUEST_SELECTOR.replace(/^pci/, '').split(':').map(Number);
  return { ...deviceQueryFound(gpu, release, bus, slot), durationMs: 2000 };
}

/**
 * A command line in the guest, as the cloud image's user; `sudo -n --` (passwordless for that user) and
 * `env NAME=value` in front are taken off as a shell would run them.
 */
export function runInGuest(machine: MachineView, argv: readonly string[], root = false): ToolResult {
  const [program, ...args] = argv;
  if (program === 'sudo') {
    const rest = args[0] === '-n' ? args.slice(args[1] === '--' ? 2 : 1) : null;
    return rest === null ? ran(1, [], ['sudo: a password is required']) : runInGuest(machine, rest, true);
  }
  if (program === 'env') {
    const first = args.findIndex((a) => !/^[A-Z_]+=/.test(a));
    return first < 0 ? ran(0) : runInGuest(machine, args.slice(first), root);
  }
  switch (program) {
    case 'cat':
      return cat(machine, args[0]);
    case 'dpkg-query':
      return dpkgQuery(machine, args.filter((a) => !a.startsWith('-')));
    case 'apt-get':
      return aptGet(machine, args, root);
    case 'dpkg':
      return dpkg(machine, args, root);
    case 'modprobe':
      return modprobe(machine, args, root);
    case 'nvidia-smi':
      return nvidiaSmi(machine, args);
    case 'wget':
      return wget(machine, args, root);
    case 'stat':
      return stat(machine, args);
    case 'mkdir':
      return mkdir(machine, args, root);
    case 'mv':
      return mv(machine, args, root);
    case 'sh':
      return cudaInstaller(machine, args, root);
    case NVCC:
      return nvcc(machine);
    case DEVICE_QUERY:
      return deviceQuery(machine);
    case 'true':
      return ran(0);
    default:
      return llamaProgram(machine, program ?? '', args, root);
  }
}
