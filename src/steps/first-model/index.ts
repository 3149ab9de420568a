import { msg, type Message } from '../../contract/messages';
import type { CommandRun } from '../../commands/runner';
import type { StepDefinition } from '../../wizard/step';
import { benchmarkCheck, generationCheck, llamaCheck, modelCheck, thermalLoadCheck } from './checks';
import { GUEST_LLAMA_CHECK, GUEST_MODEL_CHECK, guestLlamaChecks } from './guest-llama';
import { guestRouteCheck, onJailRoute } from './guest-route';
import { nativeCheck } from './native-check';
import { ollamaChecks } from './ollama-checks';
import { llamaChosen, runtimeInput } from './runtime';
import { passthroughChosen } from '../cuda-jail/route';

/**
 * The first model: a runtime in the jail (llama.cpp built with CUDA, or ollama from its Linux release), a
 * model on disk, proof that the card does the work, and the figures next to what the link and the card's
 * memory allow. The runtime is the step's input; each one's checks run only when it is chosen.
 */
const llamaOnly = { appliesWhen: llamaChosen };

export const firstModelStep: StepDefinition = {
  id: 'first-model',
  title: 'model.title',
  intro: 'model.intro',
  // On the passthrough route llama.cpp runs in the guest: the intro says so (the title fits both).
  labelsWhen: (inputs) => (passthroughChosen(inputs) ? { title: 'model.title', intro: 'model.guest.intro' } : null),
  instructions: ['model.instructions.build', 'model.instructions.limits', 'ollama.instructions.runtime'],
  illustration: null,
  checklist: [],
  inputs: [runtimeInput],
  checks: [
    ...[
      { ...llamaCheck, ...llamaOnly },
      { ...modelCheck, ...llamaOnly },
      { ...generationCheck, ...llamaOnly },
      { ...benchmarkCheck, ...llamaOnly },
      { ...thermalLoadCheck, ...llamaOnly },
      ...ollamaChecks,
      nativeCheck,
    ].map(onJailRoute),
    guestRouteCheck,
    ...guestLlamaChecks,
  ],
  actions: [
    {
      id: 'build',
      title: 'model.action.build.title',
      description: 'model.action.build.description',
      after: 'model.action.build.after',
      commands: [],
      runsCommandsOf: 'llama',
      offeredWhen: (checks) => checks.llama === 'fail',
    },
    {
      id: 'download',
      title: 'model.action.download.title',
      description: 'model.action.download.description',
      after: 'model.action.download.after',
      commands: [],
      runsCommandsOf: 'model',
      offeredWhen: (checks) => checks.model === 'fail',
    },
    {
      id: 'guest-build',
      title: 'model.guest.action.build.title',
      description: 'model.guest.action.build.description',
      after: 'model.action.build.after',
      commands: [],
      runsCommandsOf: GUEST_LLAMA_CHECK,
      offeredWhen: (checks) => checks[GUEST_LLAMA_CHECK] === 'fail',
    },
    {
      id: 'guest-download',
      title: 'model.action.download.title',
      description: 'model.guest.action.download.description',
      after: 'model.action.download.after',
      commands: [],
      runsCommandsOf: GUEST_MODEL_CHECK,
      offeredWhen: (checks) => checks[GUEST_MODEL_CHECK] === 'fail',
    },
    {
      id: 'ollama-install',
      title: 'ollama.action.install.title',
      description: 'ollama.action.install.description',
      after: 'ollama.action.install.after',
      commands: [],
      runsCommandsOf: 'ollama',
      explainFailure: archiveWithoutCuda12,
      offeredWhen: (checks, results) => checks.ollama === 'fail' && !isPascal(results.ollama?.reason?.key),
    },
    {
      id: 'ollama-replace',
      title: 'ollama.action.replace.title',
      description: 'ollama.action.replace.description',
      after: 'ollama.action.replace.after',
      commands: [],
      runsCommandsOf: 'ollama',
      explainFailure: archiveWithoutCuda12,
      offeredWhen: (checks, results) => checks.ollama === 'fail' && isPascal(results.ollama?.reason?.key),
    },
    {
      id: 'ollama-service',
      title: 'ollama.action.service.title',
      description: 'ollama.action.service.description',
      after: 'ollama.action.service.after',
      commands: [],
      appliesPlanOf: 'ollama-service',
      runsCommandsOf: 'ollama-service',
      offeredWhen: (checks) => checks['ollama-service'] === 'fail',
    },
    {
      id: 'ollama-pull',
      title: 'ollama.action.pull.title',
      description: 'ollama.action.pull.description',
      after: 'ollama.action.pull.after',
      commands: [],
      runsCommandsOf: 'ollama-model',
      offeredWhen: (checks) => checks['ollama-model'] === 'fail',
    },
  ],
};

/** The install check's verdict that the installed release cannot run the P4 (found from its folders or its log). */
function isPascal(key: string | undefined): boolean {
  return key === 'ollama.install.skipped' || key === 'ollama.install.noCuda12';
}

/** The archive check stops the install before anything changes; say why in words. */
function archiveWithoutCuda12(run: CommandRun<unknown>): Message | null {
  return run.commandId === 'ollamaCheckArchive' ? msg('ollama.archive.noCuda12') : null;
}
