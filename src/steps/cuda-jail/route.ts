import { msg, type Message } from '../../contract/messages';
import type { CheckResult } from '../../contract/state';
import { guestMemory } from '../../bhyve/guest-template';
import { passthroughCapability } from '../../hardware/passthrough';
import { evidenceOf, failureEvidence } from '../../wizard/evidence';
import { defineCheck, invoke, type InputDefinition, type Verdict } from '../../wizard/step';

/**
 * The way CUDA reaches the card: a Linux jail on the host's FreeBSD driver (the default), or the card passed
 * through to a Linux guest under bhyve. Saved with the step's inputs, so it survives a reload.
 */
export const ROUTE_INPUT = 'route';
export const ROUTE = { jail: 0, passthrough: 1 } as const;
export const ROUTE_CHECK = 'route';

export const passthroughChosen = (inputs: Readonly<Record<string, number>>): boolean => inputs[ROUTE_INPUT] === ROUTE.passthrough;
export const jailChosen = (inputs: Readonly<Record<string, number>>): boolean => !passthroughChosen(inputs);

const gib = (bytes: number): string => (bytes / 2 ** 30).toFixed(1);

/** Reason keys that mean the machine can pass the card through (the first is the recommendation). */
const POSSIBLE = 'route.possible';
const POSSIBLE_LOW_MEMORY = 'route.possibleLowMemory';

/** Why passthrough cannot be chosen, from the route check's last verdict; null when it can. */
export function passthroughUnavailable(results: Readonly<Record<string, CheckResult>>): Message | null {
  const reason = results[ROUTE_CHECK]?.reason;
  if (!reason) return msg('route.notChecked');
  return reason.key === POSSIBLE || reason.key === POSSIBLE_LOW_MEMORY ? null : reason;
}

export function recommendedRoute(results: Readonly<Record<string, CheckResult>>): number | null {
  const reason = results[ROUTE_CHECK]?.reason;
  if (!reason?.key.startsWith('route.') || reason.key === 'route.unreadable') return null;
  return reason.key === POSSIBLE ? ROUTE.passthrough : ROUTE.jail;
}

export const routeInput: InputDefinition = {
  id: ROUTE_INPUT,
  label: 'route.input',
  unit: '',
  min: ROUTE.jail,
  max: ROUTE.passthrough,
  step: 1,
  defaultValue: ROUTE.jail,
  choices: [
    { value: ROUTE.jail, label: 'route.choice.jail', hint: 'route.choice.jail.hint' },
    { value: ROUTE.passthrough, label: 'route.choice.passthrough', hint: 'route.choice.passthrough.hint', unavailable: passthroughUnavailable },
  ],
  recommended: recommendedRoute,
};

const ADVICE: Record<'cpu' | 'bios' | 'no-dmar', string> = { cpu: 'route.advice.cpu', bios: 'route.advice.bios', 'no-dmar': 'route.advice.noDmar' };

/**
 * Can this machine pass the card through: the CPU (`sysctl hw.model`) must have VT-d and the firmware must
 * hand over a DMAR table (`acpidump -t`), which the X220's does only with “Intel (R) VT-d Feature” on. Always
 * run, so the choice shows why passthrough is or is not open; it fails only when passthrough is chosen and
 * the evidence says it cannot work.
 */
export const routeCheck = defineCheck({
  id: ROUTE_CHECK,
  title: 'route.check',
  readOnly: true,
  commands: {
    model: invoke('sysctl', { key: 'hw.model' }),
    physmem: invoke('sysctl', { key: 'hw.physmem' }),
    tables: invoke('acpiTables', {}),
  },
  evaluate: ({ model, physmem, tables }, context): Verdict => {
    const cpu = model.parsed.ok ? model.parsed.value.value : null;
    const chosen = passthroughChosen(context.inputs ?? {});
    if (cpu === null || cpu === '' || !tables.parsed.ok) {
      // On the jail route the answer only informs the choice: not knowing it blocks nothing there.
      return { status: chosen ? 'error' : 'skip', reason: msg('route.unreadable'), advice: [], evidence: [failureEvidence(model), failureEvidence(tables)] };
    }
    const signatures = tables.parsed.value.tables.map((t) => t.signature);
    const capability = passthroughCapability(cpu, signatures);
    const iommuLines = new Set(tables.parsed.value.tables.filter((t) => t.signature === 'DMAR' || t.signature === 'IVRS').map((t) => t.line));
    const evidence = [
      evidenceOf(model),
      // Without an IOMMU table, the list's signatures are the evidence of its absence.
      evidenceOf(tables, (text, n) => (iommuLines.size > 0 ? iommuLines.has(n) : /^\s+[A-Z0-9!_ ]{4}: Length=/.test(text))),
      evidenceOf(physmem),
    ];
    const memory = physmem.parsed.ok ? Number(physmem.parsed.value.value) : Number.NaN;
    if (capability.possible) {
      // The guest's size is the VM's own rule (src/bhyve/guest-template.ts), so the advice and the VM agree.
      const guest = Number.isFinite(memory) ? guestMemory(memory) : null;
      const params = { cpu: capability.cpu.model, memory: Number.isFinite(memory) ? gib(memory) : '?', guest: guest?.ok === true ? String(guest.gib) : '?' };
      return { status: 'pass', reason: msg(guest === null || guest.ok ? POSSIBLE : POSSIBLE_LOW_MEMORY, params), advice: [], evidence };
    }
    const block = capability.block ?? 'no-dmar';
    const reason = msg(`route.blocked.${block}`, { cpu: capability.cpu.model });
    if (!chosen) return { status: 'pass', reason, advice: [], evidence };
    return { status: 'fail', reason, advice: [msg(ADVICE[block]), msg('route.advice.useJail')], evidence };
  },
});
