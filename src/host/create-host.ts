import { HostSpec } from '../contract/state';
import { LocalHost } from './local-host';
import { loadScenario, scenarioNames } from './simulated/scenarios';
import { SimulatedHost } from './simulated/simulated-host';
import type { Host } from './types';

export class UnknownHostError extends Error {}

/** `local` or `sim:NAME`; anything else is refused with the list of what exists. */
export function createHost(spec: string): Host {
  const checked = HostSpec.safeParse(spec);
  if (!checked.success) throw new UnknownHostError(`unknown host "${spec}": use local or sim:NAME (${scenarioNames.join(', ')})`);
  if (spec === 'local') return new LocalHost();
  const name = spec.slice('sim:'.length);
  if (!scenarioNames.includes(name)) {
    throw new UnknownHostError(`unknown simulated host "${name}": choose one of ${scenarioNames.join(', ')}`);
  }
  return new SimulatedHost(loadScenario(name));
}

export const hostSpecs = (): string[] => ['local', ...scenarioNames.map((name) => `sim:${name}`)];
