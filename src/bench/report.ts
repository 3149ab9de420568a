import type { Figure } from '../contract/state';
import { translateMessage, type Locale } from '../i18n/translate';
import { judgeBenchmark, REFERENCE_LINK, type BenchInput, type BenchJudgement } from './judge';
import { parseLlamaBench, type LlamaBenchOutput, type LlamaBenchRow } from './llama-bench';
import { parseLlamaLog, type LlamaLog } from './llama-log';

/**
 * The benchmark's core, host-independent: the outputs of llama-bench (and optionally a llama-cli/-server
 * log) in, the judged figures out, as text or as JSON. `egpu-wizard bench --from-files` feeds it saved
 * files; a live run feeds it what the catalogue's commands printed.
 */

export interface BenchOutputs {
  /** What `llama-bench` printed, in any of its formats. */
  llamaBench: string;
  /** What llama-cli or llama-server printed (load time, layers offloaded, CUDA), or null. */
  llamaLog: string | null;
}

export interface BenchOptions {
  /** The model's size; null takes it from llama-bench's own output. */
  modelBytes: number | null;
  link: BenchInput['link'];
  thermal: BenchInput['thermal'];
}

export interface BenchReport extends BenchJudgement {
  bench: LlamaBenchOutput;
  log: LlamaLog | null;
  modelBytes: number;
  link: BenchInput['link'];
}

export type BenchResult = { ok: true; report: BenchReport } | { ok: false; source: 'llama-bench' | 'llama-log' | 'model-size'; message: string };

/** The model size llama-bench printed: exact from csv/json, to 0.01 GiB from a table. */
const printedModelBytes = (rows: readonly LlamaBenchRow[]): number | null =>
  rows.find((r) => r.kind === 'generation' && r.sizeBytes !== null)?.sizeBytes ?? rows.find((r) => r.sizeBytes !== null)?.sizeBytes ?? null;

const errorText = (error: { message: string; line?: number }): string => (error.line !== undefined ? `${error.message} (line ${error.line})` : error.message);

export function benchReport(outputs: BenchOutputs, options: BenchOptions): BenchResult {
  const bench = parseLlamaBench(outputs.llamaBench);
  if (!bench.ok) return { ok: false, source: 'llama-bench', message: errorText(bench.error) };
  let log: LlamaLog | null = null;
  if (outputs.llamaLog !== null) {
    const parsed = parseLlamaLog(outputs.llamaLog);
    if (!parsed.ok) return { ok: false, source: 'llama-log', message: errorText(parsed.error) };
    log = parsed.value;
  }
  const modelBytes = options.modelBytes ?? printedModelBytes(bench.value.rows);
  if (modelBytes === null || modelBytes <= 0) {
    return { ok: false, source: 'model-size', message: 'the llama-bench output does not say how big the model is: give --model-size' };
  }
  const judgement = judgeBenchmark({ rows: bench.value.rows, modelBytes, link: options.link, loadMs: null, log, thermal: options.thermal });
  return { ok: true, report: { ...judgement, bench: bench.value, log, modelBytes, link: options.link } };
}

/** `--json`: the rows, the figures with their limits, the ratios, the causes in the chosen language, the verdict. */
export function benchJson(locale: Locale, report: BenchReport): string {
  const { rows } = report.bench;
  const causes = report.causes.map((cause) => ({ key: cause.key, text: translateMessage(locale, cause) }));
  return `${JSON.stringify({ rows, figures: report.figures, ratios: report.ratios, causes, verdict: report.verdict }, null, 2)}\n`;
}

/** How close a figure comes to its limit: for a time the limit is the least, for a rate the most. */
export function shareOfLimit(figure: Figure): number | null {
  if (figure.limit === null || figure.limit === 0 || figure.value === 0) return null;
  return figure.unit === 's' ? figure.limit / figure.value : figure.value / figure.limit;
}

const VERDICT = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

export function benchText(locale: Locale, report: BenchReport): string {
  const t = (key: string, params?: Record<string, string | number>) => translateMessage(locale, params ? { key, params } : { key });
  const link = report.link ?? REFERENCE_LINK;
  const header = {
    build: report.bench.build ?? '?',
    format: report.bench.format,
    rows: report.bench.rows.length,
    gb: (report.modelBytes / 1e9).toFixed(2),
    width: link.width,
    gts: link.gts.toFixed(1),
  };
  return judgedText(locale, t(report.link ? 'bench.header' : 'bench.header.assumed', header), report);
}

/** The title, a header line, each figure against its limit, the verdict and the causes: any runtime's judged benchmark. */
export function judgedText(locale: Locale, header: string, report: BenchJudgement): string {
  const t = (key: string, params?: Record<string, string | number>) => translateMessage(locale, params ? { key, params } : { key });
  const out = [t('bench.title'), header, ''];
  for (const figure of report.figures) {
    const share = shareOfLimit(figure);
    const limit = figure.limit === null ? t('bench.limit.none') : t('bench.limit.value', { limit: figure.limit, unit: figure.unit });
    const percent = share === null ? '' : ` · ${t('bench.limit.share', { percent: Math.round(share * 100) })}`;
    out.push(`  ${translateMessage(locale, figure.label)}`, `      ${figure.value} ${figure.unit} · ${limit}${percent}`);
  }
  out.push('', `${VERDICT[report.verdict]}  ${t(`bench.verdict.${report.verdict}`)}`);
  if (report.causes.length > 0) {
    out.push('', t('bench.causes'));
    report.causes.forEach((cause, i) => out.push(`  ${i + 1}. ${translateMessage(locale, cause)}`));
  }
  return `${out.join('\n')}\n`;
}
