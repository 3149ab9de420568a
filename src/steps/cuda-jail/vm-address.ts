import { msg, type Message } from '../../contract/messages';
import { planGuestAddress, seenAt, type AddressPlan, type AddressProblem } from '../../bhyve/guest-address';
import { GUEST_NAME, GUEST_NETWORK_CONFIG_PATH } from '../../bhyve/layout';
import { bridgeCard } from '../../bhyve/network';
import { evidenceOf, failureEvidence } from '../../wizard/evidence';
import { defineCheck, invoke, type InputDefinition, type Invocation, type Runs, type Verdict } from '../../wizard/step';
import { passthroughChosen } from './route';

/**
 * The guest's address. Its switch is bridged to the LAN, where only the router would know an address it
 * handed out by DHCP, so the guest gets a fixed one (cloud-init, `vm create -n`): the wired card's network
 * and a host number the user picks. Before the guest exists the wizard checks that nothing is at that address
 * (the host's ARP table, then two pings); afterwards the address is the one vm-bhyve wrote for cloud-init.
 */

export const GUEST_HOST_INPUT = 'guest-host';
export const ADDRESS_CHECK = 'vm-address';

/** .200: high in a /24, where home routers' DHCP ranges (often .100–.199 or .2–.199) less often reach. */
export const guestHostInput: InputDefinition = {
  id: GUEST_HOST_INPUT,
  label: 'vm.address.input',
  unit: '',
  min: 1,
  max: 254,
  step: 1,
  defaultValue: 200,
  appliesWhen: passthroughChosen,
};

/** The readings the address is planned from; the guest's creation reads the same ones (shared in a round). */
export const addressReads = {
  pci: invoke('pciconf', { verbose: false, bars: false }),
  interfaces: invoke('ifconfigInet', {}),
  route: invoke('routeDefault', {}),
  resolvers: invoke('resolvConf', {}),
} as const;

/** The planned address from those readings and the user's host number; null while a reading is missing. */
export function plannedAddress(runs: Runs<typeof addressReads>, inputs: Readonly<Record<string, number>>): { plan: AddressPlan; iface: string } | null {
  const card = runs.pci.parsed.ok ? bridgeCard(runs.pci.parsed.value) : null;
  if (card?.kind !== 'wired' || !runs.interfaces.parsed.ok || !runs.route.parsed.ok || !runs.resolvers.parsed.ok) return null;
  const reads = { iface: card.iface, interfaces: runs.interfaces.parsed.value, route: runs.route.parsed.value, resolvers: runs.resolvers.parsed.value };
  return { plan: planGuestAddress(reads, inputs[GUEST_HOST_INPUT] ?? guestHostInput.defaultValue), iface: card.iface };
}

const problemMessage = (problem: AddressProblem): Message => {
  switch (problem.kind) {
    case 'no-card-address':
      return msg('vm.address.noCardAddress', { iface: problem.iface });
    case 'out-of-range':
      return msg('vm.address.outOfRange', { max: problem.max, prefix: problem.prefix });
    case 'no-gateway':
      return msg('vm.address.noGateway', { iface: problem.iface });
    case 'is-host':
      return msg('vm.address.isHost', { address: problem.address });
    case 'is-gateway':
      return msg('vm.address.isGateway', { address: problem.address });
  }
};

const guestListed = (list: Runs<{ list: Invocation<{ guests: { name: string }[] }> }>['list']): boolean =>
  list.parsed.ok && list.parsed.value.guests.some((g) => g.name === GUEST_NAME);

const skip = (key: string, params: Record<string, string | number> = {}): Verdict => ({ status: 'skip', reason: msg(key, params), advice: [], evidence: [] });

export const vmAddressCheck = defineCheck({
  id: ADDRESS_CHECK,
  title: 'vm.check.address',
  readOnly: true,
  appliesWhen: passthroughChosen,
  commands: { ...addressReads, arp: invoke('arpTable', {}), list: invoke('vmList', {}), written: invoke('vmGuestNetwork', {}) },
  // Only a guest not made yet needs its address tried; once made, nothing should answer there but the guest.
  then: (runs, context): { ping?: Invocation<{ answered: boolean; reply: string | null }> } => {
    if (guestListed(runs.list)) return {};
    const planned = plannedAddress(runs, context.inputs ?? {});
    return planned?.plan.ok === true ? { ping: invoke('pingAddress', { address: planned.plan.network.address }) } : {};
  },
  evaluate: (runs, context): Verdict => {
    if (guestListed(runs.list)) {
      const written = runs.written.parsed.ok ? runs.written.parsed.value : null;
      if (written === null) return { status: 'error', reason: msg('vm.unreadable', { what: GUEST_NETWORK_CONFIG_PATH }), advice: [], evidence: [failureEvidence(runs.written)] };
      const evidence = [evidenceOf(runs.written, (t) => /^\s*(-\s*[0-9.]+\/|gateway4:|addresses: \[)/.test(t))];
      if (written.network === null) return { status: 'fail', reason: msg('vm.address.noStatic', { name: GUEST_NAME, file: GUEST_NETWORK_CONFIG_PATH }), advice: [msg('vm.address.advice.recreate', { name: GUEST_NAME })], evidence };
      const { address, gateway, nameservers } = written.network;
      return { status: 'pass', reason: msg('vm.address.ok', { name: GUEST_NAME, address, gateway, nameservers: nameservers.join(', ') }), advice: [], evidence };
    }
    const card = runs.pci.parsed.ok ? bridgeCard(runs.pci.parsed.value) : null;
    if (card === null) return { status: 'error', reason: msg('vm.unreadable', { what: 'pciconf -l' }), advice: [], evidence: [failureEvidence(runs.pci)] };
    // Without a wired card the network check says what to do; the address waits for it.
    if (card.kind !== 'wired') return skip('vm.address.later');
    const unread = [runs.interfaces, runs.route, runs.resolvers, runs.arp].find((r) => !r.parsed.ok);
    if (unread !== undefined) return { status: 'error', reason: msg('vm.unreadable', { what: unread.argv.join(' ') }), advice: [], evidence: [failureEvidence(unread)] };
    const planned = plannedAddress(runs, context.inputs ?? {});
    if (planned === null) return skip('vm.address.later');
    const cardEvidence = evidenceOf(runs.interfaces, (t) => t.startsWith(`${planned.iface}:`) || /^\s+inet /.test(t));
    const routeEvidence = evidenceOf(runs.route, (t) => /^\s*(gateway|interface):/.test(t));
    if (!planned.plan.ok) return { status: 'fail', reason: problemMessage(planned.plan.problem), advice: [msg('vm.address.advice.choose')], evidence: [cardEvidence, routeEvidence] };
    const { network } = planned.plan;
    const seen = runs.arp.parsed.ok ? seenAt(runs.arp.parsed.value, network.address) : undefined;
    if (seen !== undefined) {
      return { status: 'fail', reason: msg('vm.address.taken', { address: network.address, mac: seen.mac }), advice: [msg('vm.address.advice.choose')], evidence: [evidenceOf(runs.arp, (_t, n) => n === seen.line)] };
    }
    const ping = runs.ping;
    if (ping === undefined || !ping.parsed.ok) return { status: 'error', reason: msg('vm.unreadable', { what: `ping ${network.address}` }), advice: [], evidence: ping ? [failureEvidence(ping)] : [] };
    if (ping.parsed.value.answered) {
      return { status: 'fail', reason: msg('vm.address.answers', { address: network.address }), advice: [msg('vm.address.advice.choose')], evidence: [evidenceOf(ping, (t) => /bytes from|packets transmitted/.test(t))] };
    }
    const params = { address: network.address, prefix: network.prefix, gateway: network.gateway, nameservers: network.nameservers.join(', '), iface: planned.iface, host: planned.plan.card.address };
    return {
      status: 'pass',
      reason: msg('vm.address.free', params),
      advice: [msg('vm.address.advice.dhcp', params)],
      evidence: [cardEvidence, routeEvidence, evidenceOf(ping, (t) => /packets transmitted/.test(t))],
    };
  },
});
