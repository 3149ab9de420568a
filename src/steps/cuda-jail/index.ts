import type { CheckResult } from '../../contract/state';
import { invoke, type ActionDefinition, type CheckDefinition, type StepDefinition } from '../../wizard/step';
import { explainPkgFailure } from '../driver/pkg-problem';
import { cudaCheck, jailSmiCheck, nvidiaUserlandCheck, shimCheck } from './gpu-checks';
import { devfsCheck, jailCheck, linuxCheck, mountsCheck, userlandCheck } from './setup-checks';
import { RESERVE_CHECK, reserveCheck } from './reserve-check';
import { jailChosen, passthroughChosen, routeCheck, routeInput } from './route';
import { VM_CHECKS, vmChecks, type VmCheckId } from './vm-checks';
import { explainAptFailure, GUEST_CHECKS, guestChecks, type GuestCheckId } from './guest-checks';
import { guestHostInput } from './vm-address';

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

/** A check of the jail route: neither shown nor run while the user has chosen passthrough. */
const onJail = (check: CheckDefinition): CheckDefinition => ({ ...check, appliesWhen: jailChosen });

/**
 * An action of the jail route. Its check's last result may be left from before the route changed, so it is
 * offered only while that check belongs to the step (it then has a status of its own).
 */
const jailAction = (check: string, action: ActionDefinition): ActionDefinition => ({
  ...action,
  offeredWhen: (checks, results) => checks[check] !== undefined && action.offeredWhen(checks, results),
});

const reasonWas = (results: Readonly<Record<string, CheckResult>>, key: string): boolean => reasonIs(results, RESERVE_CHECK, key);

/**
 * The route's first choice (src/steps/cuda-jail/route.ts): the jail below, or the card reserved for a bhyve
 * guest. CUDA for the card through a Linux jail: the Linux ABI, an Ubuntu 22.04 userland, its mounts, a devfs
 * ruleset that shows it exactly the NVIDIA nodes, the jail itself, NVIDIA's userland of the host module's
 * release, and CUDA 12.x seeing the card. The lighter libc6-shim way is checked alongside, optionally.
 */
export const cudaJailStep: StepDefinition = {
  id: 'cuda-jail',
  title: 'jail.title',
  intro: 'jail.intro',
  // Passthrough builds no jail: the step says what it does on that route, under the same id.
  labelsWhen: (inputs) => (passthroughChosen(inputs) ? { title: 'route.passthrough.title', intro: 'route.passthrough.intro' } : null),
  instructions: ['route.instructions', 'jail.instructions.why', 'jail.instructions.files', 'jail.instructions.cuda12', 'jail.instructions.shim'],
  illustration: null,
  checklist: [],
  inputs: [routeInput, guestHostInput],
  checks: [routeCheck, ...[linuxCheck, userlandCheck, mountsCheck, devfsCheck, jailCheck, nvidiaUserlandCheck, jailSmiCheck, cudaCheck, shimCheck].map(onJail), reserveCheck, ...vmChecks, ...guestChecks],
  actions: [
    ...jailActions(),
    {
      id: 'reserve',
      title: 'reserve.action.reserve.title',
      description: 'reserve.action.reserve.description',
      after: 'reserve.action.reserve.after',
      commands: [],
      appliesPlanOf: RESERVE_CHECK,
      offeredWhen: (checks, results) => checks[RESERVE_CHECK] === 'fail' && reasonWas(results, 'reserve.planned'),
    },
    {
      id: 'restart-reserve',
      title: 'steps.adapter.action.restart.title',
      description: 'reserve.action.restart.description',
      after: 'steps.adapter.action.restart.after',
      commands: [invoke('restart', {})],
      offeredWhen: (checks, results) => checks[RESERVE_CHECK] === 'fail' && reasonWas(results, 'reserve.waitingRestart'),
    },
    ...vmActions(),
    ...guestActions(),
  ],
};

/**
 * What the guest's checks propose, carried out: the driver (apt, then modprobe) and the CUDA toolkit. Offered
 * only while the VM runs with the card and every earlier guest check passes.
 */
function guestActions(): ActionDefinition[] {
  const guestAction = (check: GuestCheckId): ActionDefinition => {
    const earlier = [RESERVE_CHECK, ...VM_CHECKS, ...GUEST_CHECKS.slice(0, GUEST_CHECKS.indexOf(check))];
    return {
      id: check,
      title: `guest.action.${check}.title`,
      description: `guest.action.${check}.description`,
      after: `guest.action.${check}.after`,
      commands: [],
      runsCommandsOf: check,
      offeredWhen: (checks) => earlier.every((c) => checks[c] === 'pass') && checks[check] === 'fail',
      explainFailure: explainAptFailure,
    };
  };
  return [guestAction('guest-driver'), guestAction('guest-cuda')];
}

/**
 * The virtual machine's actions, one per check, each carrying out what its check proposes. Offered in
 * order: only once the card is reserved (ppt(4) holds it) and every earlier piece of the VM is in place.
 */
function vmActions(): ActionDefinition[] {
  const vmAction = (check: VmCheckId, extra: Partial<ActionDefinition> = {}): ActionDefinition => {
    const earlier = VM_CHECKS.slice(0, VM_CHECKS.indexOf(check));
    return {
      id: check,
      title: `vm.action.${check}.title`,
      description: `vm.action.${check}.description`,
      after: `vm.action.${check}.after`,
      commands: [],
      appliesPlanOf: check,
      runsCommandsOf: check,
      offeredWhen: (checks) => checks[RESERVE_CHECK] === 'pass' && earlier.every((c) => checks[c] === 'pass') && checks[check] === 'fail',
      ...extra,
    };
  };
  return [
    vmAction('vm-bhyve', { appliesPlanOf: undefined, explainFailure: explainPkgFailure }),
    vmAction('vm-host'),
    vmAction('vm-template', { runsCommandsOf: undefined }),
    vmAction('vm-network', { appliesPlanOf: undefined }),
    vmAction('vm-guest', { appliesPlanOf: undefined }),
    vmAction('vm-running', { appliesPlanOf: undefined }),
  ];
}

function jailActions(): ActionDefinition[] {
  const actions: ActionDefinition[] = [
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
  ];
  return actions.map((action) => jailAction(action.appliesPlanOf ?? action.runsCommandsOf ?? 'userland', action));
}
