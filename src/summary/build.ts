import { msg } from '../contract/messages';
import { parseSshAddress, isSshSpec } from '../contract/ssh-spec';
import type { ChangedFile, Summary, SummaryStep, SummaryWarning } from '../contract/summary';
import type { JournalEntry } from '../config/journal';
import { branchOf } from '../drivers/choose-package';
import { FIRST_MODEL_PATH, JAIL_NAME, JAIL_ROOT } from '../jail/layout';
import type { Finished, SavedProgress } from '../wizard/progress';
import { inputValuesOf, stepLabels, type StepDefinition } from '../wizard/step';
import { numberParam, paramsOf, resultOf, textParam } from './facts';
import { llamaCppUsage } from './llama-cpp';
import { ollamaUsage } from './ollama';
import { OLLAMA_MODEL } from '../jail/ollama';
import { ollamaChosen } from '../steps/first-model/runtime';
import { passthroughChosen } from '../steps/cuda-jail/route';
import { guestAddressOf, llamaGuestUsage } from './llama-guest';
import { GUEST_NAME } from '../bhyve/layout';
import { rcConfAsLeft } from './rc-conf';
import type { Reach } from './usage-common';

export interface SummaryInput {
  steps: readonly StepDefinition[];
  progress: SavedProgress;
  finished: Finished;
  /** The change journal's entries (all hosts; only this host's count). */
  journal: readonly JournalEntry[];
  /** The wizard's data folder, where the passthrough guest's SSH key is kept; null or absent: not known. */
  dataDir?: string | null;
}

function stepsOf(steps: readonly StepDefinition[], progress: SavedProgress): SummaryStep[] {
  return steps.map((step) => {
    const entry = progress.steps[step.id];
    return {
      id: step.id,
      title: msg(stepLabels(step, inputValuesOf(steps, progress.steps, step)).title),
      outcome: !entry?.completed ? 'not-done' : entry.continuedAnyway ? 'continued-anyway' : 'done',
      checks: step.checks.map((check) => {
        const result = entry?.checks[check.id];
        return { id: check.id, title: msg(check.title), status: result?.status ?? 'pending', reason: result?.reason ?? null };
      }),
    };
  });
}

/** Each file once, in the order it was first changed, with how many changes and whether undo put it back. */
function filesOf(journal: readonly JournalEntry[], host: string): ChangedFile[] {
  const byPath = new Map<string, ChangedFile>();
  for (const entry of journal) {
    if (entry.host !== host || (entry.state !== 'applied' && entry.state !== 'restored')) continue;
    const known = byPath.get(entry.path);
    byPath.set(entry.path, { path: entry.path, changes: (known?.changes ?? 0) + 1, lastAt: entry.at, state: entry.state });
  }
  return [...byPath.values()];
}

/** Every check that ended as a warning in a finished step: what the user continued past. */
function warningsOf(steps: readonly SummaryStep[]): SummaryWarning[] {
  return steps.flatMap((step) =>
    step.outcome === 'not-done' ? [] : step.checks.filter((c) => c.status === 'warn').map((c) => ({ stepId: step.id, stepTitle: step.title, check: c.title, reason: c.reason })),
  );
}

/** How the laptop reaches the host: the SSH address the wizard itself used, else who and where the host said it was. */
function reachOf(host: string, finished: Finished): Reach {
  if (isSshSpec(host)) {
    const parsed = parseSshAddress(host);
    if (parsed.ok) {
      const name = parsed.target.host.includes(':') ? `[${parsed.target.host}]` : parsed.target.host;
      return { address: `${parsed.target.user}@${name}`, port: parsed.target.port, wizardWhere: 'laptop' };
    }
  }
  const address = finished.user !== null && finished.hostname !== null ? `${finished.user}@${finished.hostname}` : null;
  return { address, port: 22, wizardWhere: 'host' };
}

/** The finished wizard's summary, from the evidence it keeps: saved progress and the change journal. */
export function buildSummary({ steps, progress, finished, journal, dataDir = null }: SummaryInput): Summary {
  const summarySteps = stepsOf(steps, progress);
  const branch = paramsOf(resultOf(progress, 'driver', 'branch'), 'steps.driver.branch.installed');
  const smi = paramsOf(resultOf(progress, 'driver', 'nvidia-smi'), 'steps.driver.smi.ok');
  const driverVersion = textParam(branch, 'version') ?? textParam(smi, 'version');
  const userland = paramsOf(resultOf(progress, 'cuda-jail', 'userland'), 'jail.userland.ok');
  const cuda = paramsOf(resultOf(progress, 'cuda-jail', 'cuda'), 'jail.cuda.ok');
  const devfs = paramsOf(resultOf(progress, 'cuda-jail', 'devfs'), 'jail.devfs.ok');
  // On the passthrough route llama.cpp ran in the guest, under the guest checks' ids, whatever runtime was chosen.
  const guest = passthroughChosen(progress.steps['cuda-jail']?.inputs ?? {});
  const id = (check: string): string => (guest ? `guest-${check}` : check);
  const llama = paramsOf(resultOf(progress, 'first-model', id('llama')), 'model.llama.ok');
  const model = paramsOf(resultOf(progress, 'first-model', id('model')), 'model.file.ok');
  // The runtime the user chose in the first-model step; its checks are the ones that ran.
  const ollama = !guest && ollamaChosen(progress.steps['first-model']?.inputs ?? {});
  const ollamaInstalled = paramsOf(resultOf(progress, 'first-model', 'ollama'), 'ollama.install.ok');
  const bench = resultOf(progress, 'first-model', ollama ? 'ollama-benchmark' : id('benchmark'));
  const generation = ollama ? null : resultOf(progress, 'first-model', id('generation'));
  const thermal = ollama ? null : resultOf(progress, 'first-model', id('thermal-load'));
  const rcConf = rcConfAsLeft(journal, progress.host);
  const reach = reachOf(progress.host, finished);

  return {
    host: progress.host,
    finishedAt: finished.at,
    steps: summarySteps,
    files: filesOf(journal, progress.host),
    card: {
      name: textParam(branch, 'name') ?? textParam(smi, 'name'),
      architecture: textParam(branch, 'architecture'),
      memoryMiB: numberParam(smi, 'memory'),
    },
    driver: {
      package: textParam(branch, 'package'),
      branch: driverVersion === null || !Number.isInteger(branchOf(driverVersion)) ? null : branchOf(driverVersion),
      version: driverVersion,
    },
    jail: {
      name: JAIL_NAME,
      root: JAIL_ROOT,
      userland: textParam(userland, 'name'),
      cudaRelease: textParam(cuda, 'release'),
      devfsRuleset: numberParam(devfs, 'number'),
    },
    guest: guest
      ? {
          name: GUEST_NAME,
          address: guestAddressOf(progress),
          release: textParam(paramsOf(resultOf(progress, 'cuda-jail', 'guest-reach'), 'guest.reach.ok'), 'release'),
          cudaRelease: textParam(paramsOf(resultOf(progress, 'cuda-jail', 'guest-cuda'), 'guest.cuda.ok'), 'release'),
        }
      : null,
    runtime: ollama
      ? { name: 'ollama', version: textParam(ollamaInstalled, 'version'), model: OLLAMA_MODEL.tag, modelGiB: (OLLAMA_MODEL.bytes / 2 ** 30).toFixed(2) }
      : { name: 'llama.cpp', version: textParam(llama, 'version'), model: FIRST_MODEL_PATH, modelGiB: textParam(model, 'gib') },
    benchmark:
      bench === null || bench.status === 'pending'
        ? null
        : { status: bench.status, reason: bench.reason, figures: bench.figures, generation: generation?.reason ?? null, thermal: thermal?.reason ?? null },
    warnings: warningsOf(summarySteps),
    usage: [guest ? llamaGuestUsage(progress, reach, rcConf, dataDir) : ollama ? ollamaUsage(progress, reach, rcConf) : llamaCppUsage(progress, reach, rcConf)],
  };
}
