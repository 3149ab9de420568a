import { parseGuestNetworkConfig } from '../../../bhyve/guest-network';
import type { MachineView } from '../scenario';
import { ran, systemPath, usage, type Tool } from './tool';

/**
 * The host's IPv4 tools as the passthrough route reads them: `ifconfig -a -f inet:cidr inet`, `route -n get
 * default`, `arp -an` and `ping -n -c 2 -t 3 ADDRESS`. The network is the scenario's `lan`; a running bhyve
 * guest answers at the static address vm-bhyve wrote for its cloud-init.
 */

const EM0_OPTIONS = '\toptions=4e524bb<RXCSUM,TXCSUM,VLAN_MTU,VLAN_HWTAGGING,JUMBO_MTU,VLAN_HWCSUM,LRO,WOL_MAGIC,VLAN_HWFILTER,VLAN_HWTSO,RXCSUM_IPV6,TXCSUM_IPV6,HWSTATS,MEXTPG>';

const broadcastOf = (address: string, prefix: number): string => {
  const n = address.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const host = 2 ** (32 - prefix) - 1;
  const b = n - (n % (host + 1)) + host;
  return [24, 16, 8, 0].map((s) => Math.floor(b / 2 ** s) % 256).join('.');
};

/** The running guests' static addresses (each guest's cloud-init network-config under vm_dir). */
function guestAddresses(m: MachineView): { address: string; mac: string }[] {
  return (m.bhyveGuests ?? []).flatMap((g) => {
    const path = Object.keys(m.files).find((f) => f.endsWith(`/${g.name}/.cloud-init/network-config`));
    const text = path === undefined ? undefined : m.files[path];
    const net = text === undefined ? null : parseGuestNetworkConfig(text);
    const mac = /macaddress: "([^"]+)"/.exec(text ?? '')?.[1] ?? '58:9c:fc:00:00:00';
    return net === null ? [] : [{ address: net.address, mac }];
  });
}

export const ifconfig: Tool = {
  program: 'ifconfig',
  path: (m) => systemPath(m, { FreeBSD: '/sbin/ifconfig' }),
  run(args, { machine }) {
    if (args.join(' ') !== '-a -f inet:cidr inet') return usage('usage: ifconfig [-j jail] [-f type:format] %ssinterface address_family\n       [address [dest_address]] [parameters]');
    const lan = machine.lan;
    const lines = lan
      ? [
          `${lan.iface}: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500`,
          EM0_OPTIONS,
          `\tinet ${lan.address}/${lan.prefix} broadcast ${broadcastOf(lan.address, lan.prefix)}`,
        ]
      : [];
    return ran(0, [...lines, 'lo0: flags=1008049<UP,LOOPBACK,RUNNING,MULTICAST,LOWER_UP> metric 0 mtu 16384', '\toptions=680003<RXCSUM,TXCSUM,LINKSTATE,RXCSUM_IPV6,TXCSUM_IPV6>', '\tinet 127.0.0.1/8']);
  },
};

export const route: Tool = {
  program: 'route',
  path: (m) => systemPath(m, { FreeBSD: '/sbin/route' }),
  run(args, { machine }) {
    if (args.join(' ') !== '-n get default') return usage('usage: route [-46dnqtv] command [[modifiers] args]');
    const lan = machine.lan;
    if (!lan) return ran(1, [], ['route: route has not been found']);
    return ran(0, [
      '   route to: default',
      'destination: default',
      '       mask: default',
      `    gateway: ${lan.gateway}`,
      '        fib: 0',
      `  interface: ${lan.iface}`,
      '      flags: <UP,GATEWAY,DONE,STATIC>',
      ' recvpipe  sendpipe  ssthresh  rtt,msec    mtu        weight    expire',
      '       0         0         0         0      1500         1         0 ',
    ]);
  },
};

/** Who answers on the LAN: its machines, the host itself, and running guests. */
const answering = (m: MachineView): { address: string; mac: string }[] =>
  m.lan ? [...m.lan.neighbours, { address: m.lan.address, mac: '00:21:cc:6d:4e:ab' }, ...guestAddresses(m)] : [];

export const arp: Tool = {
  program: 'arp',
  path: (m) => systemPath(m, { FreeBSD: '/usr/sbin/arp' }),
  run(args, { machine }) {
    if (args.join(' ') !== '-an') return usage('usage: arp [-n] [-i interface] hostname\n       arp [-n] [-i interface] -a');
    const lan = machine.lan;
    if (!lan) return ran(0, []);
    // The host's own entry is permanent; the others are those the host has talked to (the router, the NAS).
    return ran(0, [
      ...lan.neighbours.filter((n) => n.unseen !== true).map((n) => `? (${n.address}) at ${n.mac} on ${lan.iface} expires in 1183 seconds [ethernet]`),
      `? (${lan.address}) at 00:21:cc:6d:4e:ab on ${lan.iface} permanent [ethernet]`,
    ]);
  },
};

export const ping: Tool = {
  program: 'ping',
  path: (m) => systemPath(m, { FreeBSD: '/sbin/ping' }),
  run(args, { machine }) {
    const [n, c, count, t, timeout, address] = args;
    if (args.length !== 6 || n !== '-n' || c !== '-c' || t !== '-t' || count !== '2' || timeout !== '3' || address === undefined) return usage('usage: ping [-4AaDdfHnoQqRrv] [-C pcp] [-c count] [-t timeout] host');
    const head = `PING ${address} (${address}): 56 data bytes`;
    const up = answering(machine).some((h) => h.address === address);
    if (up) {
      return ran(0, [head, `64 bytes from ${address}: icmp_seq=0 ttl=64 time=0.412 ms`, `64 bytes from ${address}: icmp_seq=1 ttl=64 time=0.377 ms`, '', `--- ${address} ping statistics ---`, '2 packets transmitted, 2 packets received, 0.0% packet loss', 'round-trip min/avg/max/stddev = 0.377/0.395/0.412/0.018 ms'], [], { durationMs: 1000 });
    }
    return ran(2, [head, '', `--- ${address} ping statistics ---`, '2 packets transmitted, 0 packets received, 100.0% packet loss'], [], { durationMs: 3000 });
  },
};
