import { Scenario } from '../scenario';
import { noPrivilege } from './no-privilege';
import { notFreeBSD } from './not-freebsd';
import { x220CustomLoader } from './x220-custom-loader';
import { x220Error12 } from './x220-error12';
import { x220Error12Stubborn } from './x220-error12-stubborn';
import { x220Fresh } from './x220-fresh';
import { x220Gen1Link } from './x220-gen1-link';
import { x220Hot } from './x220-hot';
import { x220Hotplugged } from './x220-hotplugged';
import { x220CpuFallback, x220JailNoDevfs } from './x220-jail';
import { x220LegacyCard } from './x220-legacy-card';
import { x220Ollama, x220OllamaPascal } from './x220-ollama';
import { x220Mismatch } from './x220-mismatch';
import { x220PkgOffline } from './x220-pkg-offline';
import { x220SudoFails } from './x220-sudo-fails';
import { x220Unpowered } from './x220-unpowered';
import { x220NoVtd, x220Vtd } from './x220-vtd';

/** Every built-in scenario by name (the name after `sim:` in a host spec). */
export const scenarios: Readonly<Record<string, Scenario>> = Object.fromEntries(
  [x220Fresh, x220Unpowered, x220Error12, x220Error12Stubborn, x220Gen1Link, x220Hot, x220Hotplugged, x220CustomLoader, x220SudoFails, x220Mismatch, x220LegacyCard, x220PkgOffline, x220JailNoDevfs, x220CpuFallback, x220Ollama, x220OllamaPascal, x220Vtd, x220NoVtd, notFreeBSD, noPrivilege].map((s) => [s.name, s]),
);

export const scenarioNames: string[] = Object.keys(scenarios);

export class UnknownScenarioError extends Error {}

/** A fresh, validated copy of a scenario: callers may change it without touching the built-in one. */
export function loadScenario(name: string): Scenario {
  const scenario = Object.hasOwn(scenarios, name) ? scenarios[name] : undefined;
  if (scenario === undefined) throw new UnknownScenarioError(`no simulated scenario named "${name}" (${scenarioNames.join(', ')})`);
  return Scenario.parse(structuredClone(scenario));
}
