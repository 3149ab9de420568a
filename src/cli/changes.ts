import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/audit-log';
import { defaultDataDir } from '../app/data-dir';
import { PlanApplier, replacementCommands } from '../config/apply';
import { journalFile } from '../config/journal';
import type { FileChange } from '../contract/plan';
import { CommandRunner, describeCommand } from '../commands/runner';
import { isPassthroughChange, readGuest } from '../steps/cuda-jail/route-undo';
import type { Host } from '../host/types';
import { translateMessage, type Locale } from '../i18n/translate';
import { adapterCardStep } from '../steps/adapter-card';
import { bootConfigStep } from '../steps/boot-config';
import { CheckRound } from '../wizard/run-checks';
import { elevationFor, readPassword } from './elevation';
import { withHost } from './host';
import { out, print } from './io';
import { localeOf } from './locale';

export const CONFIGURE_HELP = `Usage: egpu-wizard configure [--host local|ssh://user@host|sim:NAME] [--dry-run] [--password-stdin] [--data DIR] [--lang en|zh-CN]

Shows the changes to /boot/loader.conf and /etc/rc.conf that the checks propose, each with its reason,
its diff and the exact commands; without --dry-run, applies them (originals kept in the change journal).
Needs root: run as root, with sudo or doas configured without a password, or give the sudo password on
standard input with --password-stdin (never on the command line).`;

export const UNDO_HELP = `Usage: egpu-wizard undo [--host local|ssh://user@host|sim:NAME] [--passthrough] [--dry-run] [--password-stdin] [--data DIR]

Shows the diff that reverting each change makes, newest first; without --dry-run, puts the originals back.
A file edited by hand since the wizard wrote it is left alone and reported. --passthrough takes back only
the passthrough route's changes (from the card's reservation on), so the driver stays set up; its guest
must be stopped first (vm stop cuda), since it holds the card.`;

export interface ChangeOptions {
  host: Host;
  dataDir: string | undefined;
  dryRun: boolean;
  /** undo: only the passthrough route's changes. */
  passthrough?: boolean;
  password: string | null;
  locale: Locale;
  out: (text: string) => void;
}

/** The file changes the wizard's checks propose on this host now (the same ones the app shows). */
async function proposedChanges(runner: CommandRunner): Promise<FileChange[]> {
  const round = new CheckRound(runner, {});
  const checks = [...adapterCardStep.checks, ...bootConfigStep.checks];
  const changes = new Map<string, FileChange>();
  for (const check of checks) {
    const { verdict } = await round.check(check, { passwordVerified: false });
    // Both steps may propose loader.conf; the boot step's proposal already includes the adapter's fix.
    for (const change of verdict.plan ?? []) changes.set(change.path, change);
  }
  return [...changes.values()];
}

function printChange(change: FileChange, options: ChangeOptions): void {
  for (const reason of change.reasons) options.out(`# ${translateMessage(options.locale, reason)}\n`);
  options.out(change.diff);
  for (const command of replacementCommands(change)) {
    options.out(`${command.privileged ? '#' : '$'} ${command.argv.join(' ')}\n`);
  }
  options.out('\n');
}

/** `egpu-wizard configure`: shows (and unless --dry-run, applies) what the checks propose. Exit 0 when done. */
export async function configure(options: ChangeOptions): Promise<number> {
  const elevation = await elevationFor(options.host, options.password);
  const runner = new CommandRunner(options.host, new AuditLog(null), () => elevation);
  const changes = await proposedChanges(runner);
  if (changes.length === 0) {
    options.out('Nothing to change: the configuration is already in place.\n');
    return 0;
  }
  for (const change of changes) printChange(change, options);
  if (options.dryRun) return 0;
  if (elevation.method === 'none') {
    options.out('Not applied: this needs root. Run as root, configure sudo or doas, or pass the sudo password with --password-stdin.\n');
    return 1;
  }
  const applier = new PlanApplier(runner, journalFile(options.dataDir ?? defaultDataDir()));
  const outcome = await applier.apply(changes);
  if (outcome.status === 'applied') {
    options.out(`Applied: ${outcome.paths.join(', ')}. The originals are in the change journal; "egpu-wizard undo" puts them back.\n`);
    return 0;
  }
  options.out(`${outcome.status === 'restored' ? 'Restored the original' : 'Not applied'} (${outcome.path}): ${outcome.reason}\n`);
  return 1;
}

/** `egpu-wizard undo`: shows (and unless --dry-run, reverts) the wizard's changes on this host, newest first. */
export async function undo(options: ChangeOptions): Promise<number> {
  const elevation = await elevationFor(options.host, options.password);
  const runner = new CommandRunner(options.host, new AuditLog(null), () => elevation);
  const applier = new PlanApplier(runner, journalFile(options.dataDir ?? defaultDataDir()));
  const all = await applier.applied();
  const from = all.findLastIndex((c) => isPassthroughChange(c.origin));
  if (options.passthrough === true && from < 0) {
    options.out('Nothing to undo: the passthrough route has not changed any file on this host.\n');
    return 0;
  }
  const applied = options.passthrough === true ? all.slice(0, from + 1) : all;
  if (applied.length === 0) {
    options.out('Nothing to undo: the wizard has not changed any file on this host.\n');
    return 0;
  }
  for (const change of applied) options.out(`# ${change.path}, changed ${change.at}${change.removes ? ' (deleted: the wizard created it)' : ''}\n${change.undoDiff}\n`);
  if (options.dryRun) return 0;
  if (elevation.method === 'none') {
    options.out('Not undone: this needs root. Run as root, configure sudo or doas, or pass the sudo password with --password-stdin.\n');
    return 1;
  }
  const guest = applied.some((c) => isPassthroughChange(c.origin)) ? await readGuest(runner) : null;
  if (guest?.running === true) {
    options.out(`Not undone: the virtual machine ${guest.name} is running and holds the card, and vm-bhyve cannot stop it once rc.conf loses vm_enable. Stop it first (as root): ${describeCommand('vmStop', {}).argv.join(' ')}\n${guest.line}\n`);
    return 1;
  }
  const through = applied.at(-1)?.id;
  const result = await applier.undoAll(options.passthrough === true && through !== undefined ? { through } : {});
  options.out(`Undone: ${result.restored.length} change(s).\n`);
  for (const skip of result.skipped) options.out(`Left as it is: ${skip.path} (${skip.reason})\n`);
  return result.skipped.length === 0 ? 0 : 1;
}

/** `egpu-wizard configure|undo [--host H] [--dry-run] [--password-stdin] [--data DIR]`. */
export async function changesCommand(kind: 'configure' | 'undo', argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean' },
      host: { type: 'string', default: 'local' },
      'dry-run': { type: 'boolean' },
      passthrough: { type: 'boolean' },
      'password-stdin': { type: 'boolean' },
      data: { type: 'string' },
      lang: { type: 'string' },
    },
  });
  if (values.help) return print(kind === 'configure' ? CONFIGURE_HELP : UNDO_HELP);
  const locale = localeOf(values.lang);
  return withHost(values.host, { dataDir: values.data, locale }, async (host) => {
    const options = {
      host,
      dataDir: values.data,
      dryRun: values['dry-run'] === true,
      passthrough: values.passthrough === true,
      password: values['password-stdin'] ? await readPassword() : null,
      locale,
      out,
    };
    return kind === 'configure' ? configure(options) : undo(options);
  });
}
