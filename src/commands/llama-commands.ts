import { z } from 'zod';
import { FIRST_MODEL, FIRST_MODEL_PATH, JAIL_NAME, LLAMA_BENCH, LLAMA_BUILD, LLAMA_CLI, LLAMA_DIR, LLAMA_REPO, MODELS_DIR, jailPath } from '../jail/layout';
import { parseLlamaBench, type LlamaBenchOutput } from '../bench/llama-bench';
import { parseLlamaLog } from '../bench/llama-log';
import { parseFailure, type ParseResult } from './parse-result';
import { insideJail, jexecFailure } from './jail-commands';
import { doneOrFailed } from './output';
import type { CommandOutput, CommandProgress, CommandSpec } from './types';

/**
 * Catalogue entries for llama.cpp in the jail: fixed paths, a fixed repository, a fixed first model and a
 * fixed prompt. Nothing here takes text from the user.
 */

const NoArgs = z.object({}).strict();
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const entry = <A extends z.ZodType, R>(spec: CommandSpec<A, R>): CommandSpec<A, R> => spec;

/** What the short generation asks for: a few words, greedily, so every run prints the same. */
export const FIRST_PROMPT = 'In one sentence, what does a graphics card do?';

export const LlamaVersion = z
  .object({
    version: z.string(),
    /** A CUDA build initialises CUDA even to print its version; a CPU build does not mention it. */
    cudaBuilt: z.boolean(),
    /** What CUDA found: "Tesla P4, compute capability 6.1"; empty when it found nothing or is not built in. */
    devices: z.array(z.object({ name: z.string(), computeCapability: z.string() }).strict()),
    cudaError: z.string().nullable(),
  })
  .strict();
export type LlamaVersion = z.infer<typeof LlamaVersion>;

/** `llama-cli --version`: `version: 6123 (b3a8f1c2)`, `built with …`, after the CUDA initialisation lines of a CUDA build. */
export function parseLlamaVersion(text: string): ParseResult<LlamaVersion> {
  const version = /^version: (\d+ \([0-9a-f]+\))/m.exec(text)?.[1];
  if (version === undefined) return parseFailure('unexpected-output', 'llama-cli --version printed no "version: N (commit)" line');
  const devices = [...text.matchAll(/^\s+Device \d+: (.+?), compute capability (\d+\.\d+)/gm)].map((m) => ({ name: m[1] ?? '', computeCapability: m[2] ?? '' }));
  const cudaError = /^ggml_cuda_init: failed to initialize CUDA: (.*)$/m.exec(text)?.[1] ?? null;
  return { ok: true, value: { version, cudaBuilt: /^ggml_cuda_init:/m.test(text), devices, cudaError } };
}

/** cmake's build lines start with the share done: `[ 42%] Building CUDA object ggml/src/…`. */
export function cmakeProgress(line: string): CommandProgress | null {
  const match = /^\[\s*(\d{1,3})%\]\s+(.*)$/.exec(line.trim());
  if (!match) return null;
  const percent = Number(match[1]);
  if (percent > 100) return null;
  const what = (match[2] ?? '').replace(/^(Building \S+ object|Linking \S+ executable|Built target) /, '');
  return { done: percent, total: 100, label: what.slice(0, 120) };
}

/*
 * The arguments the jail and the passthrough guest share (src/commands/guest-llama-commands.ts): the same
 * source, the same build for compute capability 6.1, the same model and prompt, so both routes' figures mean
 * the same thing.
 */
export const LLAMA_CLONE_ARGS = ['clone', '--depth', '1', LLAMA_REPO, LLAMA_DIR] as const;
export const LLAMA_CONFIGURE_ARGS = ['-S', LLAMA_DIR, '-B', LLAMA_BUILD, '-DGGML_CUDA=ON', '-DCMAKE_CUDA_ARCHITECTURES=61', '-DCMAKE_BUILD_TYPE=Release'] as const;
export const LLAMA_BUILD_ARGS = ['--build', LLAMA_BUILD, '--config', 'Release', '--target', 'llama-cli', 'llama-bench', 'llama-server', '-j', '4'] as const;
export const LLAMA_GENERATE_ARGS = ['-m', FIRST_MODEL_PATH, '-ngl', '99', '-n', '32', '--temp', '0', '-no-cnv', '-p', FIRST_PROMPT] as const;
export const LLAMA_BENCH_ARGS = ['-m', FIRST_MODEL_PATH, '-ngl', '99', '-o', 'md'] as const;

/** stat's size of a file; a missing file is an answer (null), not a failure. */
export function parseFileSize(out: CommandOutput): ParseResult<{ bytes: number | null }> {
  if (out.exitCode !== 0) {
    return /No such file or directory/.test(out.stderr) ? { ok: true, value: { bytes: null } } : parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`);
  }
  const bytes = Number(out.stdout.trim());
  return Number.isSafeInteger(bytes) && bytes >= 0 ? { ok: true, value: { bytes } } : parseFailure('malformed', `not a size: ${out.stdout.trim().slice(0, 40)}`);
}

/** Whether a file is there, from stat's answer. */
export const parsePresent = (out: CommandOutput): ParseResult<{ present: boolean }> => {
  const size = parseFileSize(out);
  return size.ok ? { ok: true, value: { present: size.value.bytes !== null } } : size;
};

/** llama-bench's table; `missing` is the wrapper's own complaint (jexec's), which is not llama-bench's failure. */
export function parseBenchRun(out: CommandOutput, missing: string | undefined): ParseResult<LlamaBenchOutput> {
  if (missing !== undefined) return parseFailure('command-failed', missing);
  return out.exitCode === 0 ? parseLlamaBench(out.stdout) : parseFailure('command-failed', out.stderr.trim().split('\n').pop() ?? `exited with ${out.exitCode}`);
}

export const llamaCommands = {
  llamaVersion: entry({
    id: 'llamaVersion',
    description: 'llama.cpp in the jail: its build, and whether CUDA is built in and finds the GPU',
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, LLAMA_CLI, '--version'],
    privileged: true,
    timeoutMs: 60 * SECOND,
    // llama.cpp logs on stderr and writes on stdout; a program missing in the jail is jexec's answer.
    parse: insideJail(parseLlamaVersion),
  }),
  llamaFetchSource: entry({
    id: 'llamaFetchSource',
    description: 'Fetch llama.cpp’s source into the jail (git clone, latest release state)',
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, 'git', ...LLAMA_CLONE_ARGS],
    privileged: true,
    timeoutMs: 15 * MINUTE,
    parse: doneOrFailed,
  }),
  llamaConfigure: entry({
    id: 'llamaConfigure',
    description: 'Configure llama.cpp with CUDA for the P4 (compute capability 6.1)',
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, 'cmake', ...LLAMA_CONFIGURE_ARGS],
    privileged: true,
    timeoutMs: 10 * MINUTE,
    parse: doneOrFailed,
  }),
  llamaBuild: entry({
    id: 'llamaBuild',
    description: 'Build llama-cli, llama-bench and llama-server (the CUDA kernels take a while on a laptop)',
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, 'cmake', ...LLAMA_BUILD_ARGS],
    privileged: true,
    timeoutMs: 120 * MINUTE,
    parse: doneOrFailed,
    progress: cmakeProgress,
  }),
  llamaSource: entry({
    id: 'llamaSource',
    description: 'Whether llama.cpp’s source is already in the jail',
    args: NoArgs,
    argv: () => ['stat', '-f', '%z', jailPath(`${LLAMA_DIR}/CMakeLists.txt`)],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: parsePresent,
  }),
  modelSize: entry({
    id: 'modelSize',
    description: 'Whether the first model is in the jail, and its size',
    args: NoArgs,
    argv: () => ['stat', '-f', '%z', jailPath(FIRST_MODEL_PATH)],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: parseFileSize,
  }),
  modelFetch: entry({
    id: 'modelFetch',
    description: `Download the first model (${FIRST_MODEL.file}) into the jail’s ${MODELS_DIR}`,
    args: NoArgs,
    argv: () => ['fetch', '-o', jailPath(FIRST_MODEL_PATH), FIRST_MODEL.url],
    privileged: true,
    timeoutMs: 180 * MINUTE,
    parse: doneOrFailed,
  }),
  llamaGenerate: entry({
    id: 'llamaGenerate',
    description: 'A short generation with every layer on the GPU (-ngl 99)',
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, LLAMA_CLI, ...LLAMA_GENERATE_ARGS],
    privileged: true,
    timeoutMs: 10 * MINUTE,
    parse: insideJail(parseLlamaLog),
  }),
  llamaBench: entry({
    id: 'llamaBench',
    description: 'llama-bench on the first model: prompt and generation speed with every layer on the GPU',
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, LLAMA_BENCH, ...LLAMA_BENCH_ARGS],
    privileged: true,
    timeoutMs: 30 * MINUTE,
    parse: (out) => parseBenchRun(out, jexecFailure(out)),
  }),
} as const;
