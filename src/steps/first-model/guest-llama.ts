import { msg } from '../../contract/messages';
import { GUEST_NAME } from '../../bhyve/layout';
import { invoke, type CheckDefinition, type Verdict } from '../../wizard/step';
import { passthroughChosen } from '../cuda-jail/route';
import { llamaChecks, type LlamaSite } from './checks';
import { THERMAL_FIELDS } from './readings';

/**
 * The first model on the passthrough route: the same llama.cpp build, model, generation and benchmark as in
 * the jail, run in the Ubuntu guest over SSH, and judged against the same limits with the link the host's
 * pciconf reports. llama.cpp only: ollama's checks read the jail's rc.d service and log.
 */
const guestSite: LlamaSite = {
  ids: { llama: 'guest-llama', model: 'guest-model', generation: 'guest-generation', benchmark: 'guest-benchmark', thermal: 'guest-thermal-load' },
  version: invoke('guestLlamaVersion', {}),
  source: invoke('guestLlamaSource', {}),
  model: invoke('guestModelSize', {}),
  generate: invoke('guestLlamaGenerate', {}),
  bench: invoke('guestLlamaBench', {}),
  thermal: invoke('guestNvidiaSmiQuery', { fields: [...THERMAL_FIELDS] }),
  // apt first, every time: installing what is already there costs seconds, and a fresh guest has no git or cmake.
  build: (present) => [
    invoke('guestAptUpdate', {}),
    invoke('guestAptInstallBuildTools', {}),
    ...(present ? [] : [invoke('guestLlamaFetchSource', {})]),
    invoke('guestLlamaConfigure', {}),
    invoke('guestLlamaBuild', {}),
  ],
  rebuild: () => [invoke('guestLlamaConfigure', {}), invoke('guestLlamaBuild', {})],
  fetchModel: () => [invoke('guestModelsDir', {}), invoke('guestModelFetch', {}), invoke('guestModelPlace', {})],
  // No guest to log in to yet (the runner refused before ssh): the jail step's VM checks come first.
  absent: (run): Verdict | null => (run.refusal === 'no-guest' ? { status: 'skip', reason: msg('guest.later', { name: GUEST_NAME }), advice: [], evidence: [] } : null),
  keys: {
    title: 'model.guest.check.llama',
    missing: 'model.guest.llama.missing',
    notBuilt: 'model.guest.llama.notBuilt',
    noCuda: 'model.guest.llama.noCuda',
    noDevice: 'model.guest.llama.advice.guest',
    fileMissing: 'model.guest.file.missing',
  },
};

const onPassthrough = (check: CheckDefinition): CheckDefinition => ({ ...check, appliesWhen: passthroughChosen });

const checks = llamaChecks(guestSite);
export const guestLlamaChecks: CheckDefinition[] = [checks.llamaCheck, checks.modelCheck, checks.generationCheck, checks.benchmarkCheck, checks.thermalLoadCheck].map(onPassthrough);
export const GUEST_LLAMA_CHECK = guestSite.ids.llama;
export const GUEST_MODEL_CHECK = guestSite.ids.model;

