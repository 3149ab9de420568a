import type { StepDefinition } from '../../wizard/step';
import { benchmarkCheck, generationCheck, llamaCheck, modelCheck, thermalLoadCheck } from './checks';

/**
 * The first model: llama.cpp with CUDA in the jail, a model on disk, a short generation with every layer on
 * the card, and llama-bench's figures next to what the link and the card's memory allow.
 */
export const firstModelStep: StepDefinition = {
  id: 'first-model',
  title: 'model.title',
  intro: 'model.intro',
  instructions: ['model.instructions.build', 'model.instructions.limits'],
  illustration: null,
  checklist: [],
  checks: [llamaCheck, modelCheck, generationCheck, benchmarkCheck, thermalLoadCheck],
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
  ],
};
