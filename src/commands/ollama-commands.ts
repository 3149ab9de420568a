import { z } from 'zod';
import { JAIL_NAME, jailPath } from '../jail/layout';
import {
  OLLAMA_ARCHIVE_PATH,
  OLLAMA_ARCHIVE_URL,
  OLLAMA_BIN,
  OLLAMA_CUDA12_ENTRY,
  OLLAMA_EXTRACT_DIR,
  OLLAMA_GENERATE_BODY,
  OLLAMA_GENERATE_URL,
  OLLAMA_LIB_DIR,
  OLLAMA_LOG,
  OLLAMA_MODEL,
  OLLAMA_SERVICE,
} from '../jail/ollama';
import { parseOllamaGenerate } from '../bench/ollama-generate';
import { parseOllamaLog, type OllamaLog } from '../bench/ollama-log';
import { parseFailure, validated, type ParseResult } from './parse-result';
import { insideJail, jexecFailure } from './jail-commands';
import { doneOrFailed, joinStreams, onSuccess } from './output';
import { parsePkgRquery } from './parsers/pkg-query';
import { splitLines } from './parsers/text';
import type { CommandOutput, CommandProgress, CommandSpec } from './types';

/**
 * Catalogue entries for ollama in the jail: the release tarball fetched and checked on the host, extracted
 * into the jail's /usr/local, the rc.d service, the model pull, and the benchmark request. Fixed argv only.
 */

const NoArgs = z.object({}).strict();
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const entry = <A extends z.ZodType, R>(spec: CommandSpec<A, R>): CommandSpec<A, R> => spec;

// ------------------------------------------------------------------------------------------- parsers

export const OllamaVersion = z
  .object({
    /** The client's version (the binary in the jail). */
    client: z.string(),
    /** The running server's version; null when the client could not reach one. */
    server: z.string().nullable(),
  })
  .strict();
export type OllamaVersion = z.infer<typeof OllamaVersion>;

/**
 * `ollama --version`: `ollama version is 0.30.10` when a server answers; `Warning: could not connect to a
 * running Ollama instance` and `Warning: client version is 0.30.10` when none does; both lines when the
 * server is another release than the client.
 */
export function parseOllamaVersion(text: string): ParseResult<OllamaVersion> {
  const server = /^ollama version is (\S+)/m.exec(text)?.[1] ?? null;
  const client = /^Warning: client version is (\S+)/m.exec(text)?.[1] ?? server;
  if (client === null) return parseFailure('unexpected-output', 'ollama --version printed no version');
  return validated(OllamaVersion, { client, server: /could not connect/.test(text) ? null : server });
}

export const OllamaProcess = z
  .object({
    name: z.string(),
    size: z.string(),
    /** `100% GPU`, `100% CPU`, `48%/52% CPU/GPU`, as printed. */
    processor: z.string(),
    gpuPercent: z.number().min(0).max(100),
    line: z.number().int().positive(),
  })
  .strict();
export type OllamaProcess = z.infer<typeof OllamaProcess>;

/** The share on the GPU from ollama's PROCESSOR column. */
function gpuShare(processor: string): number | null {
  const whole = /^(\d+)% (GPU|CPU)$/.exec(processor);
  if (whole) return whole[2] === 'GPU' ? Number(whole[1]) : 100 - Number(whole[1]);
  const split = /^(\d+)%\/(\d+)% CPU\/GPU$/.exec(processor);
  return split ? Number(split[2]) : null;
}

/** Splits a table of ollama's CLI (columns padded with two or more spaces) by its header. */
function table(text: string, first: string): Array<{ cells: Record<string, string>; line: number }> | null {
  const lines = splitLines(text);
  const head = lines.findIndex((l) => l.startsWith(first));
  if (head < 0) return null;
  const names = (lines[head] ?? '').trim().split(/\s{2,}/);
  return lines.slice(head + 1).flatMap((l, i) => {
    if (l.trim() === '') return [];
    const values = l.trim().split(/\s{2,}/);
    return [{ cells: Object.fromEntries(names.map((n, k) => [n, values[k] ?? ''])), line: head + i + 2 }];
  });
}

/** `ollama ps`: NAME, ID, SIZE, PROCESSOR, (CONTEXT,) UNTIL; an empty table when nothing is loaded. */
export function parseOllamaPs(text: string): ParseResult<{ models: OllamaProcess[] }> {
  const rows = table(text, 'NAME');
  if (rows === null) return parseFailure('unexpected-output', 'ollama ps printed no NAME … PROCESSOR table');
  const models = rows.flatMap(({ cells, line }) => {
    const processor = cells.PROCESSOR ?? '';
    const share = gpuShare(processor);
    return share === null ? [] : [{ name: cells.NAME ?? '', size: cells.SIZE ?? '', processor, gpuPercent: share, line }];
  });
  return validated(z.object({ models: z.array(OllamaProcess) }).strict(), { models });
}

/** `ollama list`: the models pulled, by name. */
export function parseOllamaList(text: string): ParseResult<{ models: string[] }> {
  const rows = table(text, 'NAME');
  if (rows === null) return parseFailure('unexpected-output', 'ollama list printed no NAME … table');
  return { ok: true, value: { models: rows.map((r) => r.cells.NAME ?? '').filter((n) => n !== '') } };
}

/** `ollama pull`: `pulling 667b0c1932bc:  45% ▕████      ▏ 2.2 GB/4.9 GB   34 MB/s   1m19s`. */
export function pullProgress(line: string): CommandProgress | null {
  const match = /pulling ([0-9a-f]{6,64}):\s+(\d{1,3})%/.exec(line);
  if (!match) return null;
  const percent = Number(match[2]);
  return percent <= 100 ? { done: percent, total: 100, label: `pulling ${match[1] ?? ''}` } : null;
}

/**
 * bsdtar -v names each entry it extracts (`x lib/ollama/cuda_v12/libggml-cuda.so`). The release's entries
 * come in a fixed order, so the folder being extracted says how far it has got.
 */
const TAR_STAGES = ['bin/', 'lib/ollama/lib', 'lib/ollama/cuda_v12/', 'lib/ollama/cuda_v13/', 'lib/ollama/vulkan/'] as const;
export function tarProgress(line: string): CommandProgress | null {
  const match = /^x (\S.*)$/.exec(line.trim());
  if (!match) return null;
  const path = match[1] ?? '';
  const stage = TAR_STAGES.findIndex((prefix) => path.startsWith(prefix));
  return { done: stage < 0 ? 1 : stage + 1, total: TAR_STAGES.length, label: path.slice(0, 120) };
}

export const VulkanDevice = z.object({ name: z.string(), driver: z.string().nullable(), type: z.string().nullable() }).strict();
export type VulkanDevice = z.infer<typeof VulkanDevice>;

/**
 * `vulkaninfo --summary` (vulkan-tools): its Devices section, one `GPUn:` block per device with tab-indented
 * `deviceName = Tesla P4`, `driverName = NVIDIA`, `deviceType = PHYSICAL_DEVICE_TYPE_DISCRETE_GPU` lines.
 */
export function parseVulkanSummary(text: string): ParseResult<{ devices: VulkanDevice[] }> {
  const devices: VulkanDevice[] = [];
  let current: { name: string | null; driver: string | null; type: string | null } | null = null;
  const flush = () => {
    if (current?.name != null) devices.push({ name: current.name, driver: current.driver, type: current.type });
  };
  for (const line of splitLines(text)) {
    if (/^GPU\d+:\s*$/.test(line.trim())) {
      flush();
      current = { name: null, driver: null, type: null };
      continue;
    }
    const field = /^\s+(deviceName|driverName|deviceType)\s*=\s*(.+)$/.exec(line);
    if (current !== null && field) {
      const value = (field[2] ?? '').trim();
      if (field[1] === 'deviceName') current.name = value;
      else if (field[1] === 'driverName') current.driver = value;
      else current.type = value;
    }
  }
  flush();
  if (devices.length === 0 && !/VULKANINFO|Vulkan Instance Version/.test(text)) return parseFailure('unexpected-output', 'vulkaninfo --summary printed no Devices section');
  return validated(z.object({ devices: z.array(VulkanDevice) }).strict(), { devices });
}

/** A missing file or folder is an answer (not installed yet), not a failure. */
const absent = (out: CommandOutput): boolean => out.exitCode !== 0 && /No such file or directory/.test(out.stderr);

// ------------------------------------------------------------------------------------------- entries

export const ollamaCommands = {
  pkgRqueryRuntimes: entry({
    id: 'pkgRqueryRuntimes',
    description: 'Whether the package repository offers native FreeBSD builds of ollama and llama.cpp (Vulkan)',
    args: NoArgs,
    argv: () => ['pkg', 'rquery', '%n\t%v', 'ollama', 'llama-cpp'],
    // As root pkg refreshes a stale catalogue first, as for the driver packages.
    privileged: true,
    timeoutMs: 3 * MINUTE,
    parse: (out) => (out.exitCode === 1 && out.stdout.trim() === '' && out.stderr.trim() === '' ? { ok: true, value: { packages: [], unparsed: [] } } : onSuccess(parsePkgRquery)(out)),
  }),
  vulkaninfoSummary: entry({
    id: 'vulkaninfoSummary',
    description: 'The Vulkan devices on the host (vulkaninfo --summary): the native builds reach the card through Vulkan',
    args: NoArgs,
    argv: () => ['vulkaninfo', '--summary'],
    privileged: false,
    timeoutMs: 30 * SECOND,
    parse: (out) => (out.exitCode === 0 ? parseVulkanSummary(out.stdout) : parseFailure('command-failed', out.stderr.trim().split('\n')[0] ?? `exited with ${out.exitCode}`)),
  }),
  ollamaVersion: entry({
    id: 'ollamaVersion',
    description: 'ollama in the jail: its version, and whether its server answers',
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, OLLAMA_BIN, '--version'],
    privileged: true,
    timeoutMs: 30 * SECOND,
    parse: insideJail(parseOllamaVersion),
  }),
  ollamaLibs: entry({
    id: 'ollamaLibs',
    description: 'The runner folders of the ollama release in the jail (cuda_v12, cuda_v13, vulkan…)',
    args: NoArgs,
    argv: () => ['ls', '-1A', jailPath(OLLAMA_LIB_DIR)],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: (out): ParseResult<{ entries: string[] | null }> =>
      absent(out) ? { ok: true, value: { entries: null } } : out.exitCode === 0 ? { ok: true, value: { entries: splitLines(out.stdout).map((l) => l.trim()).filter((l) => l !== '') } } : parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`),
  }),
  ollamaLog: entry({
    id: 'ollamaLog',
    description: 'The log of ollama serve (the GPUs it found or skipped)',
    args: NoArgs,
    argv: () => ['cat', OLLAMA_LOG],
    // daemon(8) creates the log readable by root only.
    privileged: true,
    timeoutMs: 10 * SECOND,
    parse: (out): ParseResult<{ log: OllamaLog | null }> => {
      if (absent(out) || (out.exitCode === 0 && out.stdout.trim() === '')) return { ok: true, value: { log: null } };
      if (out.exitCode !== 0) return parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`);
      const log = parseOllamaLog(out.stdout);
      return log.ok ? { ok: true, value: { log: log.value } } : log;
    },
  }),
  jailCurl: entry({
    id: 'jailCurl',
    description: 'Whether curl is in the jail (the benchmark asks ollama’s API with it)',
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, 'curl', '--version'],
    privileged: true,
    timeoutMs: 10 * SECOND,
    parse: (out): ParseResult<{ present: boolean }> => {
      const failure = jexecFailure(out);
      if (failure !== undefined) return /No such file or directory/.test(failure) ? { ok: true, value: { present: false } } : parseFailure('command-failed', failure);
      return { ok: true, value: { present: out.exitCode === 0 } };
    },
  }),
  jailAptUpdate: entry({
    id: 'jailAptUpdate',
    description: 'Refresh the package lists in the jail (apt-get update)',
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, 'apt-get', 'update'],
    privileged: true,
    timeoutMs: 10 * MINUTE,
    parse: doneOrFailed,
  }),
  jailInstallCurl: entry({
    id: 'jailInstallCurl',
    description: 'Install curl in the jail (apt-get install curl)',
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, 'apt-get', 'install', '-y', 'curl'],
    privileged: true,
    timeoutMs: 10 * MINUTE,
    parse: doneOrFailed,
  }),
  ollamaFetchRelease: entry({
    id: 'ollamaFetchRelease',
    description: 'Download the ollama release for Linux into the jail’s /root',
    args: NoArgs,
    argv: () => ['fetch', '-o', OLLAMA_ARCHIVE_PATH, OLLAMA_ARCHIVE_URL],
    privileged: true,
    timeoutMs: 60 * MINUTE,
    parse: doneOrFailed,
  }),
  ollamaCheckArchive: entry({
    id: 'ollamaCheckArchive',
    description: 'Check the downloaded release ships lib/ollama/cuda_v12 (the runners that still support Pascal) before installing it',
    args: NoArgs,
    // bsdtar lists only the entries named and exits 1 with "Not found in archive" when there are none.
    argv: () => ['tar', '-t', '-f', OLLAMA_ARCHIVE_PATH, OLLAMA_CUDA12_ENTRY],
    privileged: false,
    timeoutMs: 5 * MINUTE,
    parse: (out): ParseResult<{ entries: number }> =>
      out.exitCode === 0 ? { ok: true, value: { entries: splitLines(out.stdout).length } } : parseFailure('command-failed', out.stderr.trim().split('\n')[0] ?? `exited with ${out.exitCode}`),
  }),
  ollamaRemoveLibs: entry({
    id: 'ollamaRemoveLibs',
    description: 'Remove the installed release’s runners (lib/ollama), as ollama’s upgrade notes ask, so no old runner is left behind',
    args: NoArgs,
    argv: () => ['rm', '-r', '-f', '-x', jailPath(OLLAMA_LIB_DIR)],
    privileged: true,
    timeoutMs: 2 * MINUTE,
    parse: doneOrFailed,
  }),
  ollamaExtract: entry({
    id: 'ollamaExtract',
    description: 'Install the release: extract it into the jail’s /usr/local (bin/ollama, lib/ollama)',
    args: NoArgs,
    argv: () => ['tar', '-x', '-v', '-f', OLLAMA_ARCHIVE_PATH, '-C', OLLAMA_EXTRACT_DIR],
    privileged: true,
    timeoutMs: 20 * MINUTE,
    parse: doneOrFailed,
    progress: tarProgress,
    progressOnStderr: true,
  }),
  ollamaService: entry({
    id: 'ollamaService',
    description: 'Start or restart ollama serve in the jail (the rc.d service ollama_cuda)',
    args: z.object({ verb: z.enum(['start', 'restart']) }).strict(),
    argv: (a) => ['service', OLLAMA_SERVICE, a.verb],
    privileged: true,
    timeoutMs: 2 * MINUTE,
    parse: doneOrFailed,
  }),
  ollamaList: entry({
    id: 'ollamaList',
    description: 'The models ollama has pulled',
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, OLLAMA_BIN, 'list'],
    privileged: true,
    timeoutMs: 30 * SECOND,
    parse: (out) => {
      const failure = jexecFailure(out);
      if (failure !== undefined) return parseFailure('command-failed', failure);
      return out.exitCode === 0 ? parseOllamaList(out.stdout) : parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`);
    },
  }),
  ollamaPull: entry({
    id: 'ollamaPull',
    description: `Download the first model through ollama (${OLLAMA_MODEL.tag}, Llama 3.1 8B Q4_K_M)`,
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, OLLAMA_BIN, 'pull', OLLAMA_MODEL.tag],
    privileged: true,
    timeoutMs: 180 * MINUTE,
    parse: doneOrFailed,
    progress: pullProgress,
    progressOnStderr: true,
  }),
  ollamaGenerate: entry({
    id: 'ollamaGenerate',
    description: 'Ask ollama for 128 tokens through its API (/api/generate, not streamed): the timings come back in nanoseconds',
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, 'curl', '-s', '-S', '--max-time', '900', OLLAMA_GENERATE_URL, '-d', OLLAMA_GENERATE_BODY],
    privileged: true,
    timeoutMs: 16 * MINUTE,
    parse: (out) => {
      const failure = jexecFailure(out);
      if (failure !== undefined) return parseFailure('command-failed', failure);
      return out.exitCode === 0 ? parseOllamaGenerate(out.stdout) : parseFailure('command-failed', out.stderr.trim() || `curl exited with ${out.exitCode}`);
    },
  }),
  ollamaPs: entry({
    id: 'ollamaPs',
    description: 'Where ollama runs the loaded model: GPU, CPU or split (ollama ps)',
    args: NoArgs,
    argv: () => ['jexec', JAIL_NAME, OLLAMA_BIN, 'ps'],
    privileged: true,
    timeoutMs: 30 * SECOND,
    parse: (out) => {
      const failure = jexecFailure(out);
      if (failure !== undefined) return parseFailure('command-failed', failure);
      return out.exitCode === 0 ? parseOllamaPs(joinStreams(out)) : parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`);
    },
  }),
} as const;
