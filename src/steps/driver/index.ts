import { invoke, type StepDefinition } from '../../wizard/step';
import { branchCheck } from './branch-check';
import { loadCheck } from './load-check';
import { explainPkgFailure } from './pkg-problem';
import { attachedCheck, smiCheck } from './proof-checks';
import { versionsCheck } from './versions-check';

/**
 * The NVIDIA driver: the branch that still supports the card, installed from the repository with its Linux
 * libraries of the same release, loaded now and at every boot, and proven by dmesg and nvidia-smi.
 */
export const driverStep: StepDefinition = {
  id: 'driver',
  title: 'steps.driver.title',
  intro: 'steps.driver.intro',
  instructions: ['steps.driver.instructions.branch', 'steps.driver.instructions.versions'],
  illustration: null,
  checklist: [],
  checks: [branchCheck, versionsCheck, loadCheck, attachedCheck, smiCheck],
  actions: [
    {
      id: 'install',
      title: 'steps.driver.action.install.title',
      description: 'steps.driver.action.install.description',
      after: 'steps.driver.action.install.after',
      commands: [],
      runsCommandsOf: 'branch',
      explainFailure: explainPkgFailure,
      offeredWhen: (checks) => checks.branch === 'warn',
    },
    {
      id: 'align',
      title: 'steps.driver.action.align.title',
      description: 'steps.driver.action.align.description',
      after: 'steps.driver.action.align.after',
      commands: [],
      runsCommandsOf: 'versions',
      explainFailure: explainPkgFailure,
      offeredWhen: (checks) => checks.versions === 'fail',
    },
    {
      id: 'load',
      title: 'steps.driver.action.load.title',
      description: 'steps.driver.action.load.description',
      after: 'steps.driver.action.load.after',
      commands: [],
      appliesPlanOf: 'loaded',
      runsCommandsOf: 'loaded',
      offeredWhen: (checks) => checks.loaded === 'fail' && checks.versions !== 'fail',
    },
    {
      id: 'restart',
      title: 'steps.adapter.action.restart.title',
      description: 'steps.driver.action.restart.description',
      after: 'steps.adapter.action.restart.after',
      commands: [invoke('restart', {})],
      // A kernel module older than its package is replaced only by a restart; pkg upgrades are offered above.
      offeredWhen: (checks, results) => checks.versions === 'fail' && (results.versions?.commands.length ?? 0) === 0,
    },
  ],
};
