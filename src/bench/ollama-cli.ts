import { readFile } from 'node:fs/promises';
import { decodeUtf8 } from '../commands/parse-result';
import { translateMessage, type Locale } from '../i18n/translate';
import { ollamaBenchReport, readOllamaGenerate, warmNote, type OllamaBenchReport } from './ollama-generate';
import { parseOllamaLog, type OllamaLog } from './ollama-log';
import { REFERENCE_LINK, type BenchInput } from './judge';
import { judgedText } from './report';

/**
 * `egpu-wizard bench --from-files ollama=FILE [ollama-log=FILE]`: what /api/generate answered, judged like a
 * llama-bench run and printed in the same JSON shape. Kept apart from the llama.cpp path so the CLI needs one
 * branch: `isOllamaBench(specs)` and `ollamaBenchFromFiles(…)`.
 */

export const isOllamaBench = (specs: readonly string[]): boolean => specs.some((s) => s.startsWith('ollama='));

export interface OllamaBenchCli {
  modelBytes: number | null;
  link: BenchInput['link'];
  json: boolean;
  locale: Locale;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** `--json`: rows, figures with their limits, ratios, the causes in the chosen language, the verdict. */
export function ollamaBenchJson(locale: Locale, report: OllamaBenchReport): string {
  const causes = [...report.causes, ...(report.warm ? [warmNote()] : [])].map((cause) => ({ key: cause.key, text: translateMessage(locale, cause) }));
  return `${JSON.stringify({ rows: report.rows, figures: report.figures, ratios: report.ratios, causes, verdict: report.verdict }, null, 2)}\n`;
}

export function ollamaBenchText(locale: Locale, report: OllamaBenchReport): string {
  const link = report.link ?? REFERENCE_LINK;
  const header = translateMessage(locale, {
    key: report.link ? 'ollama.bench.header' : 'ollama.bench.header.assumed',
    params: { model: report.rows[0]?.model ?? '?', gb: (report.modelBytes / 1e9).toFixed(2), width: link.width, gts: link.gts.toFixed(1) },
  });
  const text = judgedText(locale, header, report);
  return report.warm ? `${text}\n${translateMessage(locale, warmNote())}\n` : text;
}

async function readLog(file: string): Promise<OllamaLog | string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch {
    return `cannot read ollama-log file ${file}`;
  }
  const text = decodeUtf8(bytes);
  if (!text.ok) return `ollama-log file ${file} is not UTF-8 text`;
  const log = parseOllamaLog(text.value);
  return log.ok ? log.value : `ollama-log file ${file} is not ollama serve's log: ${log.error.message}`;
}

/** Exit 0 on pass or warn, 1 when generation is far below its limit, 2 on a bad argument or file. */
export async function ollamaBenchFromFiles(specs: readonly string[], options: OllamaBenchCli): Promise<number> {
  const files: Record<'ollama' | 'ollama-log', string | undefined> = { ollama: undefined, 'ollama-log': undefined };
  for (const spec of specs) {
    const at = spec.indexOf('=');
    const name = at > 0 ? spec.slice(0, at) : '';
    const file = at > 0 ? spec.slice(at + 1) : '';
    if ((name !== 'ollama' && name !== 'ollama-log') || file === '') {
      options.err(`egpu-wizard: "${spec}" is not NAME=FILE with NAME one of ollama, ollama-log\n`);
      return 2;
    }
    if (files[name] !== undefined) {
      options.err(`egpu-wizard: ${name} is given twice\n`);
      return 2;
    }
    files[name] = file;
  }
  const generate = await readOllamaGenerate(files.ollama ?? '');
  if (!generate.ok) {
    options.err(`egpu-wizard: ollama file ${files.ollama ?? ''} is not what /api/generate answers: ${generate.error.message}\n`);
    return 2;
  }
  let log: OllamaLog | null = null;
  if (files['ollama-log'] !== undefined) {
    const read = await readLog(files['ollama-log']);
    if (typeof read === 'string') {
      options.err(`egpu-wizard: ${read}\n`);
      return 2;
    }
    log = read;
  }
  const result = ollamaBenchReport(generate.value, { modelBytes: options.modelBytes, link: options.link, thermal: null, log });
  if (!result.ok) {
    options.err(`egpu-wizard: ${result.message}\n`);
    return 2;
  }
  options.out(options.json ? ollamaBenchJson(options.locale, result.report) : ollamaBenchText(options.locale, result.report));
  return result.report.verdict === 'fail' ? 1 : 0;
}
