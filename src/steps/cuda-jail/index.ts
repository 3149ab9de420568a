import type { CheckResult } from '../../contract/state';
import { invoke, type ActionDefinition, type StepDefinition } from '../../wizard/step';
import { explainPkgFailure } from '../driver/pkg-problem';
import { cudaCheck, jailSmiCheck, nvidiaUserlandCheck, shimCheck } from './gpu-checks';
import { devfsCheck, jailCheck, linuxCheck, mountsCheck, userlandCheck } from './setup-checks';

const reasonIs = (results: Readonly<Record<string, CheckResult>>, check: string, key: string): boolean => results[check]?.reason?.key === key;

/** An action that carries out what one check proposes: its file changes and its commands. */
const carriesOut = (id: string, check: string, extra: Partial<ActionDefinition> = {}): ActionDefinition => ({
  id,
  title: `jail.action.${id}.title`,
  description: `jail.action.${id}.description`,
  after: `jail.action.${id}.after`,
  commands: [],
  appliesPlanOf: check,
  runsCommandsOf: check,
  offeredWhen: (checks) => checks[check] === 'fail',
  ...extra,
});

/**
 * CUDA for the card through a Linux jail: the Linux ABI, an Ubuntu 22.04 userland, its mounts, a devfs
 * ruleset that shows it exactly the NVIDIA nodes, the jail itself, NVIDIA's userland of the host module's
 * release, and CUDA 12.x seeing the card. The lighter libc6-shim way is checked alongside, optionally.
 */
export const cudaJailStep: StepDefinition = {
  id: 'cuda-jail',
  title: 'jail.title',
  intro: 'jail.intro',
  instructions: ['jail.instructions.why', 'jail.instructions.files', 'jail.instructions.cuda12', 'jail.instructions.shim'],
  illustration: null,
  checklist: [],
  checks: [linuxCheck, userlandCheck, mountsCheck, devfsCheck, jailCheck, nvidiaUserlandCheck, jailSmiCheck, cudaCheck, shimCheck],
  actions: [
    carriesOut('linux', 'linux'),
    carriesOut('build', 'userland', { appliesPlanOf: undefined, explainFailure: explainPkgFailure, offeredWhen: (_c, r) => reasonIs(r, 'userland', 'jail.userland.none') }),
    carriesOut('finish', 'userland', {
      appliesPlanOf: undefined,
      explainFailure: explainPkgFailure,
      offeredWhen: (_c, r) => reasonIs(r, 'userland', 'jail.userland.halfBuilt') || reasonIs(r, 'userland', 'jail.userland.halfBuiltMounted'),
    }),
    {
      id: 'remove',
      title: 'jail.action.remove.title',
      description: 'jail.action.remove.description',
      after: 'jail.action.remove.after',
      commands: [invoke('removeJailRoot', {})],
      // Never while something is mounted under the root: the check says halfBuiltMounted then.
      offeredWhen: (_c, r) => reasonIs(r, 'userland', 'jail.userland.halfBuilt'),
    },
    carriesOut('mounts', 'mounts'),
    carriesOut('devfs', 'devfs'),
    carriesOut('jail', 'jail'),
    carriesOut('nvidia', 'nvidia-userland', { appliesPlanOf: undefined }),
    carriesOut('cuda', 'cuda', { appliesPlanOf: undefined }),
    carriesOut('shim', 'shim', { appliesPlanOf: undefined, explainFailure: explainPkgFailure, offeredWhen: (_c, r) => reasonIs(r, 'shim', 'jail.shim.notInstalled') }),
  ],
};
