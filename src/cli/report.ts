import { readFile, writeFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/audit-log';
import { defaultDataDir } from '../app/data-dir';
import { CommandRunner } from '../commands/runner';
import { LogEntry } from '../contract/state';
import { collectOutputs } from '../diagnosis/collect';
import { diagnoseOutputs } from '../diagnosis/engine';
import { buildReport, type ReportSteps } from '../report/build';
import { wizardSteps } from '../steps';
import { progressFile, SavedProgress } from '../wizard/progress';
import { version } from '../version';
import { elevationFromFlag } from './elevation';
import { UsageError } from './errors';
import { withHost } from './host';
import { out, print } from './io';
import { localeOf } from './locale';

/** `egpu-wizard report`: the support bundle from the command line, the same text the app previews. */

export const REPORT_HELP = `Usage: egpu-wizard report [--host local|ssh://user@host|sim:NAME] [--password-stdin] [--out FILE] [--data DIR] [--lang en|zh-CN]

Collects the outputs the diagnosis reads on the host and writes one Markdown report for a forum post or a
bug report: the findings, the wizard's step states, the commands it ran (audit log) and the raw outputs.
Serial numbers, MAC addresses, UUIDs (GPU UUIDs too), host names and user names are redacted.
--password-stdin  the sudo password on standard input, so the outputs that need root (the PCIe link's
                  state from pciconf -c) are in the report too
Prints the report without --out; read it before you post it.`;

/** How many of the host's recent audit entries the report lists. */
const AUDIT_ENTRIES = 200;

/** Saved progress, read without touching it (a corrupt file is simply left out, not set aside). */
async function savedSteps(dataDir: string, hostSpec: string): Promise<ReportSteps | null> {
  let raw: string;
  try {
    raw = await readFile(progressFile(dataDir, hostSpec).path, 'utf8');
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const saved = SavedProgress.safeParse(json);
  if (!saved.success) return null;
  const progress = saved.data;
  return {
    steps: wizardSteps.map((step) => {
      const own = progress.steps[step.id];
      return {
        id: step.id,
        title: { key: step.title },
        status: progress.currentStepId === step.id ? 'current' : own?.completed ? 'done' : 'todo',
      };
    }),
    checks: wizardSteps.flatMap((step) =>
      step.checks.flatMap((check) => {
        const result = progress.steps[step.id]?.checks[check.id];
        return result ? [{ step: step.id, id: check.id, title: { key: check.title }, status: result.status, reason: result.reason }] : [];
      }),
    ),
  };
}

/** The host's recent entries of the audit log file (one JSON line each); unreadable lines are skipped. */
async function auditEntries(dataDir: string, hostSpec: string): Promise<LogEntry[]> {
  let raw: string;
  try {
    raw = await readFile(join(dataDir, 'audit.log'), 'utf8');
  } catch {
    return [];
  }
  const entries: LogEntry[] = [];
  for (const line of raw.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = LogEntry.safeParse(JSON.parse(line));
      if (entry.success && entry.data.host === hostSpec) entries.push(entry.data);
    } catch {
      // A line cut short by a crash: skip it, keep the rest.
    }
  }
  return entries.slice(-AUDIT_ENTRIES);
}

export async function reportCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean' },
      host: { type: 'string', default: 'local' },
      out: { type: 'string' },
      data: { type: 'string' },
      lang: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
  });
  if (values.help) return print(REPORT_HELP);
  const locale = localeOf(values.lang);
  const dataDir = values.data ?? defaultDataDir();
  return withHost(values.host, { dataDir, locale }, async (host) => {
    const elevation = await elevationFromFlag(host, values['password-stdin']);
    const audit = new AuditLog(null);
    const runner = new CommandRunner(host, audit, () => elevation);
    const { input } = await collectOutputs(runner);
    // This machine's own names are known here; a remote or simulated host's are learnt from its outputs.
    const local = host.spec === 'local';
    const text = buildReport({
      locale,
      generatedAt: new Date().toISOString(),
      version,
      host: host.spec,
      diagnosis: diagnoseOutputs(input),
      outputs: input.outputs,
      steps: await savedSteps(dataDir, host.spec),
      audit: [...(await auditEntries(dataDir, host.spec)), ...audit.recent(AUDIT_ENTRIES)],
      redaction: local ? { hostnames: [hostname()], users: [userInfo().username] } : {},
    });
    if (values.out === undefined) {
      out(text);
      return 0;
    }
    try {
      await writeFile(values.out, text, { encoding: 'utf8', mode: 0o600 });
    } catch (error) {
      throw new UsageError(`cannot write ${values.out}: ${error instanceof Error ? error.message : String(error)}`);
    }
    out(`Report written to ${values.out} (${text.length} characters). Read it before you post it.\n`);
    return 0;
  });
}
