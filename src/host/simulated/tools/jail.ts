import { IMAGE_DIR } from '../../../bhyve/layout';
import { CUDA_TOOLKIT, DEVICE_QUERY, FIRST_MODEL, JAIL_LIBDIR, JAIL_NAME, JAIL_ROOT, MODELS_DIR, NVCC, UBUNTU_SUITE, jailPath, nvidiaRunfile } from '../../../jail/layout';
import { hostDevNodes, linuxIn, linuxOf, mountLines, startJail, stopJail } from '../linux';
import { driverPackage, driverVersion, hasProgram, loadModule, nvidiaState } from '../machine';
import type { DeepReadonly, MachineView, NvidiaGpu, Scenario } from '../scenario';
import { NO_DRIVER, nvidiaSmi } from './nvidia-smi';
import { llamaProgram } from './llama';
import { isOllamaArchive, isOllamaLibs, OLLAMA_ARCHIVE_BYTES, ollamaProgram, ollamaService } from './ollama';
import { ran, systemPath, usage, type Ran, type Tool, type ToolContext } from './tool';

const onFreeBSD = (path: string) => (m: MachineView) => systemPath(m, { FreeBSD: path });
const notPermitted = (program: string) => ran(1, [], [`${program}: Operation not permitted`]);

/** `jls name path`: the running jails. */
export const jls: Tool = {
  program: 'jls',
  path: onFreeBSD('/usr/sbin/jls'),
  run(args, { machine }) {
    if (args.join(' ') !== 'name path') return usage('usage: jls [-dhNnqv] [-j jail] [param ...]');
    return ran(0, linuxOf(machine).running ? [`${JAIL_NAME} ${JAIL_ROOT}`] : []);
  },
};

/** `mount -p`. */
export const mount: Tool = {
  program: 'mount',
  path: onFreeBSD('/sbin/mount'),
  run(args, { machine }) {
    if (args.join(' ') !== '-p') return usage('usage: mount [-adflpruvw] [-F fstab] [-o options] [-t ufs | external_type]');
    return ran(0, mountLines(machine));
  },
};

/** The names of the files directly in a folder of the simulated file system. */
const filesIn = (m: MachineView, dir: string): string[] =>
  Object.keys(m.files)
    .filter((f) => f.startsWith(`${dir}/`) && !f.slice(dir.length + 1).includes('/'))
    .map((f) => f.slice(dir.length + 1))
    .sort();

const ROOT_ENTRIES = ['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib32', 'lib64', 'libx32', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var'];
const HALF_BUILT_ENTRIES = ['bin', 'debootstrap', 'etc', 'lib', 'usr', 'var'];

/** `ls -1A DIR` for the directories the wizard looks at. */
export const ls: Tool = {
  program: 'ls',
  path: onFreeBSD('/bin/ls'),
  run(args, { machine }) {
    const [flags, dir] = args;
    if (args.length !== 2 || flags !== '-1A' || dir === undefined) return usage('usage: ls [-ABCFGHILPRSTUWZabcdfghiklmnopqrstuvwxy1,] [-D format] [file ...]');
    const linux = linuxOf(machine);
    const missing = ran(1, [], [`ls: ${dir}: No such file or directory`]);
    if (dir === '/dev') return ran(0, hostDevNodes(machine));
    if (dir === JAIL_ROOT) return linux.userland === 'none' ? missing : ran(0, linux.userland === 'complete' ? ROOT_ENTRIES : HALF_BUILT_ENTRIES);
    if (dir === jailPath('/dev')) return linux.userland === 'complete' ? ran(0, linux.devNodes) : missing;
    if (dir === IMAGE_DIR) return (machine.directories ?? []).includes(dir) ? ran(0, filesIn(machine, dir)) : missing;
    if (isOllamaLibs(dir)) return linux.ollama && linux.ollama.libs.length > 0 ? ran(0, linux.ollama.libs) : missing;
    return missing;
  },
};

/** `find <jail libdir> -maxdepth 1 -name 'libcuda.so.*'`. */
export const find: Tool = {
  program: 'find',
  path: onFreeBSD('/usr/bin/find'),
  run(args, { machine }) {
    const [dir] = args;
    if (args.slice(1).join(' ') !== '-maxdepth 1 -name libcuda.so.*' || dir === undefined) return usage('usage: find [-H | -L | -P] [-EXdsx] [-f path] path ... [expression]');
    const linux = linuxOf(machine);
    if (dir !== JAIL_LIBDIR || linux.userland !== 'complete') return ran(1, [], [`find: ${dir}: No such file or directory`]);
    return ran(0, linux.nvidiaLibs === null ? [] : [`${dir}/libcuda.so.1`, `${dir}/libcuda.so.${linux.nvidiaLibs}`]);
  },
};

/** Sizes of what the wizard downloads (fetch prints them). */
const downloadBytes = (path: string): number =>
  isOllamaArchive(path) ? OLLAMA_ARCHIVE_BYTES : path.endsWith(CUDA_TOOLKIT.runfile) ? 4_310_000_000 : path.endsWith(FIRST_MODEL.file) ? FIRST_MODEL.bytes : path.endsWith('.gguf') ? 5_732_992_000 : 389_000_000;

/** `fetch -o PATH URL` into the jail root (root only, the root must exist). */
export const fetch: Tool = {
  program: 'fetch',
  path: onFreeBSD('/usr/bin/fetch'),
  run(args, { machine, root }) {
    const [flag, path, url] = args;
    if (args.length !== 3 || flag !== '-o' || path === undefined || url === undefined) return usage('usage: fetch [-146AadFlMmnPpqRrsUv] [-B bytes] [-i file] [-N file] [-o file] [-S bytes] [-T seconds] [-w seconds] URL ...');
    if (linuxOf(machine).userland !== 'complete' || !path.startsWith(`${JAIL_ROOT}/`)) return ran(1, [], [`fetch: ${path}: open(): No such file or directory`]);
    if (!root) return ran(1, [], [`fetch: ${path}: open(): Permission denied`]);
    const mb = Math.round(downloadBytes(path) / 1_048_576);
    return ran(0, [], [`${path.padEnd(60)} ${mb} MB 9814 kBps ${Math.round(mb / 9.6)}s`], {
      durationMs: 1500,
      commit: (state) => {
        const linux = linuxIn(state);
        if (!linux.downloads.includes(path)) linux.downloads.push(path);
        const modelsDir = jailPath(`${MODELS_DIR}/`);
        if (path.startsWith(modelsDir) && path.endsWith('.gguf')) linux.models[path.slice(modelsDir.length)] = downloadBytes(path);
      },
    });
  },
};

/** A representative part of jammy's package set, in debootstrap's order of work. */
const JAMMY = ['adduser 3.118ubuntu5', 'apt 2.4.5', 'base-files 12ubuntu4', 'base-passwd 3.5.52build1', 'bash 5.1-6ubuntu1', 'bsdutils 1:2.37.2-4ubuntu3', 'coreutils 8.32-4.1ubuntu1', 'dash 0.5.11+git20210903+057cd650a4ed-3build1', 'debconf 1.5.79ubuntu1', 'dpkg 1.21.1ubuntu2', 'gcc-12-base 12-20220319-1ubuntu1', 'grep 3.7-1build1', 'gzip 1.10-4ubuntu4', 'libc-bin 2.35-0ubuntu3', 'libc6 2.35-0ubuntu3', 'libgcc-s1 12-20220319-1ubuntu1', 'libstdc++6 12-20220319-1ubuntu1', 'login 1:4.8.1-2ubuntu2', 'ncurses-base 6.3-2', 'perl-base 5.34.0-3ubuntu1', 'sed 4.8-1ubuntu2', 'tar 1.34+dfsg-1build3', 'util-linux 2.37.2-4ubuntu3', 'zlib1g 1:1.2.11.dfsg-2ubuntu9'];

function debootstrapLines(mirror: string): string[] {
  const names = JAMMY.map((p) => p.split(' ')[0] ?? p);
  return [
    'I: Retrieving InRelease',
    'I: Checking Release signature',
    'I: Valid Release signature (key id F6ECB3762474EDA9D21B7022871920D1991BC93C)',
    'I: Retrieving Packages',
    'I: Validating Packages',
    'I: Resolving dependencies of required packages...',
    'I: Resolving dependencies of base packages...',
    `I: Checking component main on ${mirror}...`,
    ...JAMMY.flatMap((p) => [`I: Retrieving ${p}`, `I: Validating ${p}`]),
    'I: Chosen extractor for .deb packages: dpkg-deb',
    ...names.map((n) => `I: Extracting ${n}...`),
    'I: Installing core packages...',
    'I: Unpacking required packages...',
    ...names.map((n) => `I: Unpacking ${n}...`),
    'I: Configuring required packages...',
    ...names.map((n) => `I: Configuring ${n}...`),
    'I: Unpacking the base system...',
    'I: Configuring the base system...',
    'I: Base system installed successfully.',
  ];
}

const OS_RELEASE = ['PRETTY_NAME="Ubuntu 22.04.5 LTS"', 'NAME="Ubuntu"', 'VERSION_ID="22.04"', 'VERSION="22.04.5 LTS (Jammy Jellyfish)"', `VERSION_CODENAME=${UBUNTU_SUITE}`, 'ID=ubuntu', 'ID_LIKE=debian', `UBUNTU_CODENAME=${UBUNTU_SUITE}`, ''].join('\n');

/**
 * `debootstrap --arch=amd64 jammy ROOT MIRROR`: streams its `I:` lines over its run; stopped part-way it
 * leaves the root half-built (with its debootstrap/ marker), and a second run finishes it.
 */
export const debootstrap: Tool = {
  program: 'debootstrap',
  path: (m) => (hasProgram(m, 'debootstrap') ? '/usr/local/sbin/debootstrap' : null),
  run(args, { root }) {
    const [arch, suite, target, mirror] = args;
    if (args.length !== 4 || arch !== '--arch=amd64' || suite === undefined || target !== JAIL_ROOT || mirror === undefined) return usage('Usage: debootstrap [OPTION]... <suite> <target> [<mirror> [<script>]]');
    if (!root) return ran(1, [], ['E: debootstrap can only run as root']);
    return {
      ...ran(0, debootstrapLines(mirror), [], {
        durationMs: 9000,
        commit: (state) => {
          linuxIn(state).userland = 'complete';
          state.files[jailPath('/etc/os-release')] = OS_RELEASE;
        },
      }),
      onInterrupt: (state, played) => {
        if (played > 0 && linuxIn(state).userland === 'none') linuxIn(state).userland = 'half-built';
      },
    };
  },
};

/** `rm -r -f -x ROOT`: with -x it never crosses into a mounted file system; those mount points stay busy. */
export function removeTree(machine: MachineView, path: string, root: boolean): Ran {
  if (path !== JAIL_ROOT) return ran(1, [], [`rm: ${path}: Operation not supported here`]);
  if (!root) return ran(1, [], [`rm: ${path}: Permission denied`]);
  const linux = linuxOf(machine);
  if (linux.userland === 'none') return ran(0);
  const busy = mountLines(machine).map((l) => l.split(/\s+/)[1] ?? '').filter((p) => p.startsWith(`${JAIL_ROOT}/`) || p === JAIL_ROOT);
  if (busy.length > 0) return ran(1, [], [...busy.map((p) => `rm: ${p}: Device busy`), `rm: ${JAIL_ROOT}: Directory not empty`]);
  return ran(0, [], [], {
    durationMs: 800,
    commit: (state) => {
      Object.assign(linuxIn(state), { userland: 'none', nvidiaLibs: null, cudaToolkit: null, downloads: [], llama: null, models: {} });
      for (const file of Object.keys(state.files)) if (file.startsWith(`${JAIL_ROOT}/`)) delete state.files[file];
    },
  });
}

/** `service linux start`, `service devfs restart`, `service jail start|restart|stop cuda`, as root. */
export const service: Tool = {
  program: 'service',
  path: onFreeBSD('/usr/sbin/service'),
  run(args, { machine, root }) {
    const line = args.join(' ');
    if (!root) return ran(1, [], ['service: must be run as root']);
    if (line === 'linux start') return ran(0, [], [], { durationMs: 300, commit: (state) => void loadModule(state, 'linux64.ko', 'kldload') });
    if (line === 'devfs restart') return ran(0, [], [], { durationMs: 300, commit: (state) => void (linuxIn(state).devfsRulesLoaded = state.files['/etc/devfs.rules'] ?? null) });
    const ollama = /^ollama_cuda (start|restart|stop)$/.exec(line);
    if (ollama !== null) return ollamaService(machine, ollama[1] ?? '', gpuBlocked(machine) === null);
    const jail = /^jail (start|restart|stop) (\S+)$/.exec(line);
    if (jail === null) return usage('usage: service [-j <jail name or id>] -e | -R | -l | -r | -v | -h | <script> <command>');
    if (jail[2] !== JAIL_NAME) return ran(1, [`Starting jails: cannot start jail "${jail[2] ?? ''}": `], [`jail: "${jail[2] ?? ''}" not found`]);
    return jailService(machine, jail[1] ?? '');
  },
};

/** What rc.d/jail prints; the outcome is decided on a scratch copy, so nothing changes unless it succeeds. */
function jailService(machine: MachineView, command: string): Ran {
  const stopping = command === 'stop' || command === 'restart';
  const starting = command === 'start' || command === 'restart';
  const act = (state: Scenario): string | null => {
    if (stopping) stopJail(state);
    return starting ? startJail(state) : null;
  };
  const error = act(structuredClone(machine) as Scenario);
  const stdout = [...(stopping ? [`Stopping jails: ${JAIL_NAME}.`] : []), ...(starting ? [error === null ? `Starting jails: ${JAIL_NAME}.` : `Starting jails: cannot start jail "${JAIL_NAME}": `] : [])];
  if (error !== null) return ran(1, stdout, [error], { durationMs: 600 });
  return ran(0, stdout, [], { durationMs: 1200, commit: (state) => void act(state) });
}

/** Why a CUDA program in the jail cannot reach the GPU, as NVML would put it; null when it can. */
export function gpuBlocked(machine: MachineView): Ran | null {
  const linux = linuxOf(machine);
  if (!linux.devNodes.includes('nvidiactl')) return ran(9, [NO_DRIVER, '']);
  const host = driverPackage(machine);
  if (host !== undefined && linux.nvidiaLibs !== null && driverVersion(host.version) !== linux.nvidiaLibs) {
    return ran(18, ['Failed to initialize NVML: Driver/library version mismatch', `NVML library version: ${linux.nvidiaLibs}`]);
  }
  if (!linux.devNodes.some((n) => /^nvidia\d+$/.test(n)) || nvidiaState(machine).status !== 'attached') return ran(6, ['No devices were found']);
  return null;
}

const execvpMissing = (program: string): Ran => ran(1, [], [`jexec: execvp: ${program}: No such file or directory`]);

const DEVICE_QUERY_HEAD = [`${DEVICE_QUERY} Starting...`, '', ' CUDA Device Query (Runtime API) version (CUDART static linking)', ''];

/** deviceQuery finding no device: the driver cannot reach the card. */
export const deviceQueryNone = (): Ran => ran(1, [...DEVICE_QUERY_HEAD, 'cudaGetDeviceCount returned 100', '-> no CUDA-capable device is detected', 'Result = FAIL']);

/** deviceQuery seeing the P4 at a PCI bus and slot, with a CUDA runtime release. */
export function deviceQueryFound(gpu: DeepReadonly<NvidiaGpu>, runtime: string, bus: number, slot: number): Ran {
  const mib = gpu.memoryTotalMiB;
  return ran(0, [
    ...DEVICE_QUERY_HEAD,
    'Detected 1 CUDA Capable device(s)',
    '',
    `Device 0: "${gpu.name}"`,
    `  CUDA Driver Version / Runtime Version          13.0 / ${runtime}`,
    '  CUDA Capability Major/Minor version number:    6.1',
    `  Total amount of global memory:                 ${mib} MBytes (${mib * 1_048_576} bytes)`,
    '  (20) Multiprocessors, (128) CUDA Cores/MP:     2560 CUDA Cores',
    `  GPU Max Clock rate:                            ${gpu.clocksMaxSmMHz} MHz (${(gpu.clocksMaxSmMHz / 1000).toFixed(2)} GHz)`,
    '  Memory Clock rate:                             3003 Mhz',
    '  Memory Bus Width:                              256-bit',
    '  L2 Cache Size:                                 2097152 bytes',
    `  Device PCI Domain ID / Bus ID / location ID:   0 / ${bus} / ${slot}`,
    '  Compute Mode:',
    '     < Default (multiple host threads can use ::cudaSetDevice() with device simultaneously) >',
    '',
    `deviceQuery, CUDA Driver = CUDART, CUDA Driver Version = 13.0, CUDA Runtime Version = ${runtime}, NumDevs = 1, Device0 = ${gpu.name}`,
    'Result = PASS',
  ]);
}

function deviceQuery(machine: MachineView): Ran {
  const blocked = gpuBlocked(machine);
  const gpu = machine.nvidia;
  const state = nvidiaState(machine);
  if (blocked !== null || gpu === null || state.status !== 'attached') return deviceQueryNone();
  const [, bus = 0, slot = 0] = state.device.selector.replace(/^pci/, '').split(':').map(Number);
  return deviceQueryFound(gpu, linuxOf(machine).cudaToolkit ?? '?', bus, slot);
}

/** The installers the wizard runs inside the jail, from the files it fetched into /root. */
function installer(machine: MachineView, script: string, args: readonly string[]): Ran {
  const linux = linuxOf(machine);
  if (!linux.downloads.includes(jailPath(script))) return ran(127, [], [`sh: 0: cannot open ${script}: No such file`]);
  const nvidia = /^\/root\/NVIDIA-Linux-x86_64-(\d+\.\d+(?:\.\d+)?)\.run$/.exec(script);
  if (nvidia !== null && args.includes('--no-kernel-module')) {
    const version = nvidia[1] ?? '';
    return ran(0, ['Verifying archive integrity... OK', `Uncompressing NVIDIA Accelerated Graphics Driver for Linux-x86_64 ${version}........`], [], {
      durationMs: 2500,
      commit: (state) => void (linuxIn(state).nvidiaLibs = version),
    });
  }
  if (script === `/root/${CUDA_TOOLKIT.runfile}` && args.includes('--toolkit')) {
    return ran(0, [], [], { durationMs: 3000, commit: (state) => void (linuxIn(state).cudaToolkit = CUDA_TOOLKIT.release) });
  }
  return ran(1, [], ['ERROR: The wizard only runs its installers with their fixed options here.']);
}

/** Programs inside the jail; others are not there. */
function inJail(context: ToolContext, program: string, args: readonly string[]): Ran {
  const { machine } = context;
  const linux = linuxOf(machine);
  if (program === 'sh' && args[0] !== undefined) return installer(machine, args[0], args.slice(1));
  if (program === 'nvidia-smi') {
    if (linux.nvidiaLibs === null) return execvpMissing(program);
    const result = gpuBlocked(machine) ?? nvidiaSmi.run(args, context);
    return result.kind === 'ran' ? result : execvpMissing(program);
  }
  if (program === NVCC) {
    if (linux.cudaToolkit === null) return execvpMissing(program);
    const [major = '12', minor = '4'] = linux.cudaToolkit.split('.');
    return ran(0, ['nvcc: NVIDIA (R) Cuda compiler driver', 'Copyright (c) 2005-2024 NVIDIA Corporation', 'Built on Thu_Mar_28_02:18:24_PDT_2024', `Cuda compilation tools, release ${major}.${minor}, V${major}.${minor}.131`, `Build cuda_${major}.${minor}.r${major}.${minor}/compiler.34097967_0`]);
  }
  if (program === DEVICE_QUERY) return linux.cudaToolkit === null ? execvpMissing(program) : deviceQuery(machine);
  const ollama = ollamaProgram(context, program, args);
  if (ollama !== null) return ollama;
  const llama = llamaProgram(context, program, args, gpuBlocked(machine) !== null);
  if (llama !== null) return llama;
  return execvpMissing(program);
}

/** `jexec cuda PROGRAM ARGS…` as root, while the jail runs. */
export const jexec: Tool = {
  program: 'jexec',
  path: onFreeBSD('/usr/sbin/jexec'),
  run(args, context) {
    const [jail, program, ...rest] = args;
    if (jail === undefined || program === undefined) return usage('usage: jexec [-l] [-d working-directory] [-u username | -U username] jail [command ...]');
    if (!context.root) return notPermitted('jexec: jail_attach(1)');
    if (jail !== JAIL_NAME || !linuxOf(context.machine).running) return ran(1, [], [`jexec: jail "${jail}" not found`]);
    return inJail(context, program, rest);
  },
};

/**
 * libc6-shim's `nv-sglrun nvidia-smi`: the host's nvidia-smi with the driver's Linux libraries behind it,
 * which must be the same release as the driver.
 */
export const nvSglrun: Tool = {
  program: 'nv-sglrun',
  path: (m) => (hasProgram(m, 'nv-sglrun') ? '/usr/local/bin/nv-sglrun' : null),
  run(args, context) {
    if (args.join(' ') !== 'nvidia-smi') return usage('usage: nv-sglrun <program> [args ...]');
    const { machine } = context;
    const driver = driverPackage(machine);
    const libs = machine.packages.find((p) => /^linux-nvidia-libs/.test(p.name));
    if (driver === undefined || libs === undefined || driverVersion(libs.version) !== driverVersion(driver.version)) {
      return ran(1, [], ['nv-sglrun: the Linux NVIDIA libraries (linux-nvidia-libs) of the driver’s release are needed']);
    }
    const result = nvidiaSmi.run([], context);
    return result.kind === 'ran' ? result : ran(1);
  },
};
