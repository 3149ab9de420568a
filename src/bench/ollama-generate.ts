import { z } from 'zod';
import { msg, type Message } from '../contract/messages';
import { decodeUtf8, parseFailure, validated, type ParseResult } from '../commands/parse-result';
import { guarded, precheck } from '../commands/parsers/text';
import { linkBytesPerSecond } from '../hardware/pcie-link';
import { OLLAMA_MODEL } from '../jail/ollama';
import { judgeBenchmark, REFERENCE_LINK, type BenchInput, type BenchJudgement } from './judge';
import type { LlamaBenchRow } from './llama-bench';
import type { LlamaLog } from './llama-log';
import { cpuOnly, cudaCompute, type OllamaLog } from './ollama-log';

/**
 * ollama's benchmark: what `POST /api/generate` with `"stream": false` answers. Its timings are nanoseconds:
 *
 *   {"model":"llama3.1:8b","created_at":"…","response":"…","done":true,"done_reason":"length",
 *    "total_duration":18911473302,"load_duration":13912338104,"prompt_eval_count":18,
 *    "prompt_eval_duration":61012000,"eval_count":128,"eval_duration":4790144226}
 *
 * Generation is eval_count ÷ eval_duration, prompt processing prompt_eval_count ÷ prompt_eval_duration, the
 * load time load_duration. They are judged by the same judge as llama-bench's figures, against the same limits.
 * Fields ollama adds later are ignored; the ones above must be there.
 */

const nanoseconds = z.number().int().nonnegative();

export const OllamaGenerate = z.object({
  model: z.string().min(1),
  done: z.literal(true),
  done_reason: z.string().optional(),
  total_duration: nanoseconds.optional(),
  load_duration: nanoseconds,
  prompt_eval_count: z.number().int().nonnegative(),
  prompt_eval_duration: nanoseconds,
  eval_count: z.number().int().nonnegative(),
  eval_duration: nanoseconds,
});
export type OllamaGenerate = z.infer<typeof OllamaGenerate>;

function parse(text: string): ParseResult<OllamaGenerate> {
  const refused = precheck(text, '/api/generate response');
  if (refused) return refused;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return parseFailure('malformed', 'not JSON: /api/generate with "stream": false answers one JSON object');
  }
  if (typeof value === 'object' && value !== null && 'error' in value && typeof value.error === 'string') {
    return parseFailure('command-failed', `ollama answered with an error: ${value.error}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return parseFailure('malformed', 'not one JSON object');
  if ('done' in value && value.done === false) return parseFailure('unexpected-output', 'a streamed chunk (done: false): ask with "stream": false');
  return validated(OllamaGenerate, value);
}

export const parseOllamaGenerate = guarded('/api/generate response', parse);

/** `bench --from-files ollama=FILE`: the file's text, strictly UTF-8; a string is the one-line error. */
export async function readOllamaGenerate(file: string): Promise<ParseResult<OllamaGenerate>> {
  const { readFile } = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch {
    return parseFailure('command-failed', `cannot read ollama file ${file}`);
  }
  const text = decodeUtf8(bytes);
  return text.ok ? parseOllamaGenerate(text.value) : text;
}

const perSecond = (count: number, ns: number): number | null => (count > 0 && ns > 0 ? count / (ns / 1e9) : null);

/** The figures as rows of the judge's shape: one generation row, one prompt row where there was a prompt. */
export function ollamaRows(result: OllamaGenerate, modelBytes: number, backend: string): LlamaBenchRow[] {
  const row = (test: string, kind: LlamaBenchRow['kind'], tokensPerSecond: number): LlamaBenchRow => ({
    model: result.model,
    sizeBytes: Math.round(modelBytes),
    params: null,
    backend,
    gpuLayers: null,
    test,
    kind,
    tokensPerSecond,
    stddev: null,
  });
  const rows: LlamaBenchRow[] = [];
  const pp = perSecond(result.prompt_eval_count, result.prompt_eval_duration);
  if (pp !== null) rows.push(row(`pp${result.prompt_eval_count}`, 'prompt', pp));
  const tg = perSecond(result.eval_count, result.eval_duration);
  if (tg !== null) rows.push(row(`tg${result.eval_count}`, 'generation', tg));
  return rows;
}

/** What the serve log says about the run, in the shape the judge reads llama.cpp's log: CUDA or not, layers offloaded. */
function asLlamaLog(log: OllamaLog | null): LlamaLog | null {
  if (log === null) return null;
  const cuda = cudaCompute(log);
  return {
    cudaBuilt: cuda.length > 0 ? true : cpuOnly(log) ? false : null,
    cudaArchs: null,
    devices: cuda.map((c, index) => ({ index, name: c.device || 'CUDA', computeCapability: /^\d+\.\d+$/.test(c.compute) ? c.compute : '0.0' })),
    offloaded: log.offloaded && { layers: log.offloaded.layers, total: log.offloaded.total },
    loadMs: null,
    promptTokensPerSecond: null,
    generationTokensPerSecond: null,
    lines: { cudaInit: null, devices: [], noGpu: null, systemInfo: null, offloaded: log.offloaded?.line ?? null, loadTime: null, promptEval: null, eval: null },
    // Built from ollama's own log, not read from llama.cpp's: there are no llama.cpp lines to set aside.
    unparsed: [],
  };
}

export interface OllamaBenchOptions {
  /** The model's size; null: the wizard's own first model by its tag, else an error asking for --model-size. */
  modelBytes: number | null;
  link: BenchInput['link'];
  thermal: BenchInput['thermal'];
  /** The serve log, when known: whether CUDA took the card, layers offloaded. */
  log: OllamaLog | null;
}

export interface OllamaBenchReport extends BenchJudgement {
  rows: LlamaBenchRow[];
  modelBytes: number;
  link: BenchInput['link'];
  /** The model was already in the card's memory: load_duration measured no load over the link. */
  warm: boolean;
}

export type OllamaBenchResult = { ok: true; report: OllamaBenchReport } | { ok: false; source: 'ollama' | 'model-size'; message: string };

/**
 * A load faster than the link can carry the model means ollama had it loaded already (it keeps a model for
 * five minutes): there was no load to judge, and the figure would be a false pass.
 */
function warmLoad(result: OllamaGenerate, modelBytes: number, link: BenchInput['link']): boolean {
  const rate = Math.max(link ? linkBytesPerSecond(link.width, link.gts) : 0, linkBytesPerSecond(REFERENCE_LINK.width, REFERENCE_LINK.gts));
  return result.load_duration / 1e9 < modelBytes / rate;
}

export function ollamaBenchReport(result: OllamaGenerate, options: OllamaBenchOptions): OllamaBenchResult {
  const modelBytes = options.modelBytes ?? (result.model === OLLAMA_MODEL.tag ? OLLAMA_MODEL.bytes : null);
  if (modelBytes === null || modelBytes <= 0) {
    return { ok: false, source: 'model-size', message: `the /api/generate answer does not say how big ${result.model} is: give --model-size (ollama list shows it)` };
  }
  const log = asLlamaLog(options.log);
  const backend = log?.cudaBuilt === false ? 'CPU' : 'CUDA';
  const rows = ollamaRows(result, modelBytes, backend);
  if (!rows.some((r) => r.kind === 'generation')) return { ok: false, source: 'ollama', message: 'eval_count or eval_duration is 0: nothing was generated' };
  const warm = warmLoad(result, modelBytes, options.link);
  const judgement = judgeBenchmark({ rows, modelBytes, link: options.link, loadMs: warm ? null : result.load_duration / 1e6, log, thermal: options.thermal });
  return { ok: true, report: { ...judgement, rows, modelBytes, link: options.link, warm } };
}

/** The note a warm load gets beside the figures. */
export const warmNote = (): Message => msg('ollama.bench.warm');
