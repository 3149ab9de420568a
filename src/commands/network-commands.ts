import { z } from 'zod';
import { Ipv4 } from '../bhyve/guest-network';
import { onSuccess } from './output';
import { parseFailure } from './parse-result';
import { parseArpTable, parseIfconfig, parseResolvConf, parseRouteGet } from './parsers/net';
import type { CommandSpec } from './types';

/**
 * Catalogue entries that read the host's IPv4 network, for the passthrough guest's static address, and one
 * that asks whether an address is taken. All read-only and unprivileged; the one argument is an IPv4 address.
 */

const NoArgs = z.object({}).strict();
const SECOND = 1000;
const entry = <A extends z.ZodType, R>(spec: CommandSpec<A, R>): CommandSpec<A, R> => spec;

/** ping(8) exits 0 when a reply came, 2 when none did; anything else is ping's own failure. */
const PING_SILENT = 2;

export const networkCommands = {
  ifconfigInet: entry({
    id: 'ifconfigInet',
    description: 'The network interfaces and their IPv4 addresses',
    args: NoArgs,
    // inet:cidr prints 192.168.1.23/24 instead of a hexadecimal netmask; the parser reads either.
    argv: () => ['ifconfig', '-a', '-f', 'inet:cidr', 'inet'],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: onSuccess(parseIfconfig),
  }),
  routeDefault: entry({
    id: 'routeDefault',
    description: 'The default route: the router the host reaches the Internet through',
    args: NoArgs,
    argv: () => ['route', '-n', 'get', 'default'],
    // With no default route FreeBSD's route says "route has not been found" and exits 1: an answer, not a failure.
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: (out) =>
      out.exitCode !== 0 && /has not been found|not in table/.test(out.stderr)
        ? { ok: true as const, value: { gateway: null, interface: null, gatewayLine: null, unparsed: [] } }
        : onSuccess(parseRouteGet)(out),
  }),
  resolvConf: entry({
    id: 'resolvConf',
    description: 'The name servers the host uses (/etc/resolv.conf)',
    args: NoArgs,
    argv: () => ['cat', '/etc/resolv.conf'],
    privileged: false,
    timeoutMs: 5 * SECOND,
    parse: (out) => (out.exitCode !== 0 && /No such file/.test(out.stderr) ? { ok: true as const, value: { nameservers: [] } } : onSuccess(parseResolvConf)(out)),
  }),
  arpTable: entry({
    id: 'arpTable',
    description: 'The machines this host has seen on its networks (ARP table)',
    args: NoArgs,
    argv: () => ['arp', '-an'],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: onSuccess(parseArpTable),
  }),
  pingAddress: entry({
    id: 'pingAddress',
    description: 'Whether something on the network already answers at an address (two pings, three seconds)',
    args: z.object({ address: Ipv4 }).strict(),
    argv: (a) => ['ping', '-n', '-c', '2', '-t', '3', a.address],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: (out) => {
      if (out.exitCode === 0) return { ok: true as const, value: { answered: true, reply: out.stdout.split('\n').find((l) => /bytes from/.test(l)) ?? null } };
      if (out.exitCode === PING_SILENT) return { ok: true as const, value: { answered: false, reply: null } };
      return parseFailure('command-failed', out.stderr.trim() || `ping exited with ${out.exitCode ?? 'no code'}`);
    },
  }),
} as const;
