import { FIRST_MODEL, LLAMA_BENCH, LLAMA_BUILD, LLAMA_CLI, LLAMA_DIR, LLAMA_REPO, MODELS_DIR } from '../../../jail/layout';
import { linuxIn, linuxOf } from '../linux';
import { capsOf, nvidiaState, visibleDevices } from '../machine';
import type { LlamaBuild, MachineView, Scenario } from '../scenario';
import { ran, type Ran, type ToolContext } from './tool';

/**
 * llama.cpp in the simulated jail: git and cmake build it (with CUDA only when the toolkit is there and asked
 * for), llama-cli and llama-bench print what the real ones print, with speeds from the machine: the model
 * crosses the link at its trained speed, generation runs at the P4's pace (slower when it is hot) or, in a
 * CPU build, at the X220's.
 */

const BUILD = { number: 6123, commit: 'b3a8f1c2' } as const;
const LAYERS = 33;

/**
 * Where llama.cpp is played: the jail (Ubuntu 22.04 userland on the host's driver) or the passthrough
 * route's Ubuntu 24.04 guest (its own driver). Each keeps its checkout, models and toolkit in its own state.
 */
export interface LlamaPlace {
  readonly of: (m: MachineView) => { readonly llama: LlamaBuild | null; readonly models: Readonly<Record<string, number>>; readonly cudaToolkit: string | null };
  readonly in: (state: Scenario) => { llama?: LlamaBuild | null; loadRan?: boolean };
  /** The driver there has the card, so CUDA finds it. */
  readonly gpuUsable: (m: MachineView) => boolean;
  /** gcc's version, as cmake identifies it. */
  readonly gcc: string;
  /** The compiler line of `llama-cli --version`. */
  readonly compiler: string;
}

const inJail: LlamaPlace = {
  of: (m) => linuxOf(m),
  in: linuxIn,
  gpuUsable: (m) => nvidiaState(m).status === 'attached',
  gcc: '11.4.0',
  compiler: 'cc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0 for x86_64-linux-gnu',
};

/** What reaches the card per second while a model loads, at the speed the link trained at (about 86 % of the line rate). */
export function loadBytesPerSecond(m: MachineView): number {
  const gpu = visibleDevices(m).find((d) => d.vendorId === '0x10de' && d.class.startsWith('0x03'));
  const caps = gpu ? capsOf(m, gpu).join(' ') : '';
  const gts = Number(/link x\d+\(x\d+\) speed ([\d.]+)\(/.exec(caps)?.[1] ?? '5.0');
  return gts * 1e9 * 0.8 / 8 * 0.86;
}

/** The GPU as it runs under llama.cpp: hot cards slow themselves down. */
export const throttled = (m: MachineView): boolean => m.underLoad?.hwThermalSlowdown === true || m.nvidia?.hwThermalSlowdown === true;

function cudaInit(m: MachineView, blocked: boolean): string[] {
  if (blocked || m.nvidia === null) return ['ggml_cuda_init: failed to initialize CUDA: no CUDA-capable device is detected'];
  return ['ggml_cuda_init: GGML_CUDA_FORCE_MMQ:    no', 'ggml_cuda_init: GGML_CUDA_FORCE_CUBLAS: no', 'ggml_cuda_init: found 1 CUDA devices:', `  Device 0: ${m.nvidia.name}, compute capability 6.1, VMM: yes`];
}

function git(place: LlamaPlace, m: MachineView, args: readonly string[]): Ran {
  if (args.join(' ') !== `clone --depth 1 ${LLAMA_REPO} ${LLAMA_DIR}`) return ran(129, [], ['usage: git clone [<options>] [--] <repo> [<dir>]']);
  if (place.of(m).llama !== null) return ran(128, [], [`fatal: destination path '${LLAMA_DIR}' already exists and is not an empty directory.`]);
  return ran(0, [], [`Cloning into '${LLAMA_DIR}'...`], { durationMs: 2500, commit: (state) => void (place.in(state).llama = { cuda: false, stage: 'source' }) });
}

const CPU_SOURCES = ['ggml/src/ggml.c', 'ggml/src/ggml-alloc.c', 'ggml/src/ggml-backend.cpp', 'ggml/src/ggml-quants.c', 'ggml/src/ggml-cpu/ggml-cpu.c', 'src/llama.cpp', 'src/llama-model.cpp', 'common/common.cpp'];
const CUDA_SOURCES = ['ggml-cuda.cu', 'mmq.cu', 'mmvq.cu', 'fattn.cu', 'quantize.cu', 'rope.cu', 'softmax.cu', 'getrows.cu'];

function cmake(place: LlamaPlace, m: MachineView, args: readonly string[]): Ran {
  const { llama, cudaToolkit } = place.of(m);
  const cc = `-- The C compiler identification is GNU ${place.gcc}`;
  if (args[0] === '-S') {
    if (llama === null) return ran(1, [], [`CMake Error: The source directory "${LLAMA_DIR}" does not exist.`]);
    const wantsCuda = args.includes('-DGGML_CUDA=ON');
    if (wantsCuda && cudaToolkit === null) {
      return ran(1, [cc], ['CMake Error at ggml/src/ggml-cuda/CMakeLists.txt:3 (find_package):', '  Could not find CUDAToolkit (missing: CUDAToolkit_INCLUDE_DIR)']);
    }
    const cuda = wantsCuda ? ['-- Found CUDAToolkit: /usr/local/cuda/include (found version "12.4.131")', '-- CUDA Toolkit found', '-- Using CUDA architectures: 61'] : [];
    return ran(0, [cc, `-- The CXX compiler identification is GNU ${place.gcc}`, ...cuda, '-- Configuring done (4.2s)', '-- Generating done (0.1s)', `-- Build files have been written to: ${LLAMA_BUILD}`], [], {
      durationMs: 1500,
      commit: (state) => void (place.in(state).llama = { cuda: wantsCuda, stage: 'configured' }),
    });
  }
  if (args[0] === '--build') {
    if (llama === null || llama.stage === 'source') return ran(1, [], [`Error: ${LLAMA_BUILD} is not a directory`]);
    const sources = [...CPU_SOURCES, ...(llama.cuda ? CUDA_SOURCES.map((f) => `ggml/src/ggml-cuda/${f}`) : [])];
    const lines = sources.map((file, i) => {
      const percent = Math.round(((i + 1) / (sources.length + 2)) * 100);
      const kind = file.endsWith('.cu') ? 'CUDA' : file.endsWith('.c') ? 'C' : 'CXX';
      return `[${String(percent).padStart(3)}%] Building ${kind} object ${file}.o`;
    });
    // cmake names each target it was asked for once it is linked, the last at 100 %.
    const from = args.indexOf('--target');
    const targets = from < 0 ? ['llama-cli'] : args.slice(from + 1).filter((_, i, rest) => !rest.slice(0, i + 1).some((a) => a.startsWith('-')));
    targets.forEach((target, i) => {
      const percent = i === targets.length - 1 ? 100 : Math.round(((sources.length + 1) / (sources.length + 2)) * 100);
      lines.push(`[${String(percent).padStart(3)}%] Built target ${target}`);
    });
    return ran(0, lines, [], { durationMs: 4000, commit: (state) => void (place.in(state).llama = { cuda: llama.cuda, stage: 'built' }) });
  }
  return ran(1, [], ['Usage: cmake [options] <path-to-source>']);
}

const modelOf = (place: LlamaPlace, m: MachineView, args: readonly string[]): string | null => {
  const path = args[args.indexOf('-m') + 1] ?? '';
  const file = path.startsWith(`${MODELS_DIR}/`) ? path.slice(MODELS_DIR.length + 1) : '';
  return place.of(m).models[file] === undefined ? null : path;
};

const noModel = (args: readonly string[]): Ran =>
  ran(1, [], [`gguf_init_from_file: failed to open GGUF file '${args[args.indexOf('-m') + 1] ?? ''}'`, 'llama_model_load: error loading model: llama_model_loader: failed to load model', 'main: error: unable to load model']);

/** Generation speed in tokens/s: the P4 reads the whole model per token; a CPU build is memory- and core-bound. */
export const generationSpeed = (m: MachineView, onGpu: boolean): number => (onGpu ? (throttled(m) ? 14.2 : 27.33) : 2.1);

function llamaCli(place: LlamaPlace, m: MachineView, args: readonly string[], blocked: boolean): Ran {
  const { cuda } = place.of(m).llama ?? { cuda: false };
  const onGpu = cuda && !blocked && place.gpuUsable(m);
  const init = cuda ? cudaInit(m, blocked) : [];
  if (args.length === 1 && args[0] === '--version') return ran(0, [], [...init, `version: ${BUILD.number} (${BUILD.commit})`, `built with ${place.compiler}`]);
  if (modelOf(place, m, args) === null) return noModel(args);
  const bytes = FIRST_MODEL.bytes;
  const loadMs = onGpu ? (bytes / loadBytesPerSecond(m)) * 1000 + 900 : 3100;
  const tps = generationSpeed(m, onGpu);
  const log = [
    `build: ${BUILD.number} (${BUILD.commit}) with ${place.compiler}`,
    ...init,
    `llama_model_loader: loaded meta data with 29 key-value pairs and 292 tensors from ${args[args.indexOf('-m') + 1] ?? ''} (version GGUF V3 (latest))`,
    'print_info: file type   = Q4_K - Medium',
    'print_info: file size   = 4.58 GiB (4.89 BPW)',
    ...(onGpu
      ? ['load_tensors: offloading 32 repeating layers to GPU', 'load_tensors: offloading output layer to GPU', `load_tensors: offloaded ${LAYERS}/${LAYERS} layers to GPU`, 'load_tensors:        CUDA0 model buffer size =  4403.49 MiB']
      : ['warning: no usable GPU found, --gpu-layers option will be ignored', 'load_tensors:   CPU_Mapped model buffer size =  4685.30 MiB']),
    '',
    `system_info: n_threads = 2 (n_threads_batch = 2) / 4 | ${cuda ? 'CUDA : ARCHS = 610 | USE_GRAPHS = 1 | PEER_MAX_BATCH_SIZE = 128 | ' : ''}CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 |`,
    '',
    'generate: n_ctx = 4096, n_batch = 2048, n_predict = 32, n_keep = 1',
    '',
    `llama_perf_context_print:        load time = ${loadMs.toFixed(2).padStart(10)} ms`,
    `llama_perf_context_print: prompt eval time =      41.12 ms /    14 tokens (    2.94 ms per token,   ${onGpu ? '340.47' : '  6.41'} tokens per second)`,
    `llama_perf_context_print:        eval time = ${((31 * 1000) / tps).toFixed(2).padStart(10)} ms /    31 runs   (${(1000 / tps).toFixed(2).padStart(8)} ms per token, ${tps.toFixed(2).padStart(8)} tokens per second)`,
  ];
  const text = ['A graphics card draws images and does many small calculations at the same time.'];
  return ran(0, text, log, { durationMs: 1500, commit: (state) => void (onGpu ? (place.in(state).loadRan = true) : undefined) });
}

function llamaBench(place: LlamaPlace, m: MachineView, args: readonly string[], blocked: boolean): Ran {
  const { cuda } = place.of(m).llama ?? { cuda: false };
  const onGpu = cuda && !blocked && place.gpuUsable(m);
  if (modelOf(place, m, args) === null) return noModel(args);
  const tg = generationSpeed(m, onGpu) + (onGpu ? 0.32 : 0);
  const row = (test: string, tps: string) =>
    `| llama 8B Q4_K - Medium         |   4.58 GiB |     8.03 B | ${onGpu ? 'CUDA      ' : 'CPU       '} | ${onGpu ? ' 99' : '      2'} | ${test.padStart(15)} | ${tps.padStart(20)} |`;
  const header = onGpu
    ? ['| model                          |       size |     params | backend    | ngl |            test |                  t/s |', '| ------------------------------ | ---------: | ---------: | ---------- | --: | --------------: | -------------------: |']
    : ['| model                          |       size |     params | backend    | threads |            test |                  t/s |', '| ------------------------------ | ---------: | ---------: | ---------- | ------: | --------------: | -------------------: |'];
  const stdout = [...header, row('pp512', onGpu ? '521.37 ± 2.81' : '6.41 ± 0.03'), row('tg128', `${tg.toFixed(2)} ± 0.08`), '', `build: ${BUILD.commit} (${BUILD.number})`];
  return ran(0, stdout, cuda ? cudaInit(m, blocked) : [], { durationMs: 2500, commit: (state) => void (onGpu ? (place.in(state).loadRan = true) : undefined) });
}

/** The llama.cpp side of a command line in `place`; null for programs it does not play. */
export function llamaIn(place: LlamaPlace, machine: MachineView, program: string, args: readonly string[], blocked: boolean): Ran | null {
  if (program === 'git') return git(place, machine, args);
  if (program === 'cmake') return cmake(place, machine, args);
  const llama = place.of(machine).llama;
  const built = llama !== null && (llama.stage === undefined || llama.stage === 'built');
  if (!built) return null;
  if (program === LLAMA_CLI) return llamaCli(place, machine, args, blocked);
  if (program === LLAMA_BENCH) return llamaBench(place, machine, args, blocked);
  return null;
}

/** The llama.cpp side of `jexec cuda …`; null for programs it does not play. */
export const llamaProgram = (context: ToolContext, program: string, args: readonly string[], blocked: boolean): Ran | null => llamaIn(inJail, context.machine, program, args, blocked);
