import { z } from 'zod';
import { FIRST_MODEL, FIRST_MODEL_PATH, LLAMA_BENCH, LLAMA_CLI, LLAMA_DIR, MODELS_DIR, NVCC } from '../jail/layout';
import { parseLlamaLog } from '../bench/llama-log';
import { aptGet, aptProgress, wgetProgress } from './guest-commands';
import {
  cmakeProgress,
  LLAMA_BENCH_ARGS,
  LLAMA_BUILD_ARGS,
  LLAMA_CLONE_ARGS,
  LLAMA_CONFIGURE_ARGS,
  LLAMA_GENERATE_ARGS,
  parseBenchRun,
  parseFileSize,
  parseLlamaVersion,
  parsePresent,
} from './llama-commands';
import { NvidiaSmiQueryArgs, nvidiaSmiQueryArgv, parseNvidiaSmiCsv } from './parsers/nvidia-smi-csv';
import { doneOrFailed, joinStreams } from './output';
import type { CommandSpec } from './types';

/**
 * llama.cpp in the passthrough route's Ubuntu guest: the jail's catalogue entries (src/commands/llama-commands.ts)
 * with the same arguments, run by the runner over SSH in the guest instead of through jexec. The paths are
 * the jail's own, /opt/llama.cpp and /opt/models, now in the guest's file system; /opt is root's, so what
 * writes there runs with sudo, and what only reads runs as the guest's user.
 */

const NoArgs = z.object({}).strict();
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const entry = <A extends z.ZodType, R>(spec: CommandSpec<A, R>): CommandSpec<A, R> => spec;

/** What building llama.cpp needs that Ubuntu's cloud image lacks: git, cmake, the C/C++ toolchain; wget fetches the model. */
export const GUEST_BUILD_PACKAGES = ['git', 'cmake', 'build-essential', 'wget'] as const;
/** The model is downloaded beside its place and renamed once whole, so a cut download is never taken for the model. */
export const GUEST_MODEL_PART = `${FIRST_MODEL_PATH}.part`;

export const guestLlamaCommands = {
  guestAptInstallBuildTools: entry({
    id: 'guestAptInstallBuildTools',
    description: 'Install git, cmake and the compilers in the guest (apt-get install)',
    args: NoArgs,
    argv: () => aptGet('install', ...GUEST_BUILD_PACKAGES),
    privileged: true,
    timeoutMs: 30 * MINUTE,
    target: 'guest',
    parse: doneOrFailed,
    progress: aptProgress,
  }),
  guestLlamaSource: entry({
    id: 'guestLlamaSource',
    description: 'Whether llama.cpp’s source is already in the guest',
    args: NoArgs,
    argv: () => ['stat', '-c', '%s', `${LLAMA_DIR}/CMakeLists.txt`],
    privileged: false,
    timeoutMs: 30 * SECOND,
    target: 'guest',
    parse: parsePresent,
  }),
  guestLlamaFetchSource: entry({
    id: 'guestLlamaFetchSource',
    description: 'Fetch llama.cpp’s source into the guest (git clone, latest release state)',
    args: NoArgs,
    argv: () => ['git', ...LLAMA_CLONE_ARGS],
    privileged: true,
    timeoutMs: 15 * MINUTE,
    target: 'guest',
    parse: doneOrFailed,
  }),
  guestLlamaConfigure: entry({
    id: 'guestLlamaConfigure',
    description: 'Configure llama.cpp in the guest with CUDA for the P4 (compute capability 6.1)',
    args: NoArgs,
    // The runfile puts nvcc in /usr/local/cuda/bin, which an SSH session's PATH lacks: cmake is told where.
    argv: () => ['cmake', ...LLAMA_CONFIGURE_ARGS, `-DCMAKE_CUDA_COMPILER=${NVCC}`],
    privileged: true,
    timeoutMs: 10 * MINUTE,
    target: 'guest',
    parse: doneOrFailed,
  }),
  guestLlamaBuild: entry({
    id: 'guestLlamaBuild',
    description: 'Build llama-cli, llama-bench and llama-server in the guest (the CUDA kernels take a while)',
    args: NoArgs,
    argv: () => ['cmake', ...LLAMA_BUILD_ARGS],
    privileged: true,
    timeoutMs: 120 * MINUTE,
    target: 'guest',
    parse: doneOrFailed,
    progress: cmakeProgress,
  }),
  guestLlamaVersion: entry({
    id: 'guestLlamaVersion',
    description: 'llama.cpp in the guest: its build, and whether CUDA is built in and finds the GPU',
    args: NoArgs,
    argv: () => [LLAMA_CLI, '--version'],
    privileged: false,
    timeoutMs: 60 * SECOND,
    target: 'guest',
    parse: (out) => parseLlamaVersion(joinStreams(out)),
  }),
  guestModelSize: entry({
    id: 'guestModelSize',
    description: 'Whether the first model is in the guest, and its size',
    args: NoArgs,
    argv: () => ['stat', '-c', '%s', FIRST_MODEL_PATH],
    privileged: false,
    timeoutMs: 30 * SECOND,
    target: 'guest',
    parse: parseFileSize,
  }),
  guestModelsDir: entry({
    id: 'guestModelsDir',
    description: `Make the guest’s ${MODELS_DIR}`,
    args: NoArgs,
    argv: () => ['mkdir', '-p', MODELS_DIR],
    privileged: true,
    timeoutMs: 30 * SECOND,
    target: 'guest',
    parse: doneOrFailed,
  }),
  guestModelFetch: entry({
    id: 'guestModelFetch',
    description: `Download the first model (${FIRST_MODEL.file}) in the guest`,
    args: NoArgs,
    argv: () => ['wget', '--progress=dot:giga', '-O', GUEST_MODEL_PART, FIRST_MODEL.url],
    privileged: true,
    timeoutMs: 180 * MINUTE,
    target: 'guest',
    parse: doneOrFailed,
    progress: wgetProgress,
    progressOnStderr: true,
  }),
  guestModelPlace: entry({
    id: 'guestModelPlace',
    description: 'Put the downloaded model in its place in the guest',
    args: NoArgs,
    argv: () => ['mv', '-f', GUEST_MODEL_PART, FIRST_MODEL_PATH],
    privileged: true,
    timeoutMs: 30 * SECOND,
    target: 'guest',
    parse: doneOrFailed,
  }),
  guestLlamaGenerate: entry({
    id: 'guestLlamaGenerate',
    description: 'A short generation in the guest with every layer on the GPU (-ngl 99)',
    args: NoArgs,
    argv: () => [LLAMA_CLI, ...LLAMA_GENERATE_ARGS],
    privileged: false,
    timeoutMs: 10 * MINUTE,
    target: 'guest',
    parse: (out) => parseLlamaLog(joinStreams(out)),
  }),
  guestLlamaBench: entry({
    id: 'guestLlamaBench',
    description: 'llama-bench on the first model in the guest: prompt and generation speed with every layer on the GPU',
    args: NoArgs,
    argv: () => [LLAMA_BENCH, ...LLAMA_BENCH_ARGS],
    privileged: false,
    timeoutMs: 30 * MINUTE,
    target: 'guest',
    parse: (out) => parseBenchRun(out, undefined),
  }),
  guestNvidiaSmiQuery: entry({
    id: 'guestNvidiaSmiQuery',
    description: 'Selected values of the GPU in the guest as CSV (nvidia-smi)',
    args: NvidiaSmiQueryArgs,
    argv: nvidiaSmiQueryArgv,
    privileged: false,
    timeoutMs: 30 * SECOND,
    target: 'guest',
    parse: (out, a) => parseNvidiaSmiCsv(joinStreams(out), a.fields),
  }),
} as const;
