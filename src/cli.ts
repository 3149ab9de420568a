import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AuditLog } from './audit/audit-log';
import { Backend } from './app/backend';
import { defaultDataDir } from './app/data-dir';
import { NvidiaSmiQueryField } from './commands/parsers/nvidia-smi-csv';
import { parseBytes, unparsedOf, unparsedWarnings } from './commands/parse-result';
import { isParseKind, parseKindNames, parseKinds } from './commands/parse-kinds';
import { CommandRunner } from './commands/runner';
import { BENCH_HELP, benchCommand } from './cli-bench';
import { configure, undo } from './cli-changes';
import { diagnoseFromFiles, FromFilesError } from './cli-diagnose';
import { reportCommand } from './cli-report';
import { diagnoseHost } from './diagnosis/collect';
import { diagnosisText } from './diagnosis/render-text';
import { SourceName } from './diagnosis/types';
import { estimate, parseLinkSpec, parseSize } from './hardware/estimate';
import { createHost, UnknownHostError } from './host/create-host';
import { ensureSshReady, TRUST_HOST_HELP, trustHostCommand } from './host/ssh/cli';
import { pickLocale, translateMessage, type Locale } from './i18n/translate';
import { ensureRendererBuilt } from './server/build-renderer';
import { startServer } from './server/http-server';
import { wizardSteps } from './steps';
import { diagnose } from './wizard/diagnose';
import { version } from './version';

const HELP = {
  main: `egpu-wizard — set up an external NVIDIA GPU on FreeBSD, step by step

Usage:
  egpu-wizard parse <kind> [file|-]     parse a command's output and print it as JSON
  egpu-wizard diagnose [--host H] [--json] [--lang en|zh-CN]
                                         find what is wrong: findings, their evidence and fixes,
                                         and every read-only check's verdict
  egpu-wizard diagnose --from-files pciconf=FILE dmesg=FILE [kldstat=FILE] [nvidia-smi=FILE] [--json]
                                         the same findings from outputs saved on another machine
  egpu-wizard report [--host H] [--out FILE]
                                         a support report (Markdown) with private details redacted
  egpu-wizard estimate --model-size 6GiB [--model FILE] [--link x1@5.0] [--json]
                                         model load time over the link and the generation ceiling
  egpu-wizard bench --from-files llama-bench=FILE [llama-log=FILE] [--model-size SIZE] [--link xW@GTS] [--json]
                                         a llama.cpp benchmark against the card's and the link's limits
  egpu-wizard configure [--host H] [--dry-run] [--password-stdin]
                                         show (and apply) the file changes the checks propose
  egpu-wizard undo [--host H] [--dry-run] [--password-stdin]
                                         put back the files the wizard changed, newest first
  egpu-wizard serve [--host H] [--port N]
                                         start browser mode on 127.0.0.1
  egpu-wizard trust-host ssh://user@host[:port] [SHA256:…]
                                         check and accept an SSH host's key
  egpu-wizard <command> --help           help for one command

Hosts: local (this machine), ssh://user@host[:port] (a FreeBSD machine over SSH, with your own keys)
or sim:NAME (a simulated FreeBSD machine).`,
  'trust-host': TRUST_HOST_HELP,
  bench: BENCH_HELP,
  parse: `Usage: egpu-wizard parse <kind> [file|-] [--fields a,b,c]

Parses the output of a FreeBSD command and prints the parsed value as JSON.
Kinds: ${parseKindNames.join(', ')}
Reads the file, or standard input when the file is "-" or missing.
--fields  for nvidia-smi-csv: the --query-gpu fields, in order
A line it does not understand is left out, kept in "unparsed" with its line number and
reported as a warning on standard error; the rest is still read.
Exits 1 with a one-line error on input that is not that output at all (or is cut off mid-line).`,
  diagnose: `Usage: egpu-wizard diagnose [--host local|ssh://user@host|sim:NAME] [--json] [--lang en|zh-CN]
       egpu-wizard diagnose --from-files NAME=FILE… [--json] [--lang en|zh-CN]

Finds what is wrong and why: each finding has an id (gpu-not-enumerated, gpu-no-driver,
pci-window-alloc-failed, pci-bar-alloc-failed, nvidia-version-mismatch, nvidia-legacy-branch, nvidia-xid,
link-degraded, gpu-hot, msi-blacklisted, cuda-cpu-fallback), a severity (error, warn, info), the output
lines that prove it and the fixes to try in order, most likely cause first. On a host it also runs every
read-only check of every step and prints the verdicts. Changes nothing on the host.

--from-files  diagnose saved outputs instead of a host; NAME is one of
              ${SourceName.options.join(', ')}
              e.g. --from-files pciconf=pciconf.txt dmesg=/var/run/dmesg.boot
              A file that is missing, not UTF-8 or not the output its name says is refused (exit 2).
--json        {"findings":[{"id":…,"severity":…,"evidence":[{"source":"dmesg","line":123,"text":…}],…}],…}
Exits 0 when nothing is wrong, 1 when a check failed or a finding is an error, 2 on bad arguments or files.`,
  report: `Usage: egpu-wizard report [--host local|sim:NAME] [--out FILE] [--data DIR] [--lang en|zh-CN]

Collects the outputs the diagnosis reads on the host and writes one Markdown report for a forum post or a
bug report: the findings, the wizard's step states, the commands it ran (audit log) and the raw outputs.
Serial numbers, MAC addresses, UUIDs (GPU UUIDs too), host names and user names are redacted.
Prints the report without --out; read it before you post it.`,
  estimate: `Usage: egpu-wizard estimate (--model-size SIZE | --model FILE) [--link xW@GTS] [--json]

Estimates how long a model takes to load into the Tesla P4 over the PCIe link, and the fastest generation
speed its 192 GB/s memory allows (tokens/s ≤ bandwidth ÷ model size).
--model-size  e.g. 6GiB, 4.7GB, 4096MiB      --model  a model file (its size is used)
--link        the negotiated link, e.g. x1@5.0 (the X220's ExpressCard slot, the default) or x1@2.5
--json        the figures as JSON`,
  configure: `Usage: egpu-wizard configure [--host local|ssh://user@host|sim:NAME] [--dry-run] [--password-stdin] [--data DIR] [--lang en|zh-CN]

Shows the changes to /boot/loader.conf and /etc/rc.conf that the checks propose, each with its reason,
its diff and the exact commands; without --dry-run, applies them (originals kept in the change journal).
Needs root: run as root, with sudo or doas configured without a password, or give the sudo password on
standard input with --password-stdin (never on the command line).`,
  undo: `Usage: egpu-wizard undo [--host local|ssh://user@host|sim:NAME] [--dry-run] [--password-stdin] [--data DIR]

Shows the diff that reverting each change makes, newest first; without --dry-run, puts the originals back.
A file edited by hand since the wizard wrote it is left alone and reported.`,
  serve: `Usage: egpu-wizard serve [--host local|ssh://user@host|sim:NAME] [--port N] [--data DIR]

Starts the wizard in browser mode on 127.0.0.1 and prints the address (with its session token).
From another machine: ssh -L N:127.0.0.1:N user@x220, then open the printed address there.`,
};

class UsageError extends Error {}

async function readInput(file: string | undefined): Promise<Uint8Array> {
  if (file === undefined || file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks);
  }
  return readFile(file);
}

async function parseCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean' }, fields: { type: 'string' } } });
  if (values.help) return print(HELP.parse);
  const [kind, file, extra] = positionals;
  if (!kind || extra !== undefined) throw new UsageError('parse needs a kind and at most one file');
  if (!isParseKind(kind)) throw new UsageError(`unknown kind "${kind}"; kinds: ${parseKindNames.join(', ')}`);
  let fields: NvidiaSmiQueryField[] | undefined;
  if (values.fields !== undefined) {
    const checked = NvidiaSmiQueryField.array().safeParse(values.fields.split(','));
    if (!checked.success) throw new UsageError(`unknown field in --fields; known: ${NvidiaSmiQueryField.options.join(', ')}`);
    fields = checked.data;
  }
  let bytes: Uint8Array;
  try {
    bytes = await readInput(file);
  } catch (error) {
    process.stderr.write(`egpu-wizard: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const result = parseBytes<unknown>(bytes, (text) => parseKinds[kind](text, fields ? { fields } : {}));
  if (!result.ok) {
    const where = result.error.line !== undefined ? ` (line ${result.error.line})` : '';
    process.stderr.write(`egpu-wizard: ${kind}: ${result.error.message}${where}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(result.value, null, 2)}\n`);
  for (const warning of unparsedWarnings(unparsedOf(result.value))) process.stderr.write(`egpu-wizard: ${kind}: ${warning}\n`);
  return 0;
}

const localeOf = (value: string | undefined): Locale => {
  if (value === undefined) return pickLocale([process.env.LC_ALL ?? '', process.env.LANG ?? '']);
  if (value === 'en' || value === 'zh-CN') return value;
  throw new UsageError(`unknown language "${value}": en or zh-CN`);
};

const SYMBOL: Record<string, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP', error: 'ERROR' };

async function diagnoseCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean' },
      host: { type: 'string' },
      json: { type: 'boolean' },
      lang: { type: 'string' },
      'from-files': { type: 'boolean' },
    },
  });
  if (values.help) return print(HELP.diagnose);
  const locale = localeOf(values.lang);
  if (values['from-files']) {
    if (values.host !== undefined) throw new UsageError('--from-files and --host cannot be combined');
    try {
      return await diagnoseFromFiles(positionals, { json: values.json === true, locale, out: (text) => void process.stdout.write(text) });
    } catch (error) {
      if (!(error instanceof FromFilesError)) throw error;
      process.stderr.write(`egpu-wizard: ${error.message}\n`);
      return 2;
    }
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (files go after --from-files)`);
  const host = createHost(values.host ?? 'local');
  await ensureSshReady(host, locale);
  const runner = new CommandRunner(host, new AuditLog(null), () => ({ method: 'none', password: null }));
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const entries = await diagnose(runner, wizardSteps, controller.signal);
  const { diagnosis } = await diagnoseHost(runner, controller.signal);
  const failed = entries.some((e) => e.status === 'fail' || e.status === 'error') || diagnosis.findings.some((f) => f.severity === 'error');
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ host: host.spec, failed, ...diagnosis, checks: entries }, null, 2)}\n`);
    return failed ? 1 : 0;
  }
  process.stdout.write(`${diagnosisText(locale, diagnosis)}\n`);
  const t = (m: { key: string; params?: Record<string, string | number> }) => translateMessage(locale, m);
  for (const entry of entries) {
    process.stdout.write(`${(SYMBOL[entry.status] ?? entry.status).padEnd(5)} ${entry.step} / ${t({ key: entry.title })}\n      ${t(entry.reason)}\n`);
    for (const advice of entry.advice) process.stdout.write(`      → ${t(advice)}\n`);
    for (const evidence of entry.evidence) {
      process.stdout.write(`      $ ${evidence.argv.join(' ')}${evidence.exitCode !== null && evidence.exitCode !== 0 ? `  (exit ${evidence.exitCode})` : ''}\n`);
      for (const line of evidence.lines.slice(0, 8)) process.stdout.write(`      ${String(line.n).padStart(4)}│ ${line.text}\n`);
    }
  }
  return failed ? 1 : 0;
}

const bar = (fraction: number, width = 30): string => {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
};

async function estimateCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean' },
      'model-size': { type: 'string' },
      model: { type: 'string' },
      link: { type: 'string', default: 'x1@5.0' },
      json: { type: 'boolean' },
    },
  });
  if (values.help) return print(HELP.estimate);
  const link = parseLinkSpec(values.link);
  if (!link) throw new UsageError(`--link must look like x1@5.0 (lanes @ GT/s), not "${values.link}"`);
  let modelBytes: number | null = null;
  if (values.model !== undefined) {
    try {
      modelBytes = (await stat(values.model)).size;
    } catch (error) {
      throw new UsageError(`cannot read the model file ${values.model}: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else if (values['model-size'] !== undefined) {
    modelBytes = parseSize(values['model-size']);
    if (modelBytes === null) throw new UsageError(`--model-size must be a size like 6GiB or 4.7GB, not "${values['model-size']}"`);
  } else {
    throw new UsageError('give --model-size SIZE or --model FILE');
  }
  if (modelBytes === 0) throw new UsageError('the model file is empty');
  const e = estimate(modelBytes, link);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(e, null, 2)}\n`);
    return 0;
  }
  const gb = (bytes: number) => (bytes / 1e9).toFixed(2);
  const fullGen2 = estimate(modelBytes, { width: 1, gts: 5 });
  const slowest = Math.max(e.loadSeconds.practicalHigh, fullGen2.loadSeconds.practicalHigh);
  process.stdout.write(
    [
      `Model: ${gb(modelBytes)} GB   Link: x${link.width} at ${link.gts.toFixed(1)} GT/s = ${Math.round(e.link.bytesPerSecond / 1e6)} MB/s each way`,
      '',
      `Load time   ${e.loadSeconds.theoretical.toFixed(1)} s at the link's full rate, ${e.loadSeconds.practicalLow.toFixed(1)}–${e.loadSeconds.practicalHigh.toFixed(1)} s in practice`,
      `  this link    ${bar(e.loadSeconds.practicalHigh / slowest)} ${e.loadSeconds.practicalHigh.toFixed(1)} s`,
      `  x1 @ 5.0     ${bar(fullGen2.loadSeconds.practicalHigh / slowest)} ${fullGen2.loadSeconds.practicalHigh.toFixed(1)} s`,
      '',
      `Generation  at most ${e.generationCeilingTokensPerSecond.toFixed(1)} tokens/s (${Math.round(e.memoryBytesPerSecond / 1e9)} GB/s ÷ ${gb(modelBytes)} GB per token);`,
      '            the link does not limit generation once the model is loaded.',
      '',
    ].join('\n'),
  );
  return 0;
}

async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const password = Buffer.concat(chunks).toString('utf8').split('\n')[0] ?? '';
  if (password === '') throw new UsageError('--password-stdin: no password on standard input');
  return password;
}

async function changesCommand(kind: 'configure' | 'undo', argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean' },
      host: { type: 'string', default: 'local' },
      'dry-run': { type: 'boolean' },
      'password-stdin': { type: 'boolean' },
      data: { type: 'string' },
      lang: { type: 'string' },
    },
  });
  if (values.help) return print(HELP[kind]);
  const host = createHost(values.host, values.data !== undefined ? { dataDir: values.data } : {});
  await ensureSshReady(host, localeOf(values.lang));
  const options = {
    host,
    dataDir: values.data,
    dryRun: values['dry-run'] === true,
    password: values['password-stdin'] ? await readPassword() : null,
    locale: localeOf(values.lang),
    out: (text: string) => void process.stdout.write(text),
  };
  return kind === 'configure' ? configure(options) : undo(options);
}

async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean' },
      host: { type: 'string', default: 'local' },
      port: { type: 'string', default: '0' },
      data: { type: 'string' },
    },
  });
  if (values.help) return print(HELP.serve);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, not "${values.port}"`);
  const dataDir = values.data ?? defaultDataDir();
  createHost(values.host, { dataDir }); // fail fast with a clear message before building anything
  const rendererDir = await ensureRendererBuilt((line) => process.stderr.write(`${line}\n`));
  let server;
  try {
    server = await startServer({
      rendererDir,
      port,
      createBackend: (emit) => Backend.create({ dataDir, hostSpec: values.host, mode: 'browser', version, emit }),
    });
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'EADDRINUSE') {
      throw new UsageError(`port ${port} is already in use: choose another with --port, or 0 for any free port`);
    }
    throw error;
  }
  process.stdout.write(`eGPU Wizard is running in browser mode (host ${values.host}).\nOpen: ${server.url}\n`);
  process.stdout.write(`Data folder: ${dataDir}\nStop with Ctrl+C.\n`);
  await new Promise<void>((resolvePromise) => {
    const stop = () => resolvePromise();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'parse':
        return await parseCommand(rest);
      case 'diagnose':
        return await diagnoseCommand(rest);
      case 'report':
        return await reportCommand(rest, { usageError: (message) => new UsageError(message), locale: localeOf, help: HELP.report });
      case 'serve':
        return await serveCommand(rest);
      case 'estimate':
        return await estimateCommand(rest);
      case 'bench':
        return await benchCommand(rest, {
          usageError: (message) => new UsageError(message),
          readPassword,
          locale: localeOf,
          out: (text) => void process.stdout.write(text),
          err: (text) => void process.stderr.write(text),
        });
      case 'configure':
      case 'undo':
        return await changesCommand(command, rest);
      case 'trust-host':
        return await trustHostCommand(rest, (text) => void process.stdout.write(text));
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        return print(HELP.main);
      case '--version':
        return print(version);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof UnknownHostError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`egpu-wizard: ${error.message}\nTry "egpu-wizard ${command && command in HELP ? `${command} ` : ''}--help".\n`);
      return 2;
    }
    process.stderr.write(`egpu-wizard: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
