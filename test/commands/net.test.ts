import { describe, expect, it } from 'vitest';
import { parseArpTable, parseIfconfig, parseResolvConf, parseRouteGet, prefixOfNetmask } from '../../src/commands/parsers/net';
import { planGuestAddress } from '../../src/bhyve/guest-address';

/** FreeBSD 14's ifconfig without `-f inet:cidr` (hexadecimal netmasks), with a Wi-Fi card and a bridge. */
const IFCONFIG_HEX = `em0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500
\toptions=4e524bb<RXCSUM,TXCSUM,VLAN_MTU,VLAN_HWTAGGING,JUMBO_MTU,VLAN_HWCSUM,LRO,WOL_MAGIC,VLAN_HWFILTER,VLAN_HWTSO,RXCSUM_IPV6,TXCSUM_IPV6,HWSTATS,MEXTPG>
\tinet 10.20.30.40 netmask 0xfffffc00 broadcast 10.20.31.255
wlan0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500
\tssid home channel 6 (2437 MHz 11g ht/20) bssid 00:11:22:33:44:55
\tinet 192.168.178.31 netmask 0xffffff00 broadcast 192.168.178.255
lo0: flags=1008049<UP,LOOPBACK,RUNNING,MULTICAST,LOWER_UP> metric 0 mtu 16384
\tinet 127.0.0.1 netmask 0xff000000
vm-public: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500
\tsomething new 1 2 3
`;

const ROUTE = `   route to: default
destination: default
       mask: default
    gateway: 10.20.28.1
        fib: 0
  interface: em0
      flags: <UP,GATEWAY,DONE,STATIC>
 recvpipe  sendpipe  ssthresh  rtt,msec    mtu        weight    expire
       0         0         0         0      1500         1         0 
`;

describe('the host network parsers', () => {
  it('read both netmask forms and keep unknown lines with their numbers', () => {
    const parsed = parseIfconfig(IFCONFIG_HEX);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value.interfaces.map((i) => [i.name, i.inet.map((a) => `${a.address}/${a.prefix}`)])).toEqual([
      ['em0', ['10.20.30.40/22']],
      ['wlan0', ['192.168.178.31/24']],
      ['lo0', ['127.0.0.1/8']],
      ['vm-public', []],
    ]);
    expect(parsed.value.unparsed).toEqual([{ line: 10, text: '\tsomething new 1 2 3' }]);
    expect(prefixOfNetmask('0xffff00ff')).toBeNull();
  });

  it('read the default route, the ARP table and the name servers', () => {
    expect(parseRouteGet(ROUTE)).toMatchObject({ ok: true, value: { gateway: '10.20.28.1', interface: 'em0', gatewayLine: 4, unparsed: [] } });
    const arp = parseArpTable('? (10.20.28.1) at a0:63:91:2e:51:7c on em0 expires in 1183 seconds [ethernet]\n? (10.20.30.9) at (incomplete) on em0 expired [ethernet]\n');
    expect(arp).toMatchObject({ ok: true, value: { entries: [{ address: '10.20.28.1', line: 1 }, { address: '10.20.30.9', mac: '(incomplete)' }] } });
    expect(parseResolvConf('search lan\nnameserver 127.0.0.1\nnameserver 10.20.28.1\n')).toEqual({ ok: true, value: { nameservers: [{ address: '127.0.0.1', line: 2 }, { address: '10.20.28.1', line: 3 }] } });
  });

  it('plan the guest on the wired card’s network, never asking the host’s local resolver', () => {
    const interfaces = parseIfconfig(IFCONFIG_HEX);
    const route = parseRouteGet(ROUTE);
    const resolvers = parseResolvConf('nameserver 127.0.0.1\n');
    if (!interfaces.ok || !route.ok || !resolvers.ok) throw new Error('fixture does not parse');
    const reads = { iface: 'em0', interfaces: interfaces.value, route: route.value, resolvers: resolvers.value };
    // A /22: host number 300 is 10.20.29.44; the local_unbound resolver is replaced by the router.
    expect(planGuestAddress(reads, 300)).toMatchObject({ ok: true, network: { address: '10.20.29.44', prefix: 22, gateway: '10.20.28.1', nameservers: ['10.20.28.1'] } });
    expect(planGuestAddress(reads, 1022)).toMatchObject({ ok: true, network: { address: '10.20.31.254' } });
    expect(planGuestAddress(reads, 1023)).toEqual({ ok: false, problem: { kind: 'out-of-range', max: 1022, prefix: 22 } });
    expect(planGuestAddress(reads, 552)).toEqual({ ok: false, problem: { kind: 'is-host', address: '10.20.30.40' } });
    expect(planGuestAddress({ ...reads, iface: 'em1' }, 5)).toEqual({ ok: false, problem: { kind: 'no-card-address', iface: 'em1' } });
  });
});
