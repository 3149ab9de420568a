import { parseArgs } from 'node:util';
import { benchJson, benchReport, benchText, type BenchOptions, type BenchOutputs } from '../bench/report';
import { FromFilesError, readOutputFile } from './from-files';
import { parseLinkSpec, parseSize } from '../hardware/estimate';
import { benchOnHost } from './bench-host';
import { elevationFor } from './elevation';
import { withHost } from './host';
import { isOllamaBench, ollamaBenchFromFiles } from '../bench/ollama-cli';
import type { Locale } from '../i18n/translate';

/** `egpu-wizard bench --from-files llama-bench=FILE [llama-log=FILE]`: llama.cpp's figures against the P4's limits. */

export const BENCH_HELP = `Usage: egpu-wizard bench --from-files llama-bench=FILE [llama-log=FILE] [--model-size SIZE] [--link xW@GTS] [--json] [--lang en|zh-CN]
       egpu-wizard bench --from-files ollama=FILE [ollama-log=FILE] [--model-size SIZE] [--link xW@GTS] [--json] [--lang en|zh-CN]
       egpu-wizard bench --host local|ssh://user@host|sim:NAME [--password-stdin] [--model-size SIZE] [--json] [--lang en|zh-CN]

Judges a llama.cpp benchmark against the physical limits of the Tesla P4 behind the X220's ExpressCard:
model load rate against the link (x1 at 5.0 GT/s = 500 MB/s), generation against the card's memory
(192 GB/s ÷ model size), prompt processing shown as measured. A figure under half its limit is "far
below", and the likely causes are listed: a slow link, the disk, a build without CUDA, layers left on the
CPU, heat.

--from-files  llama-bench=FILE  what llama-bench printed (table, -o csv, -o json or -o jsonl)
              llama-log=FILE    optional: what llama-cli or llama-server printed (load time, offloaded layers)
              ollama=FILE       instead: what ollama's /api/generate answered with "stream": false (timings in ns)
              ollama-log=FILE   optional with ollama=: ollama serve's log (CUDA or CPU, layers offloaded)
--model-size  e.g. 4.58GiB; by default the size llama-bench printed (for ollama=: needed unless the model is llama3.1:8b)
--link        the negotiated link, e.g. x1@5.0 or x1@2.5 (from pciconf -lc); without it x1@5.0 is assumed
--host        run it now on that machine, in the jail the wizard built (root needed: as root, sudo/doas without a
              password, or the sudo password on standard input with --password-stdin); the link is read from pciconf
              and the card's temperature right after the run
--json        {"rows":[…],"figures":[…],"ratios":{…},"causes":[{"key":…,"text":…}],"verdict":"pass|warn|fail"}
Exits 0 on pass or warn, 1 when generation is far below its limit, 2 on bad arguments or files.`;

const NAMES = ['llama-bench', 'llama-log'] as const;
type Name = (typeof NAMES)[number];
const isName = (name: string): name is Name => (NAMES as readonly string[]).includes(name);

export interface BenchCommandContext {
  usageError: (message: string) => Error;
  /** The sudo password from standard input, for --password-stdin. */
  readPassword?: () => Promise<string>;
  locale: (value: string | undefined) => Locale;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Reads `llama-bench=FILE [llama-log=FILE]`; a string is the one-line error. */
async function readOutputs(specs: readonly string[]): Promise<{ outputs: BenchOutputs; files: Record<Name, string | undefined> } | string> {
  const files: Record<Name, string | undefined> = { 'llama-bench': undefined, 'llama-log': undefined };
  for (const spec of specs) {
    const at = spec.indexOf('=');
    const name = at > 0 ? spec.slice(0, at) : '';
    const file = at > 0 ? spec.slice(at + 1) : '';
    if (!isName(name) || file === '') return `"${spec}" is not NAME=FILE with NAME one of ${NAMES.join(', ')}`;
    if (files[name] !== undefined) return `${name} is given twice`;
    files[name] = file;
  }
  const texts: Partial<Record<Name, string>> = {};
  for (const name of NAMES) {
    const file = files[name];
    if (file === undefined) continue;
    try {
      texts[name] = await readOutputFile(name, file);
    } catch (error) {
      if (error instanceof FromFilesError) return error.message;
      throw error;
    }
  }
  if (texts['llama-bench'] === undefined) return '--from-files needs llama-bench=FILE (and optionally llama-log=FILE)';
  return { outputs: { llamaBench: texts['llama-bench'], llamaLog: texts['llama-log'] ?? null }, files };
}

/** Prints the judged benchmark; the exit code says pass/warn (0) or fail (1). Shared with a live run on a host. */
export function printBench(outputs: BenchOutputs, options: BenchOptions, json: boolean, locale: Locale, context: Pick<BenchCommandContext, 'out' | 'err'>, files?: Record<Name, string | undefined>): number {
  const result = benchReport(outputs, options);
  if (!result.ok) {
    const file = result.source === 'model-size' ? undefined : files?.[result.source];
    context.err(`egpu-wizard: ${file !== undefined ? `${result.source} file ${file} is not ${result.source} output: ` : ''}${result.message}\n`);
    return 2;
  }
  context.out(json ? benchJson(locale, result.report) : benchText(locale, result.report));
  return result.report.verdict === 'fail' ? 1 : 0;
}

export async function benchCommand(argv: string[], context: BenchCommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean' },
      'from-files': { type: 'boolean' },
      host: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'model-size': { type: 'string' },
      link: { type: 'string' },
      json: { type: 'boolean' },
      lang: { type: 'string' },
    },
  });
  if (values.help) {
    context.out(`${BENCH_HELP}\n`);
    return 0;
  }
  const locale = context.locale(values.lang);
  if (values['from-files'] && values.host !== undefined) throw context.usageError('--from-files and --host cannot be combined');
  if (!values['from-files'] && values.host === undefined) throw context.usageError('bench needs --host H or --from-files llama-bench=FILE [llama-log=FILE]');
  let modelBytes: number | null = null;
  if (values['model-size'] !== undefined) {
    modelBytes = parseSize(values['model-size']);
    if (modelBytes === null) throw context.usageError(`--model-size must be a size like 4.58GiB or 4.9GB, not "${values['model-size']}"`);
  }
  const link = values.link === undefined ? null : parseLinkSpec(values.link);
  if (values.link !== undefined && link === null) throw context.usageError(`--link must look like x1@5.0 (lanes @ GT/s), not "${values.link}"`);
  if (values.host !== undefined) {
    if (positionals.length > 0) throw context.usageError(`unexpected argument "${positionals[0]}"`);
    return withHost(values.host, { locale }, async (host) => {
      const password = values['password-stdin'] && context.readPassword ? await context.readPassword() : null;
      const live = await benchOnHost(host, await elevationFor(host, password), modelBytes);
      if (typeof live === 'string') {
        context.err(`egpu-wizard: ${live}\n`);
        return 2;
      }
      return printBench(live.outputs, { ...live.options, link: link ?? live.options.link }, values.json === true, locale, context);
    });
  }
  if (isOllamaBench(positionals)) return ollamaBenchFromFiles(positionals, { modelBytes, link, json: values.json === true, locale, out: context.out, err: context.err });
  const read = await readOutputs(positionals);
  if (typeof read === 'string') {
    context.err(`egpu-wizard: ${read}\n`);
    return 2;
  }
  return printBench(read.outputs, { modelBytes, link, thermal: null }, values.json === true, locale, context, read.files);
}
