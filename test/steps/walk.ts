import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backend } from '../../src/app/backend';
import type { WizardState } from '../../src/contract/state';
import { VirtualClock, type SimClock } from '../../src/host/simulated/clock';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';

export interface WalkOptions {
  /** Seen by every state the backend would push to the window. */
  onState?: (state: WizardState) => void;
  /** The simulated time commands play in: by default a running `VirtualClock` (done at once, in order). */
  clock?: SimClock;
  /** Host time between the first two looks at a detached job (the backend's default when absent). */
  jobPollMs?: number;
}

/** Walks a simulated X220 through Preflight (with the sudo password) to the Adapter card step. */
export async function atAdapterCard(scenario: string, options: WalkOptions = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'egpu-boot-'));
  let host: SimulatedHost | null = null;
  const backend = await Backend.create({
    dataDir,
    hostSpec: `sim:${scenario}`,
    mode: 'browser',
    version: '0.0.0',
    hostFactory: () => (host = new SimulatedHost(loadScenario(scenario), { clock: options.clock ?? new VirtualClock() })),
    jobPollMs: options.jobPollMs,
    emit: (event, payload) => {
      if (event === 'state:changed') options.onState?.(payload as WizardState);
    },
  });
  const call = async (channel: string, payload: unknown): Promise<WizardState> => {
    const reply = await backend.dispatch(channel, payload);
    if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
    return reply.data as WizardState;
  };
  await call('wizard:runChecks', { stepId: 'preflight' });
  await call('auth:providePassword', { password: 'demo' });
  await call('wizard:next', { stepId: 'preflight', continueAnyway: false });
  return { call, host: () => host, dataDir, backend };
}

/** On through Adapter card and Power and cooling to the boot configuration step. */
export async function atBootConfig(scenario: string, options: WalkOptions = {}) {
  const { call, host, dataDir, backend } = await atAdapterCard(scenario, options);
  let state = await call('wizard:state', {});
  for (const item of state.current.checklist) await call('wizard:setChecklistItem', { stepId: 'adapter-card', itemId: item.id, done: true });
  state = await call('wizard:runChecks', { stepId: 'adapter-card' });
  await call('wizard:next', { stepId: 'adapter-card', continueAnyway: !state.current.canContinue });
  state = await call('wizard:state', {});
  for (const item of state.current.checklist) await call('wizard:setChecklistItem', { stepId: 'power-cooling', itemId: item.id, done: true });
  await call('wizard:runChecks', { stepId: 'power-cooling' });
  await call('wizard:next', { stepId: 'power-cooling', continueAnyway: false });
  return { call, host, dataDir, backend };
}

export const files = (host: SimulatedHost | null) => host?.snapshot().files ?? {};

/** On through the boot configuration (applied, then a restart) to the NVIDIA driver step. */
export async function atDriver(scenario: string, options: WalkOptions = {}) {
  const walk = await atBootConfig(scenario, options);
  const { call } = walk;
  const state = await call('wizard:runChecks', { stepId: 'boot-config' });
  if (state.current.actions.find((a) => a.id === 'apply')?.offered) {
    await call('wizard:runAction', { stepId: 'boot-config', actionId: 'apply', confirmed: true });
  }
  const after = await call('wizard:runChecks', { stepId: 'boot-config' });
  if (after.current.actions.find((a) => a.id === 'restart')?.offered) {
    await call('wizard:runAction', { stepId: 'boot-config', actionId: 'restart', confirmed: true });
  }
  const done = await call('wizard:runChecks', { stepId: 'boot-config' });
  await call('wizard:next', { stepId: 'boot-config', continueAnyway: !done.current.canContinue });
  return walk;
}

/** Runs an action of the current step when it is offered; returns the state after it (and its re-check). */
export async function runIfOffered(call: (channel: string, payload: unknown) => Promise<WizardState>, stepId: string, actionId: string): Promise<WizardState | null> {
  const state = await call('wizard:state', {});
  if (!state.current.actions.find((a) => a.id === actionId)?.offered) return null;
  return call('wizard:runAction', { stepId, actionId, confirmed: true });
}

/** On through the NVIDIA driver step (installed where needed, loaded) to the Linux jail step. */
export async function atCudaJail(scenario: string, options: WalkOptions = {}) {
  const walk = await atDriver(scenario, options);
  const { call } = walk;
  await call('wizard:runChecks', { stepId: 'driver' });
  await runIfOffered(call, 'driver', 'install');
  await runIfOffered(call, 'driver', 'load');
  const state = await call('wizard:runChecks', { stepId: 'driver' });
  await call('wizard:next', { stepId: 'driver', continueAnyway: !state.current.canContinue });
  return walk;
}

/** On through the Linux jail step (every fix it offers, in its order) to the first-model step. */
export async function atFirstModel(scenario: string, options: WalkOptions = {}) {
  const walk = await atCudaJail(scenario, options);
  const { call } = walk;
  await call('wizard:runChecks', { stepId: 'cuda-jail' });
  for (const action of ['build', 'mounts', 'devfs', 'jail', 'nvidia', 'cuda']) await runIfOffered(call, 'cuda-jail', action);
  const state = await call('wizard:runChecks', { stepId: 'cuda-jail' });
  await call('wizard:next', { stepId: 'cuda-jail', continueAnyway: !state.current.canContinue });
  return walk;
}

/**
 * The passthrough route through the Linux jail step (the card reserved, the guest made and started, the
 * driver and CUDA in it, deviceQuery passing) to the first-model step.
 */
export async function atGuestFirstModel(scenario: string, options: WalkOptions = {}) {
  const walk = await atCudaJail(scenario, options);
  const { call } = walk;
  await call('wizard:runChecks', { stepId: 'cuda-jail' });
  await call('wizard:setInput', { stepId: 'cuda-jail', inputId: 'route', value: 1 });
  for (const action of ['reserve', 'restart-reserve']) await call('wizard:runAction', { stepId: 'cuda-jail', actionId: action, confirmed: true });
  await call('wizard:runChecks', { stepId: 'cuda-jail' });
  for (const action of ['vm-bhyve', 'vm-host', 'vm-template', 'vm-network', 'vm-guest', 'vm-running', 'guest-driver', 'guest-cuda']) {
    await call('wizard:runAction', { stepId: 'cuda-jail', actionId: action, confirmed: true });
  }
  const state = await call('wizard:runChecks', { stepId: 'cuda-jail' });
  await call('wizard:next', { stepId: 'cuda-jail', continueAnyway: !state.current.canContinue });
  return { ...walk, jailStep: state };
}

/** On through the first model (llama.cpp built, the model fetched, measured) to the Verify step, its checks run. */
export async function atVerify(scenario: string, options: WalkOptions = {}) {
  const walk = await atFirstModel(scenario, options);
  const { call } = walk;
  await call('wizard:runChecks', { stepId: 'first-model' });
  for (const action of ['build', 'download']) await runIfOffered(call, 'first-model', action);
  const state = await call('wizard:runChecks', { stepId: 'first-model' });
  await call('wizard:next', { stepId: 'first-model', continueAnyway: !state.current.canContinue });
  await call('wizard:runChecks', { stepId: 'verify' });
  return walk;
}
