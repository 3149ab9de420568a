import { msg } from '../../contract/messages';
import { GUEST_NAME, UBUNTU_IMAGE } from '../../bhyve/layout';
import { GUEST_KEY_IN_DATA } from '../../bhyve/guest-key';
import { evidenceOf, failureEvidence } from '../../wizard/evidence';
import { defineCheck, invoke, type CheckDefinition, type Verdict } from '../../wizard/step';
import { jailChosen, passthroughChosen } from '../cuda-jail/route';
import { ollamaChosen } from './runtime';

/** A check of the jail route: on the passthrough route the model runs in the guest, not in a jail. */
export const onJailRoute = (check: CheckDefinition): CheckDefinition => ({
  ...check,
  appliesWhen: (inputs) => jailChosen(inputs) && (check.appliesWhen?.(inputs) ?? true),
});

/**
 * On the passthrough route the first model runs inside the Linux guest: this check says so (the guest runs with
 * the card, `vm list` its proof), and the guest's llama.cpp checks below do the work. ollama is set up only in
 * the jail for now (its checks read the jail's rc.d service and log), so a user who chose it is told plainly
 * that the guest gets llama.cpp.
 */
export const guestRouteCheck = defineCheck({
  id: 'guest-route',
  title: 'model.guest.check',
  readOnly: true,
  appliesWhen: passthroughChosen,
  commands: { list: invoke('vmList', {}) },
  evaluate: ({ list }, { inputs }): Verdict => {
    const guest = list.parsed.ok ? list.parsed.value.guests.find((g) => g.name === GUEST_NAME) : undefined;
    const params = { name: GUEST_NAME, release: UBUNTU_IMAGE.release, user: UBUNTU_IMAGE.user, key: GUEST_KEY_IN_DATA };
    if (guest?.state !== 'running') {
      const evidence = list.parsed.ok ? evidenceOf(list, (_t, n) => n === 1 || n === guest?.line) : failureEvidence(list);
      return { status: 'fail', reason: msg('model.guest.notRunning', params), advice: [msg('model.guest.advice.back')], evidence: [evidence] };
    }
    const ollama = ollamaChosen(inputs ?? {});
    return {
      status: ollama ? 'warn' : 'pass',
      reason: msg('model.guest.running', { ...params, pid: guest.pid ?? '?' }),
      advice: ollama ? [msg('model.guest.ollamaJailOnly')] : [],
      evidence: [evidenceOf(list, (_t, n) => n === 1 || n === guest.line)],
    };
  },
});
