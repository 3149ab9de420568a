import { msg } from '../../contract/messages';
import { GUEST_NAME, UBUNTU_IMAGE } from '../../bhyve/layout';
import { GUEST_KEY_IN_DATA } from '../../bhyve/guest-key';
import { evidenceOf, failureEvidence } from '../../wizard/evidence';
import { defineCheck, invoke, type CheckDefinition, type Verdict } from '../../wizard/step';
import { jailChosen, passthroughChosen } from '../cuda-jail/route';

/** A check of the jail route: on the passthrough route the model runs in the guest, not in a jail. */
export const onJailRoute = (check: CheckDefinition): CheckDefinition => ({
  ...check,
  appliesWhen: (inputs) => jailChosen(inputs) && (check.appliesWhen?.(inputs) ?? true),
});

/**
 * On the passthrough route the first model belongs inside the Linux guest, which the wizard cannot reach
 * yet: this check says what is done (the guest runs with the card, `vm list` its proof) and what is left to
 * do by hand, instead of running the jail's checks, which would only fail. A warning, so the step does not
 * pass as if a model ran, and the user can still go on.
 */
export const guestRouteCheck = defineCheck({
  id: 'guest-route',
  title: 'model.guest.check',
  readOnly: true,
  appliesWhen: passthroughChosen,
  commands: { list: invoke('vmList', {}) },
  evaluate: ({ list }): Verdict => {
    const guest = list.parsed.ok ? list.parsed.value.guests.find((g) => g.name === GUEST_NAME) : undefined;
    const params = { name: GUEST_NAME, release: UBUNTU_IMAGE.release, user: UBUNTU_IMAGE.user, key: GUEST_KEY_IN_DATA };
    if (guest?.state !== 'running') {
      const evidence = list.parsed.ok ? evidenceOf(list, (_t, n) => n === 1 || n === guest?.line) : failureEvidence(list);
      return { status: 'fail', reason: msg('model.guest.notRunning', params), advice: [msg('model.guest.advice.back')], evidence: [evidence] };
    }
    return {
      status: 'warn',
      reason: msg('model.guest.running', { ...params, pid: guest.pid ?? '?' }),
      advice: [msg('model.guest.notYet', params), msg('model.guest.byHand', params)],
      evidence: [evidenceOf(list, (_t, n) => n === 1 || n === guest.line)],
    };
  },
});
