import { isSshSpec, parseSshAddress } from '../contract/ssh-spec';
import { HostSpec } from '../contract/state';
import { defaultDataDir } from '../app/data-dir';
import { LocalHost } from './local-host';
import { loadScenario, scenarioNames } from './simulated/scenarios';
import { simClockFromEnv, type SimClock } from './simulated/clock';
import { SimulatedHost } from './simulated/simulated-host';
import { createSshHost } from './ssh/connect';
import type { Host } from './types';

export class UnknownHostError extends Error {}

/**
 * `local`, `sim:NAME` or `ssh://user@host[:port]`; anything else is refused with the list of what exists.
 * `dataDir` holds the wizard's known_hosts for SSH hosts; `simClock` is the time simulated hosts play
 * their commands in: when absent, what `EGPU_WIZARD_SIM_CLOCK` asks for (`instant` in the tests), else real time.
 */
export function createHost(spec: string, options: { dataDir?: string; simClock?: SimClock } = {}): Host {
  const checked = HostSpec.safeParse(spec);
  if (!checked.success) throw new UnknownHostError(`unknown host "${spec}": use local, ssh://user@host[:port] or sim:NAME (${scenarioNames.join(', ')})`);
  if (spec === 'local') return new LocalHost();
  if (isSshSpec(spec)) {
    const parsed = parseSshAddress(spec);
    if (!parsed.ok) throw new UnknownHostError(`invalid ssh host "${spec}" (${parsed.problem}): use ssh://user@host[:port]`);
    return createSshHost(parsed.target, options.dataDir ?? defaultDataDir());
  }
  const name = spec.slice('sim:'.length);
  if (!scenarioNames.includes(name)) {
    throw new UnknownHostError(`unknown simulated host "${name}": choose one of ${scenarioNames.join(', ')}`);
  }
  const clock = options.simClock ?? simClockFromEnv(process.env.EGPU_WIZARD_SIM_CLOCK);
  return new SimulatedHost(loadScenario(name), clock ? { clock } : {});
}

export const hostSpecs = (): string[] => ['local', ...scenarioNames.map((name) => `sim:${name}`)];
