import type { PciconfOutput, PciDevice } from '../commands/parsers/pciconf';
import { InterfaceName } from '../commands/bhyve-commands';

/**
 * Which network card the guest's virtual switch can be bridged to. if_bridge(4) forwards the guest's own MAC
 * address, which an Ethernet port carries but a Wi-Fi client (iwn, iwm, ath) may not send under 802.11:
 * the access point drops frames from addresses that did not associate. So only a wired card will do, and
 * on a machine with Wi-Fi alone the wizard says so instead of bridging something that cannot work.
 */
export type BridgeCard =
  | { kind: 'wired'; iface: string; device: PciDevice }
  | { kind: 'wifi-only'; wifi: PciDevice[] }
  | { kind: 'none' };

/** PCI class 0x02 (network), subclass 0x00: Ethernet. */
const isEthernet = (d: PciDevice): boolean => d.class.toLowerCase().startsWith('0x0200');
/** Subclass 0x80 (other network: the Intel Wi-Fi cards report this) or class 0x0d (wireless). */
const isWireless = (d: PciDevice): boolean => /^0x(0280|0d)/i.test(d.class);

/** The first wired card with a driver attached (on the X220: em0, the Intel 82579LM), by bus order. */
export function bridgeCard(out: PciconfOutput): BridgeCard {
  const wired = out.devices.find((d) => isEthernet(d) && d.driver !== null && InterfaceName.safeParse(d.driver).success);
  if (wired?.driver) return { kind: 'wired', iface: wired.driver, device: wired };
  const wifi = out.devices.filter((d) => isWireless(d) && d.driver !== null);
  return wifi.length > 0 ? { kind: 'wifi-only', wifi } : { kind: 'none' };
}
