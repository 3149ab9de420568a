import { moduleCatalogue } from '../machine';
import type { MachineView } from '../scenario';
import { ran, systemPath, usage, type Tool } from './tool';

const USAGE = 'usage: kldstat [-dhqv] [-i id] [-n filename]\n       kldstat [-dq] [-m modname]';

const KERNEL_BASE = 0xffffffff80200000n;
const PAGE = 0x1000n;

/** The rows as kldstat prints them; ids, load addresses and reference counts follow from load order. */
export function kldstatLines(m: MachineView): string[] {
  const catalogue = moduleCatalogue(m);
  const dependents = (file: string): number =>
    file === 'kernel'
      ? m.modules.length - 1
      : m.modules.filter((row) => catalogue.find((c) => c.file === row.file)?.depends.includes(file)).length;
  let address = KERNEL_BASE;
  const lines = ['Id Refs Address                Size Name'];
  m.modules.forEach((row, index) => {
    const refs = row.refs + dependents(row.file);
    lines.push(`${String(index + 1).padStart(2)} ${String(refs).padStart(4)} 0x${address.toString(16)} ${row.size.toString(16).padStart(8)} ${row.file}`);
    address = ((address + BigInt(row.size) + PAGE - 1n) / PAGE) * PAGE;
  });
  return lines;
}

/** `kldstat` (usr.sbin/kldstat: `"%2d %4d %*p %8zx %s"` under its header). */
export const kldstat: Tool = {
  program: 'kldstat',
  path: (m) => systemPath(m, { FreeBSD: '/sbin/kldstat' }),
  run: (args, { machine }) => (args.length === 0 ? ran(0, kldstatLines(machine)) : usage(USAGE)),
};
