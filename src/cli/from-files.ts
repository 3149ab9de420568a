import { readFile } from 'node:fs/promises';
import { decodeUtf8 } from '../commands/parse-result';
import { diagnoseOutputs } from '../diagnosis/engine';
import { parseSource } from '../diagnosis/inputs';
import { diagnosisText } from '../diagnosis/render-text';
import { SourceName, type Diagnosis, type RawOutput } from '../diagnosis/types';
import type { Locale } from '../i18n/translate';

/** `egpu-wizard diagnose --from-files NAME=FILE…`: the engine on outputs copied from a machine the wizard cannot reach. */

/** A problem with the command line or its files: one line on stderr, exit code 2. */
export class FromFilesError extends Error {}

/** Reads one saved output: it must exist and be UTF-8 text. */
export async function readOutputFile(name: string, file: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : 'unreadable';
    throw new FromFilesError(`cannot read ${name} file ${file}: ${why}`);
  }
  const text = decodeUtf8(bytes);
  if (!text.ok) throw new FromFilesError(`${name} file ${file} is not UTF-8 text`);
  return text.value;
}

/** Reads `source=FILE` arguments; every file must exist, be UTF-8 text and parse as the output it claims to be. */
export async function readSourceFiles(specs: readonly string[]): Promise<RawOutput[]> {
  if (specs.length === 0) throw new FromFilesError(`--from-files needs at least one NAME=FILE (names: ${SourceName.options.join(', ')})`);
  const outputs: RawOutput[] = [];
  for (const spec of specs) {
    const at = spec.indexOf('=');
    const name = at > 0 ? spec.slice(0, at) : '';
    const file = at > 0 ? spec.slice(at + 1) : '';
    const source = SourceName.safeParse(name);
    if (!source.success || file === '') throw new FromFilesError(`"${spec}" is not NAME=FILE with NAME one of ${SourceName.options.join(', ')}`);
    if (outputs.some((o) => o.source === source.data)) throw new FromFilesError(`${source.data} is given twice`);
    const text = await readOutputFile(source.data, file);
    // A file that is not the output it claims to be is refused, as `egpu-wizard parse` refuses it, instead of
    // quietly diagnosing without it.
    const parsed = parseSource(source.data, text);
    if (!parsed.ok) {
      const where = parsed.error.line !== undefined ? ` (line ${parsed.error.line})` : '';
      throw new FromFilesError(`${source.data} file ${file} is not ${source.data} output: ${parsed.error.message}${where}`);
    }
    outputs.push({ source: source.data, text, origin: file });
  }
  return outputs;
}

export interface FromFilesOptions {
  json: boolean;
  locale: Locale;
  out: (text: string) => void;
}

/** Exit 0 when nothing is an error, 1 when a finding is. */
export async function diagnoseFromFiles(specs: readonly string[], options: FromFilesOptions): Promise<number> {
  const diagnosis: Diagnosis = diagnoseOutputs({ outputs: await readSourceFiles(specs) });
  options.out(options.json ? `${JSON.stringify(diagnosis, null, 2)}\n` : diagnosisText(options.locale, diagnosis));
  return diagnosis.findings.some((f) => f.severity === 'error') ? 1 : 0;
}
