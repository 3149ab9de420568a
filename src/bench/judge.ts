import { msg, type Message } from '../contract/messages';
import type { Figure } from '../contract/state';
import { P4_MEMORY_BYTES_PER_SECOND } from '../hardware/estimate';
import { linkBytesPerSecond } from '../hardware/pcie-link';
import type { LlamaBenchRow } from './llama-bench';
import type { LlamaLog } from './llama-log';

/**
 * A benchmark against the physical limits of the reference build (Tesla P4 behind the X220's ExpressCard):
 *
 *   load        bytes sent to the card (the offloaded share of the model) ÷ load time, against the link's coded rate (x1 at 5.0 GT/s = 500 MB/s; a faster
 *               link given is used as it is, a slower one is judged against what the slot can do)
 *   generation  tokens/s, against the P4's memory bandwidth ÷ model bytes (each token reads every weight)
 *   prompt      tokens/s, shown without a limit: prompt processing is compute-bound and llama.cpp's kernels
 *               for Pascal (DP4A, cuBLAS) differ too much by quantisation for one honest number
 *
 * A figure is "far below" its limit under FAR_BELOW of it. Healthy runs reach about 0.8 of the link (packet
 * overhead, see LINK_EFFICIENCY) and 0.6–0.8 of the memory bound, so half is well outside normal spread.
 * Causes are listed only for a figure far below its limit, most likely first.
 */

export const FAR_BELOW = 0.5;
/** The X220's ExpressCard slot: PCI Express 2.0, one lane. */
export const REFERENCE_LINK = { width: 1, gts: 5 } as const;
/** Above this the P4 starts to slow its clocks (nvidia-smi's slowdown threshold is higher, throttling starts earlier). */
export const HOT_CELSIUS = 80;
/** `-ngl 99` is the usual "every layer"; -1 is newer llama.cpp's default for the same. */
const ALL_LAYERS = 99;

export interface BenchInput {
  rows: readonly LlamaBenchRow[];
  modelBytes: number;
  /** The negotiated link (pciconf), or null when unknown. */
  link: { width: number; gts: number } | null;
  /** Model load time in ms; null falls back to the log's. */
  loadMs: number | null;
  log: LlamaLog | null;
  thermal: { temperatureC: number; slowdown: boolean } | null;
}

export interface BenchJudgement {
  figures: Figure[];
  ratios: { load: number | null; generation: number | null; prompt: number | null };
  causes: Message[];
  verdict: 'pass' | 'warn' | 'fail';
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** The fastest row of a kind, preferring the model measured (by size) and an empty context. */
function bestRow(rows: readonly LlamaBenchRow[], kind: 'prompt' | 'generation', modelBytes: number): LlamaBenchRow | null {
  const sameModel = rows.filter((r) => r.sizeBytes !== null && Math.abs(r.sizeBytes - modelBytes) <= modelBytes * 0.02);
  const pool = (sameModel.length > 0 ? sameModel : rows).filter((r) => r.kind === kind);
  const shallow = pool.filter((r) => !r.test.includes('@'));
  const candidates = shallow.length > 0 ? shallow : pool;
  return candidates.reduce<LlamaBenchRow | null>((best, r) => (best === null || r.tokensPerSecond > best.tokensPerSecond ? r : best), null);
}

const usesCuda = (row: LlamaBenchRow | null, log: LlamaLog | null): boolean =>
  log?.cudaBuilt !== false && (row === null || /\bCUDA\b/.test(row.backend));

function generationCauses(row: LlamaBenchRow, input: BenchInput): Message[] {
  const causes: Message[] = [];
  const { log, thermal } = input;
  if (!usesCuda(row, log)) causes.push(msg('bench.cause.no-cuda', { backend: row.backend }));
  else if (log?.offloaded && log.offloaded.layers < log.offloaded.total) {
    causes.push(msg('bench.cause.layers-cpu', { layers: log.offloaded.layers, total: log.offloaded.total }));
  } else if (!log?.offloaded && row.gpuLayers !== null && row.gpuLayers >= 0 && row.gpuLayers < ALL_LAYERS) {
    causes.push(msg('bench.cause.ngl-low', { ngl: row.gpuLayers }));
  }
  if (thermal && (thermal.slowdown || thermal.temperatureC > HOT_CELSIUS)) {
    causes.push(msg(thermal.slowdown ? 'bench.cause.thermal-slowdown' : 'bench.cause.thermal', { temperature: thermal.temperatureC, hot: HOT_CELSIUS }));
  }
  if (causes.length === 0) causes.push(msg('bench.cause.generation-unexplained'));
  return causes;
}

export function judgeBenchmark(input: BenchInput): BenchJudgement {
  const { modelBytes, link } = input;
  const figures: Figure[] = [];
  const loadCauses: Message[] = [];
  const generationCausesFound: Message[] = [];
  const ratios: BenchJudgement['ratios'] = { load: null, generation: null, prompt: null };

  const referenceRate = linkBytesPerSecond(REFERENCE_LINK.width, REFERENCE_LINK.gts);
  const linkRate = link ? linkBytesPerSecond(link.width, link.gts) : null;
  const limitLink = link && linkRate !== null && linkRate > referenceRate ? link : REFERENCE_LINK;
  const limitRate = Math.max(linkRate ?? 0, referenceRate);
  const loadMs = input.loadMs ?? input.log?.loadMs ?? null;
  // Only what goes to the card crosses the link: nothing for a CPU build, the offloaded share otherwise.
  const offloaded = input.log?.offloaded;
  const linkBytes = !usesCuda(null, input.log) ? 0 : offloaded && offloaded.total > 0 ? (modelBytes * offloaded.layers) / offloaded.total : modelBytes;
  if (loadMs !== null && loadMs > 0 && linkBytes > 0) {
    const seconds = loadMs / 1000;
    const rate = linkBytes / seconds;
    ratios.load = round(rate / limitRate, 3);
    figures.push({ label: msg('bench.figure.load-time'), value: round(seconds, 2), limit: round(linkBytes / limitRate, 2), unit: 's' });
    figures.push({
      label: msg('bench.figure.transfer', { width: limitLink.width, gts: limitLink.gts.toFixed(1) }),
      value: Math.round(rate / 1e6),
      limit: Math.round(limitRate / 1e6),
      unit: 'MB/s',
    });
    if (ratios.load < FAR_BELOW) {
      if (link && linkRate !== null && linkRate < referenceRate) {
        loadCauses.push(msg('bench.cause.link-slow', { width: link.width, gts: link.gts.toFixed(1), mbps: Math.round(linkRate / 1e6) }));
      } else loadCauses.push(msg('bench.cause.load-disk', { mbps: Math.round(rate / 1e6) }));
    }
  }

  const prompt = bestRow(input.rows, 'prompt', modelBytes);
  if (prompt) figures.push({ label: msg('bench.figure.prompt', { test: prompt.test }), value: round(prompt.tokensPerSecond, 2), limit: null, unit: 'tokens/s' });

  const generation = bestRow(input.rows, 'generation', modelBytes);
  if (generation && modelBytes > 0) {
    const ceiling = P4_MEMORY_BYTES_PER_SECOND / modelBytes;
    ratios.generation = round(generation.tokensPerSecond / ceiling, 3);
    figures.push({ label: msg('bench.figure.generation', { test: generation.test }), value: round(generation.tokensPerSecond, 2), limit: round(ceiling, 2), unit: 'tokens/s' });
    if (ratios.generation < FAR_BELOW) generationCausesFound.push(...generationCauses(generation, input));
  }

  const verdict = ratios.generation !== null && ratios.generation < FAR_BELOW ? 'fail' : ratios.load !== null && ratios.load < FAR_BELOW ? 'warn' : 'pass';
  // Generation is what the user waits for, so its causes come first.
  return { figures, ratios, causes: [...generationCausesFound, ...loadCauses], verdict };
}
