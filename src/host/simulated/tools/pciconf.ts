import { barsOf, capsOf, visibleDevices } from '../machine';
import type { DeepReadonly, MachineView, PciBar, PciDevice } from '../scenario';
import { ran, systemPath, usage, type Tool } from './tool';

const USAGE = [
  'usage: pciconf -l [-BbcevV] [device]',
  '       pciconf -a device',
  '       pciconf -r [-b | -h] device addr[:addr2]',
  '       pciconf -w [-b | -h] device addr value',
  '       pciconf -D [-b | -h | -x] device addr[:addr2]',
].join('\n');

/** `%#jx`: C prints zero without the 0x prefix. */
const cHex = (value: string): string => {
  const n = BigInt(value);
  return n === 0n ? '0' : `0x${n.toString(16)}`;
};

const barLine = (bar: DeepReadonly<PciBar>): string =>
  `    bar   [${bar.reg.slice(2)}] = type ${bar.type}, range ${String(bar.range).padStart(2)}, base ${cHex(bar.base)}, size ${bar.size}, ${bar.enabled ? 'enabled' : 'disabled'}`;

interface Options {
  verbose: boolean;
  bars: boolean;
  caps: boolean;
}

function deviceLines(m: MachineView, device: DeepReadonly<PciDevice>, name: string, options: Options): string[] {
  const lines = [
    `${name}@${device.selector}:\tclass=${device.class} rev=${device.rev} hdr=${device.hdr} vendor=${device.vendorId} device=${device.deviceId} subvendor=${device.subvendorId} subdevice=${device.subdeviceId}`,
  ];
  if (options.verbose) {
    if (device.vendor !== null) lines.push(`    vendor     = '${device.vendor}'`);
    if (device.device !== null) lines.push(`    device     = '${device.device}'`);
    if (device.classDesc !== null) lines.push(`    class      = ${device.classDesc}`);
    if (device.subclassDesc !== null) lines.push(`    subclass   = ${device.subclassDesc}`);
  }
  if (options.bars) lines.push(...barsOf(m, device).map(barLine));
  if (options.caps) lines.push(...capsOf(m, device));
  return lines;
}

/**
 * `pciconf -l` with any mix of -v, -b and -c (usr.sbin/pciconf). Like the real tool it prints no blank lines
 * between devices, and numbers driverless devices none0, none1… in listing order. -c reads config space,
 * for which pciconf opens /dev/pci read-write; the node is 0644 root, so only root may list capabilities.
 */
export const pciconf: Tool = {
  program: 'pciconf',
  path: (m) => systemPath(m, { FreeBSD: '/usr/sbin/pciconf' }),
  run(args, { machine, root }) {
    const flags = new Set<string>();
    for (const arg of args) {
      if (!/^-[lvbc]+$/.test(arg)) return usage(USAGE);
      for (const flag of arg.slice(1)) flags.add(flag);
    }
    if (!flags.has('l')) return usage(USAGE);
    const options = { verbose: flags.has('v'), bars: flags.has('b'), caps: flags.has('c') };
    if (options.caps && !root) return ran(1, [], ['pciconf: /dev/pci: Permission denied']);
    let none = 0;
    const lines = visibleDevices(machine).flatMap((device) => deviceLines(machine, device, device.driver ?? `none${none++}`, options));
    return ran(0, lines);
  },
};
