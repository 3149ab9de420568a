import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/audit-log';
import { CommandRunner } from '../commands/runner';
import { diagnoseHost } from '../diagnosis/collect';
import { diagnosisText } from '../diagnosis/render-text';
import { SourceName } from '../diagnosis/types';
import { translateMessage } from '../i18n/translate';
import { wizardSteps } from '../steps';
import { diagnose } from '../wizard/diagnose';
import { elevationFromFlag } from './elevation';
import { UsageError } from './errors';
import { diagnoseFromFiles, FromFilesError } from './from-files';
import { withHost } from './host';
import { err, out, print } from './io';
import { localeOf } from './locale';

export const DIAGNOSE_HELP = `Usage: egpu-wizard diagnose [--host local|ssh://user@host|sim:NAME] [--password-stdin] [--json] [--lang en|zh-CN]
       egpu-wizard diagnose --from-files NAME=FILE… [--json] [--lang en|zh-CN]

Finds what is wrong and why: each finding has an id (gpu-not-enumerated, gpu-no-driver,
pci-window-alloc-failed, pci-bar-alloc-failed, nvidia-version-mismatch, nvidia-legacy-branch, nvidia-xid,
link-degraded, gpu-hot, msi-blacklisted, cuda-cpu-fallback), a severity (error, warn, info), the output
lines that prove it and the fixes to try in order, most likely cause first. On a host it also runs every
read-only check of every step and prints the verdicts. Changes nothing on the host.

--password-stdin  the sudo password on standard input (never on the command line). Some readings need root
              (the PCIe link's speed and width from pciconf -c, the driver's branch): without root, from
              sudo or doas without a password or from this password, those checks are skipped and say so.
--from-files  diagnose saved outputs instead of a host; NAME is one of
              ${SourceName.options.join(', ')}
              e.g. --from-files pciconf=pciconf.txt dmesg=/var/run/dmesg.boot
              A file that is missing, not UTF-8 or not the output its name says is refused (exit 2).
--json        {"findings":[{"id":…,"severity":…,"evidence":[{"source":"dmesg","line":123,"text":…}],…}],…}
Exits 0 when nothing is wrong, 1 when a check failed or a finding is an error, 2 on bad arguments or files.`;

const SYMBOL: Record<string, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP', error: 'ERROR' };

export async function diagnoseCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean' },
      host: { type: 'string' },
      json: { type: 'boolean' },
      lang: { type: 'string' },
      'from-files': { type: 'boolean' },
      'password-stdin': { type: 'boolean' },
    },
  });
  if (values.help) return print(DIAGNOSE_HELP);
  const locale = localeOf(values.lang);
  if (values['from-files']) {
    if (values.host !== undefined) throw new UsageError('--from-files and --host cannot be combined');
    if (values['password-stdin']) throw new UsageError('--password-stdin is for a host; --from-files runs nothing');
    try {
      return await diagnoseFromFiles(positionals, { json: values.json === true, locale, out });
    } catch (error) {
      if (!(error instanceof FromFilesError)) throw error;
      err(`egpu-wizard: ${error.message}\n`);
      return 2;
    }
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (files go after --from-files)`);
  return withHost(values.host ?? 'local', { locale }, async (host) => {
    const elevation = await elevationFromFlag(host, values['password-stdin']);
    const runner = new CommandRunner(host, new AuditLog(null), () => elevation);
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    const entries = await diagnose(runner, wizardSteps, controller.signal, elevation.password !== null);
    const { diagnosis } = await diagnoseHost(runner, controller.signal);
    const failed = entries.some((e) => e.status === 'fail' || e.status === 'error') || diagnosis.findings.some((f) => f.severity === 'error');
    // Without root the link is never read, so a slow link cannot be found: say so rather than stay silent.
    const withoutRoot = elevation.method === 'none' ? translateMessage(locale, { key: 'cli.diagnose.withoutRoot' }) : null;
    if (values.json) {
      out(`${JSON.stringify({ host: host.spec, elevation: elevation.method, withoutRoot, failed, ...diagnosis, checks: entries }, null, 2)}\n`);
      return failed ? 1 : 0;
    }
    out(`${diagnosisText(locale, diagnosis)}\n`);
    const t = (m: { key: string; params?: Record<string, string | number> }) => translateMessage(locale, m);
    for (const entry of entries) {
      out(`${(SYMBOL[entry.status] ?? entry.status).padEnd(5)} ${entry.step} / ${t({ key: entry.title })}\n      ${t(entry.reason)}\n`);
      for (const advice of entry.advice) out(`      → ${t(advice)}\n`);
      for (const evidence of entry.evidence) {
        out(`      $ ${evidence.argv.join(' ')}${evidence.exitCode !== null && evidence.exitCode !== 0 ? `  (exit ${evidence.exitCode})` : ''}\n`);
        for (const line of evidence.lines.slice(0, 8)) out(`      ${String(line.n).padStart(4)}│ ${line.text}\n`);
      }
    }
    if (withoutRoot !== null) out(`\n${withoutRoot}\n`);
    return failed ? 1 : 0;
  });
}
