import { DEVICE_TREE_ROOTS } from '../commands/catalogue';
import type { CommandId } from '../commands/catalogue';
import type { CommandRun, CommandRunner } from '../commands/runner';
import { mapLimited } from '../host/limit';
import { diagnoseOutputs } from './engine';
import type { Diagnosis, DiagnosisInput, RawOutput, SourceName } from './types';

/**
 * Collects the engine's inputs on a live host through the CommandRunner: read-only catalogue commands only,
 * each with its timeout and an audit entry. A command that is missing, refused or failed simply leaves its
 * source out; the diagnosis says which sources it had.
 */

/** Commands collecting at a time (see ROUND_CONCURRENCY). */
export const COLLECT_CONCURRENCY = 4;

interface Collected {
  source: SourceName;
  run: CommandRun<unknown>;
}

/** A tool's output is usable when it ran to its end and its parser accepted it (nvidia-smi exits 6 or 9 with a verdict). */
const usable = (run: CommandRun<unknown>): boolean => (run.outcome === 'ok' || run.outcome === 'failed') && run.parsed.ok;

async function pciconf(runner: CommandRunner, signal?: AbortSignal): Promise<CommandRun<unknown>> {
  const options = signal ? { signal } : {};
  // -c needs root; without a way to become root, the listing without link lines still places every BAR.
  const caps = await runner.run('pciconfCaps', {}, options);
  return caps.refusal === null && usable(caps) ? caps : runner.run('pciconf', { verbose: true, bars: true }, options);
}

export async function collectOutputs(runner: CommandRunner, signal?: AbortSignal): Promise<{ input: DiagnosisInput; runs: Array<CommandRun<unknown>> }> {
  const options = signal ? { signal } : {};
  const simple: Array<[SourceName, CommandId]> = [
    ['dmesg-boot', 'dmesgBoot'],
    ['dmesg', 'dmesg'],
    ['kldstat', 'kldstat'],
    ['kenv', 'kenv'],
    ['pkg-query', 'pkgQuery'],
    ['nvidia-smi', 'nvidiaSmi'],
    ['acpidump', 'acpiTables'],
  ];
  const jobs: Array<() => Promise<Collected>> = [
    () => pciconf(runner, signal).then((run) => ({ source: 'pciconf', run })),
    () => runner.run('sysctlTree', { roots: [...DEVICE_TREE_ROOTS] }, options).then((run) => ({ source: 'sysctl', run })),
    ...simple.map(([source, id]) => async (): Promise<Collected> => ({ source, run: await runner.run(id, {}, options) })),
  ];
  // ollama's serve log exists only where the wizard's ollama service has run in the jail; a missing or empty log is no source.
  jobs.push(() => runner.run('ollamaLog', {}, options).then((run): Collected => ({ source: 'ollama-log', run })));
  // Bounded like a round of checks: a remote host serves a limited number of sessions at once.
  const collected = await mapLimited(jobs, COLLECT_CONCURRENCY, (job) => job());
  const outputs: RawOutput[] = collected
    .filter(({ source, run }) => usable(run) && (source !== 'ollama-log' || (run.exitCode === 0 && run.stdout.trim() !== '')))
    .map(({ source, run }) => ({
      source,
      // nvidia-smi prints some verdicts on stderr; the parser read both streams.
      text: source === 'nvidia-smi' && run.stdout === '' ? run.stderr : run.stdout,
      origin: run.argv.join(' '),
    }));
  return { input: { outputs }, runs: collected.map((c) => c.run) };
}

/** Collects on the host and diagnoses: what the Troubleshoot screen and `egpu-wizard diagnose` show. */
export async function diagnoseHost(runner: CommandRunner, signal?: AbortSignal): Promise<{ diagnosis: Diagnosis; input: DiagnosisInput }> {
  const { input } = await collectOutputs(runner, signal);
  return { diagnosis: diagnoseOutputs(input), input };
}
