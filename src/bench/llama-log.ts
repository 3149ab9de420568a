import { z } from 'zod';
import { parseFailure, Unparsed, validated, type ParseResult } from '../commands/parse-result';
import { guarded, hasBinary, refuseNonText, splitLines } from '../commands/parsers/text';

/**
 * What llama-cli and llama-server print while starting and when they finish (stderr). The text is a log,
 * so any line may be there or not; the parser picks out the lines the benchmark step reasons about,
 * wherever they stand in a line (newer builds can prefix a timestamp, `0.00.123.456 I `):
 *
 *   ggml_cuda_init: found 1 CUDA devices:                    (2023: ggml_init_cublas)
 *     Device 0: Tesla P4, compute capability 6.1, VMM: yes
 *   ggml_cuda_init: failed to initialize CUDA: no CUDA-capable device is detected
 *   warning: no usable GPU found, --gpu-layers option will be ignored      (a build without GPU support)
 *   load_tensors: offloaded 33/33 layers to GPU               (2024: llm_load_tensors:)
 *   system_info: n_threads = 2 … | CUDA : ARCHS = 610 | USE_GRAPHS = 1 | CPU : SSE3 = 1 | …
 *   llama_perf_context_print:        load time =   12834.51 ms          (2024: llama_print_timings:)
 *   llama_perf_context_print: prompt eval time =      41.12 ms /    14 tokens (…, 340.47 tokens per second)
 *   llama_perf_context_print:        eval time =    2305.08 ms /    63 runs   (…,  27.33 tokens per second)
 *
 * When a line repeats (llama-server prints timings per request) the last one counts. Speeds are computed
 * from the time and count, which also covers 2023 logs that printed no tokens per second. Colour codes
 * (`--log-colors`, a log saved from a terminal) are ignored. Any other line is just a line of the log; a
 * line holding binary characters is not interpreted but set aside in `unparsed`. Refused whole: empty or
 * binary input, and text with none of the lines above.
 */

const line = z.number().int().positive().nullable();

export const LlamaDevice = z
  .object({ index: z.number().int().nonnegative(), name: z.string().min(1), computeCapability: z.string().regex(/^\d+\.\d+$/) })
  .strict();
export type LlamaDevice = z.infer<typeof LlamaDevice>;

export const LlamaLog = z
  .object({
    /** CUDA compiled in: true with CUDA init lines or a CUDA system_info entry, false when the log says it is not, null when it says nothing. */
    cudaBuilt: z.boolean().nullable(),
    /** `CUDA : ARCHS = 520,610` — the compute capabilities the build has code for, e.g. ["610"]. */
    cudaArchs: z.array(z.string().regex(/^\d+[a-z]?$/)).nullable(),
    devices: z.array(LlamaDevice),
    offloaded: z.object({ layers: z.number().int().nonnegative(), total: z.number().int().nonnegative() }).strict().nullable(),
    loadMs: z.number().nonnegative().nullable(),
    promptTokensPerSecond: z.number().nonnegative().nullable(),
    generationTokensPerSecond: z.number().nonnegative().nullable(),
    /** 1-based lines of the evidence for each value. */
    lines: z
      .object({
        cudaInit: line,
        devices: z.array(z.number().int().positive()),
        noGpu: line,
        systemInfo: line,
        offloaded: line,
        loadTime: line,
        promptEval: line,
        eval: line,
      })
      .strict(),
    unparsed: Unparsed,
  })
  .strict();
export type LlamaLog = z.infer<typeof LlamaLog>;

const CUDA_INIT = /\b(?:ggml_cuda_init|ggml_init_cublas): (?:found \d+ CUDA devices|failed to initialize CUDA)/;
const DEVICE = /(?:^|\s)Device (\d+): (.+?), compute capability (\d+\.\d+)/;
const NO_GPU = /no usable GPU found|not compiled with GPU offload support/;
const SYSTEM_INFO = /\bsystem_info: (.*)$/;
const CUDA_IN_SYSTEM_INFO = /(?:^|\|)\s*CUDA\s*[:=]/;
const ARCHS = /(?:^|\|)\s*CUDA : ARCHS = ([0-9a-z,]+)/;
const OFFLOADED = /\boffloaded (\d+)\/(\d+) layers to GPU/;
const LOAD_TIME = /\b(?:llama_perf_context_print|llama_print_timings):\s+load time =\s*(\d+(?:\.\d+)?) ms/;
const PROMPT_EVAL = /\bprompt eval time =\s*(\d+(?:\.\d+)?) ms \/\s*(\d+) (?:tokens|runs)/;
const EVAL = /(?:^|[^t] )eval time =\s*(\d+(?:\.\d+)?) ms \/\s*(\d+) (?:tokens|runs)/;

/** ANSI colour and style sequences (ESC [ … m). */
const SGR = /\u001b\[[0-9;]*m/g;

const perSecond = (ms: string, count: string): number | null => {
  const time = Number(ms);
  const n = Number(count);
  return time > 0 && n > 0 ? (n * 1000) / time : null;
};

function parse(text: string): ParseResult<LlamaLog> {
  const refused = refuseNonText(text.replace(SGR, ''), 'llama.cpp log');
  if (refused) return refused;
  const lines = splitLines(text);
  const log: LlamaLog = {
    cudaBuilt: null,
    cudaArchs: null,
    devices: [],
    offloaded: null,
    loadMs: null,
    promptTokensPerSecond: null,
    generationTokensPerSecond: null,
    lines: { cudaInit: null, devices: [], noGpu: null, systemInfo: null, offloaded: null, loadTime: null, promptEval: null, eval: null },
    unparsed: [],
  };
  let systemInfoCuda: boolean | null = null;
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const raw = lines[i] ?? '';
    const text = raw.includes('\u001b') ? raw.replace(SGR, '') : raw;
    if (hasBinary(text)) {
      log.unparsed.push({ line: n, text: raw });
      continue;
    }
    let m: RegExpExecArray | null;
    if (CUDA_INIT.test(text)) {
      log.lines.cudaInit ??= n;
    } else if ((m = DEVICE.exec(text)) && log.lines.cudaInit !== null) {
      const index = Number(m[1]);
      if (!log.devices.some((d) => d.index === index)) {
        log.devices.push({ index, name: (m[2] ?? '').trim(), computeCapability: m[3] ?? '' });
        log.lines.devices.push(n);
      }
    } else if (NO_GPU.test(text)) {
      log.lines.noGpu ??= n;
    } else if ((m = SYSTEM_INFO.exec(text))) {
      const info = m[1] ?? '';
      log.lines.systemInfo = n;
      systemInfoCuda = CUDA_IN_SYSTEM_INFO.test(info);
      const archs = ARCHS.exec(info);
      if (archs?.[1]) log.cudaArchs = archs[1].split(',').filter((a) => a !== '');
    } else if ((m = OFFLOADED.exec(text))) {
      log.offloaded = { layers: Number(m[1]), total: Number(m[2]) };
      log.lines.offloaded = n;
    } else if ((m = LOAD_TIME.exec(text))) {
      log.loadMs = Number(m[1]);
      log.lines.loadTime = n;
    } else if ((m = PROMPT_EVAL.exec(text))) {
      log.promptTokensPerSecond = perSecond(m[1] ?? '', m[2] ?? '');
      log.lines.promptEval = n;
    } else if ((m = EVAL.exec(text))) {
      log.generationTokensPerSecond = perSecond(m[1] ?? '', m[2] ?? '');
      log.lines.eval = n;
    }
  }
  // Positive evidence wins: a CUDA build that found no device still has CUDA compiled in.
  if (log.lines.cudaInit !== null || systemInfoCuda === true) log.cudaBuilt = true;
  else if (log.lines.noGpu !== null || systemInfoCuda === false) log.cudaBuilt = false;
  const found = Object.values(log.lines).some((v) => (Array.isArray(v) ? v.length > 0 : v !== null));
  if (!found) {
    return parseFailure('unexpected-output', 'llama.cpp log: none of the lines llama-cli or llama-server print at start (ggml_cuda_init, load_tensors, system_info) or end (load time, eval time)');
  }
  return validated(LlamaLog, log);
}

export const parseLlamaLog: (text: string) => ParseResult<LlamaLog> = guarded('llama.cpp log', parse);
