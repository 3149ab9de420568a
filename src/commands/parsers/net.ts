import { z } from 'zod';
import { Ipv4 } from '../../bhyve/guest-network';
import { Unparsed, validated, type ParseResult, type UnparsedLine } from '../parse-result';
import { guarded, precheck } from './text';

/**
 * The host's IPv4 network as FreeBSD's tools print it: `ifconfig -a -f inet:cidr inet`, `route -n get
 * default`, `arp -an` and /etc/resolv.conf. The passthrough guest gets an address on the same network as the
 * wired card its switch is bridged to, so the wizard needs that card's address, the way out and the name
 * servers. Lines the parsers do not know are kept with their numbers, never a reason to refuse the output.
 */

export const InterfaceAddress = z.object({ address: Ipv4, prefix: z.number().int().min(0).max(32), line: z.number().int().positive() }).strict();
export const Interfaces = z
  .object({
    interfaces: z.array(z.object({ name: z.string().min(1), up: z.boolean(), line: z.number().int().positive(), inet: z.array(InterfaceAddress) }).strict()),
    unparsed: Unparsed,
  })
  .strict();
export type Interfaces = z.infer<typeof Interfaces>;

/** A netmask as ifconfig prints it without `-f inet:cidr` (0xffffff00), as a prefix length; null if not contiguous. */
export function prefixOfNetmask(hex: string): number | null {
  const mask = Number.parseInt(hex, 16);
  if (!Number.isFinite(mask) || mask < 0 || mask > 0xffffffff) return null;
  const bits = mask.toString(2).padStart(32, '0');
  return /^1*0*$/.test(bits) ? bits.indexOf('0') === -1 ? 32 : bits.indexOf('0') : null;
}

// Any name: interfaces can be renamed (vm-bhyve's bridge is `vm-public`), not just driver and unit.
const HEADER = /^([A-Za-z][A-Za-z0-9_.-]*): flags=[0-9a-f]+<([^>]*)>/;
const INET_CIDR = /^\s+inet ([0-9.]+)\/([0-9]{1,2})\b/;
const INET_MASK = /^\s+inet ([0-9.]+) netmask (0x[0-9a-f]{8})\b/;
/** Lines ifconfig prints that say nothing about IPv4 addresses. */
const KNOWN = /^\s+(options|ether|inet6|media|status|nd6|groups|member|id|priority|hwaddr|ssid|country|parent|regdomain|AP|channel|txpower|bssid|authmode|privacy|protmode|wme|roaming|bintval|bmiss|scanvalid|mcastrate|mgmtrate|maxretry|vlan|laggproto|fib|tunnel|drivername|ifmaxaddr|root|bridge|maxaddr|timeout|ipfilter|cost|port)\b/;

function parseInterfaces(text: string): ParseResult<Interfaces> {
  const rejected = precheck(text, 'ifconfig');
  if (rejected) return rejected;
  const interfaces: Interfaces['interfaces'] = [];
  const unparsed: UnparsedLine[] = [];
  text.replace(/\r\n/g, '\n').split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const header = HEADER.exec(raw);
    if (header) {
      interfaces.push({ name: header[1] ?? '', up: (header[2] ?? '').split(',').includes('UP'), line, inet: [] });
      return;
    }
    const current = interfaces[interfaces.length - 1];
    const cidr = INET_CIDR.exec(raw);
    const masked = cidr ? null : INET_MASK.exec(raw);
    const prefix = cidr ? Number(cidr[2]) : masked ? prefixOfNetmask(masked[2] ?? '') : null;
    const address = cidr?.[1] ?? masked?.[1];
    if (current && address !== undefined && prefix !== null && Ipv4.safeParse(address).success) {
      current.inet.push({ address, prefix, line });
      return;
    }
    if (!(current && KNOWN.test(raw))) unparsed.push({ line, text: raw });
  });
  return validated(Interfaces, { interfaces, unparsed });
}
export const parseIfconfig: (text: string) => ParseResult<Interfaces> = guarded('ifconfig', parseInterfaces);

export const DefaultRoute = z
  .object({ gateway: Ipv4.nullable(), interface: z.string().nullable(), gatewayLine: z.number().int().positive().nullable(), unparsed: Unparsed })
  .strict();
export type DefaultRoute = z.infer<typeof DefaultRoute>;

/** `route -n get default`: `gateway:` and `interface:` among its `name: value` lines, then a metrics table. */
function parseRoute(text: string): ParseResult<DefaultRoute> {
  const rejected = precheck(text, 'route');
  if (rejected) return rejected;
  let gateway: string | null = null;
  let gatewayLine: number | null = null;
  let iface: string | null = null;
  const unparsed: UnparsedLine[] = [];
  let table = false;
  text.replace(/\r\n/g, '\n').split('\n').forEach((raw, i) => {
    if (raw.trim() === '' || table) return;
    const field = /^\s*([a-z ]+):\s*(.*)$/.exec(raw);
    if (field) {
      const [, name = '', value = ''] = field;
      if (name.trim() === 'gateway' && Ipv4.safeParse(value.trim()).success) {
        gateway = value.trim();
        gatewayLine = i + 1;
      }
      if (name.trim() === 'interface') iface = value.trim();
      return;
    }
    if (/^\s*recvpipe\b/.test(raw)) {
      table = true;
      return;
    }
    unparsed.push({ line: i + 1, text: raw });
  });
  return validated(DefaultRoute, { gateway, interface: iface, gatewayLine, unparsed });
}
export const parseRouteGet: (text: string) => ParseResult<DefaultRoute> = guarded('route', parseRoute);

export const Neighbours = z.object({ entries: z.array(z.object({ address: Ipv4, mac: z.string(), line: z.number().int().positive() }).strict()), unparsed: Unparsed }).strict();
export type Neighbours = z.infer<typeof Neighbours>;

/** `arp -an`: `? (192.168.1.1) at 00:11:22:33:44:55 on em0 expires in 1183 seconds [ethernet]`; incomplete ones too. */
function parseArp(text: string): ParseResult<Neighbours> {
  const entries: Neighbours['entries'] = [];
  const unparsed: UnparsedLine[] = [];
  text.replace(/\r\n/g, '\n').split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const entry = /^\S+ \(([0-9.]+)\) at (\S+)/.exec(raw);
    if (entry && Ipv4.safeParse(entry[1]).success) entries.push({ address: entry[1] ?? '', mac: entry[2] ?? '', line: i + 1 });
    else unparsed.push({ line: i + 1, text: raw });
  });
  // An empty table is an answer: a host that has talked to nobody yet.
  return validated(Neighbours, { entries, unparsed });
}
export const parseArpTable: (text: string) => ParseResult<Neighbours> = guarded('arp', parseArp);

export const Resolvers = z.object({ nameservers: z.array(z.object({ address: z.string(), line: z.number().int().positive() }).strict()) }).strict();
export type Resolvers = z.infer<typeof Resolvers>;

/** resolv.conf's `nameserver` lines, in order; every other line (search, options, comments) is the resolver's business. */
export function parseResolvConf(text: string): ParseResult<Resolvers> {
  const nameservers = text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .flatMap((raw, i) => {
      const server = /^\s*nameserver\s+(\S+)/.exec(raw);
      return server?.[1] ? [{ address: server[1], line: i + 1 }] : [];
    });
  return validated(Resolvers, { nameservers });
}
