import { z } from 'zod';

/**
 * The guest's static network settings. The guest's switch is bridged to the LAN, where only the router's DHCP
 * server would know a dynamic address; so the wizard gives the guest a fixed one through cloud-init
 * (`vm create -n`) and reads it back from the file vm-bhyve writes for cloud-init.
 */

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
export const Ipv4 = z.string().regex(new RegExp(`^${OCTET}(\\.${OCTET}){3}$`), 'not an IPv4 address');

export const GuestNetwork = z
  .object({
    address: Ipv4,
    prefix: z.number().int().min(8).max(30),
    gateway: Ipv4,
    nameservers: z.array(Ipv4).min(1).max(3),
  })
  .strict();
export type GuestNetwork = z.infer<typeof GuestNetwork>;

/** vm-bhyve's `-n` value: `ip=A/P;gateway=G;nameservers=N1,N2` (lib/vm-core splits it on `;` and `,`). */
export const netconfigArgument = (net: GuestNetwork): string => {
  const { address, prefix, gateway, nameservers } = GuestNetwork.parse(net);
  return `ip=${address}/${prefix};gateway=${gateway};nameservers=${nameservers.join(',')}`;
};

/**
 * Reads the network-config vm-bhyve wrote (netplan version 2: `addresses: - A/P`, `gateway4: G`,
 * `addresses: [N1,N2]` under nameservers). Null when the file holds no static address the wizard can use
 * (a guest made by hand with DHCP, or a file edited since).
 */
export function parseGuestNetworkConfig(text: string): GuestNetwork | null {
  const address = /^\s*-\s*([0-9.]+)\/([0-9]{1,2})\s*$/m.exec(text);
  const gateway = /^\s*gateway4:\s*([0-9.]+)\s*$/m.exec(text);
  const servers = /^\s*addresses:\s*\[([^\]]*)\]\s*$/m.exec(text);
  const candidate = {
    address: address?.[1],
    prefix: address?.[2] === undefined ? undefined : Number(address[2]),
    gateway: gateway?.[1],
    nameservers: (servers?.[1] ?? '')
      .split(',')
      .map((s) => s.trim().replace(/^"|"$/g, ''))
      .filter((s) => s !== ''),
  };
  const parsed = GuestNetwork.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}
