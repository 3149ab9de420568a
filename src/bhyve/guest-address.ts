import type { DefaultRoute, Interfaces, Neighbours, Resolvers } from '../commands/parsers/net';
import { GuestNetwork, Ipv4 } from './guest-network';

/**
 * The guest's static address, on the network of the wired card its switch is bridged to: that network's
 * number plus the host number the user chose. The router stays the way out; the name servers are the host's
 * own, unless they are local to the host (local_unbound's 127.0.0.1), which the guest cannot ask, and then the
 * router, which answers names on nearly every home network.
 */

export type AddressProblem =
  | { kind: 'no-card-address'; iface: string }
  | { kind: 'out-of-range'; max: number; prefix: number }
  | { kind: 'no-gateway'; iface: string }
  | { kind: 'is-host'; address: string }
  | { kind: 'is-gateway'; address: string };

export type AddressPlan = { ok: true; network: GuestNetwork; card: { iface: string; address: string; prefix: number; line: number } } | { ok: false; problem: AddressProblem };

const toNumber = (address: string): number => address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
const toAddress = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
const networkOf = (address: string, prefix: number): number => {
  const size = 2 ** (32 - prefix);
  return toNumber(address) - (toNumber(address) % size);
};

/** The highest host number this network has room for (its last address is the broadcast). */
export const maxHostNumber = (prefix: number): number => 2 ** (32 - prefix) - 2;

export const inNetwork = (address: string, network: { address: string; prefix: number }): boolean =>
  networkOf(address, network.prefix) === networkOf(network.address, network.prefix);

export function planGuestAddress(
  reads: { iface: string; interfaces: Interfaces; route: DefaultRoute; resolvers: Resolvers },
  hostNumber: number,
): AddressPlan {
  const card = reads.interfaces.interfaces.find((i) => i.name === reads.iface)?.inet[0];
  if (card === undefined) return { ok: false, problem: { kind: 'no-card-address', iface: reads.iface } };
  // GuestNetwork takes /8 to /30: a /31 or /32 leaves no room for a second machine.
  const max = maxHostNumber(card.prefix);
  if (card.prefix > 30 || card.prefix < 8 || hostNumber < 1 || hostNumber > max) return { ok: false, problem: { kind: 'out-of-range', max: Math.max(max, 0), prefix: card.prefix } };
  const gateway = reads.route.gateway;
  if (gateway === null || !inNetwork(gateway, card)) return { ok: false, problem: { kind: 'no-gateway', iface: reads.iface } };
  const address = toAddress(networkOf(card.address, card.prefix) + hostNumber);
  if (address === card.address) return { ok: false, problem: { kind: 'is-host', address } };
  if (address === gateway) return { ok: false, problem: { kind: 'is-gateway', address } };
  const usable = reads.resolvers.nameservers.map((n) => n.address).filter((a) => Ipv4.safeParse(a).success && !a.startsWith('127.'));
  const nameservers = (usable.length > 0 ? usable : [gateway]).slice(0, 3);
  return { ok: true, network: { address, prefix: card.prefix, gateway, nameservers }, card: { iface: reads.iface, ...card } };
}

/** The ARP table's entry for an address, if the host has seen a machine there. */
export const seenAt = (table: Neighbours, address: string): Neighbours['entries'][number] | undefined =>
  table.entries.find((e) => e.address === address && !/incomplete/.test(e.mac));
