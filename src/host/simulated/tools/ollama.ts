import { JAIL_ROOT, jailPath } from '../../../jail/layout';
import { OLLAMA_ADDRESS, OLLAMA_BIN, OLLAMA_CUDA12_ENTRY, OLLAMA_EXTRACT_DIR, OLLAMA_GENERATE_URL, OLLAMA_LIB_DIR, OLLAMA_LOG, OLLAMA_MODEL, OLLAMA_MODELS, OLLAMA_RC_SCRIPT } from '../../../jail/ollama';
import { linuxIn, linuxOf } from '../linux';
import { nvidiaState } from '../machine';
import type { LinuxWorld, MachineView, Scenario } from '../scenario';
import { generationSpeed, loadBytesPerSecond } from './llama';
import { ran, systemPath, usage, type Ran, type Tool, type ToolContext } from './tool';

/**
 * ollama in the simulated jail: releases that do or do not ship lib/ollama/cuda_v12, the archive checked and
 * extracted by the host's bsdtar, the rc.d service whose starts are written to the serve log as real ollama
 * writes them (the card taken by CUDA, or skipped as a Pascal card by a release built only for newer ones),
 * `ollama list/pull/ps`, and /api/generate answered through curl with timings from the machine.
 */

type Ollama = NonNullable<LinuxWorld['ollama']>;

const CPU_LIBS = ['libggml-base.so', 'libggml-cpu-alderlake.so', 'libggml-cpu-haswell.so', 'libggml-cpu-sandybridge.so', 'libggml-cpu-skylakex.so', 'libggml-cpu-x64.so', 'llama-server'];
/** What each release's lib/ollama holds: 0.30.10 still ships cuda_v12 (with Pascal), 0.33.3 only cuda_v13. */
export const OLLAMA_RELEASES: Readonly<Record<string, readonly string[]>> = {
  '0.30.10': ['cuda_v12', 'cuda_v13', ...CPU_LIBS, 'vulkan'],
  '0.33.3': ['cuda_v13', ...CPU_LIBS, 'vulkan'],
};
const CUDA13_ARCHS = '[750 800 860 870 890 900 1000 1030 1100 1200 1210]';
const MODEL_ID = '46e0c10c039e';
const MODEL_LAYER = '667b0c1932bc';

const releaseOf = (archive: string): string | null => /ollama-linux-amd64-v(\d+\.\d+\.\d+)\.tar\.zst$/.exec(archive)?.[1] ?? null;
const ollamaOf = (m: MachineView): Ollama | null => linuxOf(m).ollama ?? null;
const onFreeBSD = (path: string) => (m: MachineView) => systemPath(m, { FreeBSD: path });

/** The archive's entries, in the order the release packs them. */
function archiveEntries(release: string): string[] {
  const libs = OLLAMA_RELEASES[release] ?? [];
  return ['bin/ollama', ...libs.filter((l) => l.startsWith('lib')).map((l) => `lib/ollama/${l}`), 'lib/ollama/llama-server', ...libs.filter((l) => /^(cuda_v\d+|vulkan)$/.test(l)).flatMap((dir) => [`lib/ollama/${dir}/`, `lib/ollama/${dir}/libggml-${dir.startsWith('cuda') ? 'cuda' : 'vulkan'}.so`])];
}

/** `tar -t -f ARCHIVE lib/ollama/cuda_v12` and `tar -x -v -f ARCHIVE -C DIR`, for the archives the wizard fetched. */
export const tar: Tool = {
  program: 'tar',
  path: onFreeBSD('/usr/bin/tar'),
  run(args, { machine, root }) {
    const archive = args[args.indexOf('-f') + 1] ?? '';
    const release = releaseOf(archive);
    if (!linuxOf(machine).downloads.includes(archive) || release === null || OLLAMA_RELEASES[release] === undefined) {
      return ran(1, [], [`tar: Error opening archive: Failed to open '${archive}'`]);
    }
    const entries = archiveEntries(release);
    if (args.length === 4 && args[0] === '-t' && args[1] === '-f' && args[3] === OLLAMA_CUDA12_ENTRY) {
      const found = entries.filter((e) => e.startsWith(`${OLLAMA_CUDA12_ENTRY}/`));
      return found.length > 0 ? ran(0, found) : ran(1, [], [`tar: ${OLLAMA_CUDA12_ENTRY}: Not found in archive`, 'tar: Error exit delayed from previous errors.']);
    }
    if (args.join(' ') === `-x -v -f ${archive} -C ${OLLAMA_EXTRACT_DIR}`) {
      if (!root) return ran(1, [], [`tar: ${OLLAMA_EXTRACT_DIR}/bin/ollama: Can't create 'bin/ollama'`, 'tar: Error exit delayed from previous errors.']);
      return ran(0, [], entries.map((e) => `x ${e}`), {
        durationMs: 4000,
        commit: (state) => {
          const linux = linuxIn(state);
          const before = linux.ollama ?? null;
          const libs = [...new Set([...(before?.libs ?? []), ...(OLLAMA_RELEASES[release] ?? [])])].sort();
          linux.ollama = { release, libs, server: before?.server ?? null, models: before?.models ?? {}, loaded: before?.loaded ?? null, starts: before?.starts ?? 0 };
        },
      });
    }
    return usage('usage: tar {-x|-t} [options] [-f archive] [patterns]');
  },
};

/** `rm -r -f -x <jail>/usr/local/lib/ollama`: the runners go, the binary stays. */
export function removeOllamaLibs(machine: MachineView, root: boolean): Ran {
  if (!root) return ran(1, [], [`rm: ${jailPath(OLLAMA_LIB_DIR)}: Permission denied`]);
  return ran(0, [], [], {
    durationMs: 300,
    commit: (state) => {
      const ollama = linuxIn(state).ollama;
      if (ollama) ollama.libs = [];
    },
  });
}
export const isOllamaLibs = (path: string): boolean => path === jailPath(OLLAMA_LIB_DIR);

const stamp = (n: number, second: number): string => `time=2026-12-03T08:${String(10 + (n % 50)).padStart(2, '0')}:${String(second).padStart(2, '0')}.118Z`;

/** What `ollama serve` logs when it starts: the server config, its version, and the GPUs it took or skipped. */
function startLines(m: MachineView, ollama: Ollama, gpuReady: boolean): { lines: string[]; cuda: boolean } {
  const n = ollama.starts + 1;
  const t = (s: number) => stamp(n, s);
  const state = nvidiaState(m);
  const name = m.nvidia?.name ?? 'Tesla P4';
  const [, bus = 5, slot = 0] = state.status === 'attached' ? state.device.selector.replace(/^pci/, '').split(':').map(Number) : [0, 5, 0];
  const pci = `0000:${bus.toString(16).padStart(2, '0')}:${slot.toString(16).padStart(2, '0')}.0`;
  const cpu = `${t(4)} level=INFO source=types.go:60 msg="inference compute" id=cpu library=cpu compute="" name=cpu description=cpu libdirs=ollama driver="" pci_id="" type="" total="15.5 GiB" available="13.9 GiB"`;
  const head = [
    `${t(2)} level=INFO source=routes.go:1933 msg="server config" env="map[CUDA_VISIBLE_DEVICES: GPU_DEVICE_ORDINAL: HIP_VISIBLE_DEVICES: HTTPS_PROXY: HTTP_PROXY: NO_PROXY: OLLAMA_CONTEXT_LENGTH:4096 OLLAMA_DEBUG:INFO OLLAMA_FLASH_ATTENTION:false OLLAMA_HOST:http://${OLLAMA_ADDRESS} OLLAMA_KEEP_ALIVE:5m0s OLLAMA_LLM_LIBRARY: OLLAMA_MODELS:${OLLAMA_MODELS} OLLAMA_VULKAN:false]"`,
    `${t(2)} level=INFO source=images.go:518 msg="total blobs: ${Object.keys(ollama.models).length * 5}"`,
    `${t(2)} level=INFO source=images.go:525 msg="total unused blobs removed: 0"`,
    `${t(2)} level=INFO source=routes.go:1986 msg="Listening on ${OLLAMA_ADDRESS} (version ${ollama.release})"`,
    `${t(2)} level=INFO source=runner.go:67 msg="discovering available GPUs..."`,
  ];
  const tail = (vram: string) => `${t(4)} level=INFO source=routes.go:2040 msg="vram-based default context" total_vram="${vram}" default_num_ctx=4096`;
  if (!gpuReady) return { lines: [...head, `${t(4)} level=INFO source=runner.go:106 msg="no compatible GPUs were discovered"`, cpu, tail('0 B')], cuda: false };
  if (ollama.libs.includes('cuda_v12')) {
    const gpu = `${t(4)} level=INFO source=types.go:42 msg="inference compute" id=GPU-3f5b2a1e-9c47-d81e-6a02-5b7e4c19d0aa filter_id=0 library=CUDA compute=6.1 name=CUDA0 description="${name}" libdirs=ollama,cuda_v12 driver=13.0 pci_id=${pci} type=discrete total="7.4 GiB" available="7.3 GiB"`;
    return { lines: [...head, gpu, tail('7.4 GiB')], cuda: true };
  }
  const libDirs = ollama.libs.includes('cuda_v13') ? `[${OLLAMA_LIB_DIR} ${OLLAMA_LIB_DIR}/cuda_v13]` : `[${OLLAMA_LIB_DIR}]`;
  const skip = `${t(3)} level=INFO source=llama_server.go:299 msg="skipping CUDA device — compute capability not in compiled architectures" device="${name}" cc=610 archs="${CUDA13_ARCHS}" libDirs="${libDirs}"`;
  return { lines: [...head, skip, cpu, tail('0 B')], cuda: false };
}

const appendLog = (state: Scenario, lines: readonly string[]): void => {
  state.files[OLLAMA_LOG] = `${state.files[OLLAMA_LOG] ?? ''}${lines.join('\n')}\n`;
};

/** Starts the server in a state (at boot, or by the service); returns false when it cannot. */
function startServer(state: Scenario, gpuReady: boolean): boolean {
  const ollama = linuxIn(state).ollama;
  if (!ollama || !linuxIn(state).running) return false;
  const { lines, cuda } = startLines(state, ollama, gpuReady);
  appendLog(state, lines);
  ollama.server = { release: ollama.release, cuda };
  ollama.loaded = null;
  ollama.starts += 1;
  return true;
}

const serviceEnabled = (m: MachineView): boolean => /^\s*ollama_cuda_enable\s*=\s*"?YES"?/im.test(m.files['/etc/rc.conf'] ?? '');

/** At boot: rc starts ollama_cuda after the jail when it is enabled. */
export function bootOllama(state: Scenario, gpuReady: boolean): void {
  const ollama = state.linux?.ollama;
  if (!ollama) return;
  ollama.server = null;
  ollama.loaded = null;
  if (serviceEnabled(state) && Object.hasOwn(state.files, OLLAMA_RC_SCRIPT)) startServer(state, gpuReady);
}

/** `service ollama_cuda start|restart|stop`, as rc.subr answers. */
export function ollamaService(machine: MachineView, verb: string, gpuReady: boolean): Ran {
  if (!Object.hasOwn(machine.files, OLLAMA_RC_SCRIPT)) return ran(1, [], ['ollama_cuda does not exist in /etc/rc.d or the local startup', 'directories (/usr/local/etc/rc.d), or is not executable']);
  if (!serviceEnabled(machine)) return ran(1, [], [`Cannot '${verb}' ollama_cuda. Set ollama_cuda_enable to YES in /etc/rc.conf or use 'one${verb}' instead of '${verb}'.`]);
  const ollama = ollamaOf(machine);
  const running = ollama?.server != null;
  if (verb === 'stop') {
    return running ? ran(0, ['Stopping ollama_cuda.'], [], { commit: (state) => void (linuxIn(state).ollama!.server = null) }) : ran(1, [], ['ollama_cuda not running? (check /var/run/ollama_cuda.pid).']);
  }
  if (verb === 'start' && running) return ran(1, [], ['ollama_cuda already running?   (pid=2817).']);
  if (ollama === null || !linuxOf(machine).running) return ran(1, ['Starting ollama_cuda.'], ['daemon: jexec: jail "cuda" not found or /usr/local/bin/ollama missing']);
  return ran(0, [...(running ? ['Stopping ollama_cuda.', 'Waiting for PIDS: 2817.'] : []), 'Starting ollama_cuda.'], [], { durationMs: 1200, commit: (state) => void startServer(state, gpuReady) });
}

const notServing = (): Ran => ran(1, [], ["Error: ollama server not responding - could not connect to ollama server, run 'ollama serve' to start it"]);

function ollamaCli(m: MachineView, ollama: Ollama, args: readonly string[]): Ran {
  const server = ollama.server;
  const command = args.join(' ');
  if (command === '--version') {
    if (server === null) return ran(0, ['Warning: could not connect to a running Ollama instance', `Warning: client version is ${ollama.release}`]);
    return ran(0, [`ollama version is ${server.release}`, ...(server.release !== ollama.release ? [`Warning: client version is ${ollama.release}`] : [])]);
  }
  if (server === null) return notServing();
  if (command === 'list') {
    const rows = Object.entries(ollama.models).map(([tag, bytes]) => `${tag.padEnd(15)}${MODEL_ID}    ${(bytes / 1e9).toFixed(1)} GB    2 minutes ago    `);
    return ran(0, ['NAME           ID              SIZE      MODIFIED       ', ...rows]);
  }
  if (command === `pull ${OLLAMA_MODEL.tag}`) {
    const total = (OLLAMA_MODEL.bytes / 1e9).toFixed(1);
    const bar = (p: number) => `pulling ${MODEL_LAYER}: ${String(p).padStart(3)}% ▕${'█'.repeat(Math.round(p / 6.25)).padEnd(16)}▏ ${((OLLAMA_MODEL.bytes * p) / 100 / 1e9).toFixed(1)} GB/${total} GB   34 MB/s`;
    return ran(0, ['success'], ['pulling manifest', ...[8, 31, 57, 82, 100].map(bar), 'pulling 948af2743fc7: 100% ▕████████████████▏ 1.5 KB', 'pulling 0ba8f0e314b4: 100% ▕████████████████▏  12 KB', 'verifying sha256 digest', 'writing manifest'], {
      durationMs: 3000,
      commit: (state) => void (linuxIn(state).ollama!.models[OLLAMA_MODEL.tag] = OLLAMA_MODEL.bytes),
    });
  }
  if (command === 'ps') {
    const header = 'NAME           ID              SIZE      PROCESSOR    CONTEXT    UNTIL              ';
    if (ollama.loaded === null) return ran(0, [header]);
    return ran(0, [header, `${ollama.loaded.padEnd(15)}${MODEL_ID}    5.5 GB    ${server.cuda ? '100% GPU' : '100% CPU'}     4096       4 minutes from now    `]);
  }
  return usage('Usage:\n  ollama [flags]\n  ollama [command]');
}

/** curl inside the jail: `--version`, and the benchmark's POST to /api/generate. */
function curl(m: MachineView, args: readonly string[]): Ran {
  if (args.join(' ') === '--version') return ran(0, ['curl 7.81.0 (x86_64-pc-linux-gnu) libcurl/7.81.0 OpenSSL/3.0.2 zlib/1.2.11', 'Release-Date: 2022-01-05']);
  const body = args[args.indexOf('-d') + 1];
  if (!args.includes(OLLAMA_GENERATE_URL) || body === undefined) return ran(2, [], ['curl: try \'curl --help\' or \'curl --manual\' for more information']);
  const ollama = ollamaOf(m);
  if (!ollama?.server) return ran(7, [], [`curl: (7) Failed to connect to 127.0.0.1 port 11434 after 0 ms: Connection refused`]);
  let model = '';
  try {
    const parsed: unknown = JSON.parse(body);
    model = typeof parsed === 'object' && parsed !== null && 'model' in parsed && typeof parsed.model === 'string' ? parsed.model : '';
  } catch {
    return ran(0, ['{"error":"invalid character in request body"}']);
  }
  if (ollama.models[model] === undefined) return ran(0, [`{"error":"model '${model}' not found"}`]);
  const onGpu = ollama.server.cuda;
  const cold = ollama.loaded !== model;
  const bytes = ollama.models[model] ?? OLLAMA_MODEL.bytes;
  const loadNs = cold ? Math.round((onGpu ? bytes / loadBytesPerSecond(m) + 0.9 : 3.1) * 1e9) : 18_412_307;
  const tps = generationSpeed(m, onGpu) - (onGpu ? 0.6 : 0);
  const evalNs = Math.round((128 / tps) * 1e9);
  const promptNs = onGpu ? 61_012_000 : 2_810_000_000;
  const answer = {
    model,
    created_at: '2026-12-03T08:21:44.512Z',
    response: 'A graphics card takes the work of drawing images off the processor and, with thousands of small cores working at once, also speeds up any task made of many similar calculations.',
    done: true,
    done_reason: 'length',
    total_duration: loadNs + promptNs + evalNs + 9_000_000,
    load_duration: loadNs,
    prompt_eval_count: 18,
    prompt_eval_duration: promptNs,
    eval_count: 128,
    eval_duration: evalNs,
  };
  const stamp = '2026/12/03 - 08:21:44';
  const runnerLines = cold
    ? [
        ...(onGpu ? ['load_tensors: offloading 32 repeating layers to GPU', 'load_tensors: offloading output layer to GPU', 'load_tensors: offloaded 33/33 layers to GPU'] : []),
        `time=2026-12-03T08:21:44.118Z level=INFO source=server.go:1310 msg="llama runner started in ${(loadNs / 1e9).toFixed(2)} seconds"`,
      ]
    : [];
  return ran(0, [JSON.stringify(answer)], [], {
    durationMs: 2000,
    commit: (state) => {
      const world = linuxIn(state);
      world.ollama!.loaded = model;
      if (onGpu) world.loadRan = true;
      appendLog(state, [...runnerLines, `[GIN] ${stamp} | 200 | ${((loadNs + evalNs) / 1e9).toFixed(6)}s |       127.0.0.1 | POST     "/api/generate"`]);
    },
  });
}

/** apt-get inside the jail: `update`, then `install -y curl`. */
function aptGet(m: MachineView, args: readonly string[]): Ran {
  const linux = linuxOf(m);
  if (args.join(' ') === 'update') {
    return ran(0, ['Get:1 http://archive.ubuntu.com/ubuntu jammy InRelease [270 kB]', 'Get:2 http://archive.ubuntu.com/ubuntu jammy/main amd64 Packages [1395 kB]', 'Fetched 1665 kB in 2s (832 kB/s)', 'Reading package lists...'], [], {
      durationMs: 1500,
      commit: (state) => void (linuxIn(state).aptUpdated = true),
    });
  }
  if (args.join(' ') === 'install -y curl') {
    if (linux.aptUpdated !== true) return ran(100, ['Reading package lists...', 'Building dependency tree...'], ['E: Unable to locate package curl']);
    return ran(0, ['Reading package lists...', 'The following NEW packages will be installed:', '  ca-certificates curl libcurl4 libssl3', 'Setting up curl (7.81.0-1ubuntu1.20) ...'], [], {
      durationMs: 1500,
      commit: (state) => void (linuxIn(state).curl = true),
    });
  }
  return ran(100, [], ['E: Invalid operation']);
}

/** The ollama side of `jexec cuda …`; null for programs it does not play. */
export function ollamaProgram(context: ToolContext, program: string, args: readonly string[]): Ran | null {
  const { machine } = context;
  const linux = linuxOf(machine);
  if (program === 'apt-get') return aptGet(machine, args);
  if (program === 'curl') return linux.curl === true ? curl(machine, args) : null;
  const ollama = ollamaOf(machine);
  if (program === OLLAMA_BIN && ollama !== null) return ollamaCli(machine, ollama, args);
  return null;
}

/** The jail root must exist for anything of ollama's; used by fetch to size the archive. */
export const OLLAMA_ARCHIVE_BYTES = 1_612_000_000;
export const isOllamaArchive = (path: string): boolean => path.startsWith(`${JAIL_ROOT}/root/`) && releaseOf(path) !== null;

/** `vulkaninfo --summary` (vulkan-tools): the NVIDIA driver's Vulkan device once the driver is attached. */
export const vulkaninfo: Tool = {
  program: 'vulkaninfo',
  path: (m) => (m.packages.some((p) => p.programs.includes('vulkaninfo')) ? '/usr/local/bin/vulkaninfo' : null),
  run(args, { machine }) {
    if (args.join(' ') !== '--summary') return usage('vulkaninfo - Summarize Vulkan information in relation to the current environment.');
    const head = ['==========', 'VULKANINFO', '==========', '', 'Vulkan Instance Version: 1.4.309', '', '', 'Devices:', '========'];
    const state = nvidiaState(machine);
    if (state.status !== 'attached' || machine.nvidia === null) {
      return ran(0, [...head, 'GPU0:', '\tapiVersion         = 1.4.305', '\tdeviceType         = PHYSICAL_DEVICE_TYPE_CPU', '\tdeviceName         = llvmpipe (LLVM 19.1.7, 256 bits)', '\tdriverID           = DRIVER_ID_MESA_LLVMPIPE', '\tdriverName         = llvmpipe']);
    }
    return ran(0, [...head, 'GPU0:', '\tapiVersion         = 1.4.312', '\tdriverVersion      = 580.105.8.0', '\tvendorID           = 0x10de', '\tdeviceID           = 0x1bb3', '\tdeviceType         = PHYSICAL_DEVICE_TYPE_DISCRETE_GPU', `\tdeviceName         = ${machine.nvidia.name}`, '\tdriverID           = DRIVER_ID_NVIDIA_PROPRIETARY', '\tdriverName         = NVIDIA', '\tdriverInfo         = 580.105.08']);
  },
};
