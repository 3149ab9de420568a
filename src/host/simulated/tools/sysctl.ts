import { sysctlView } from '../machine';
import { ran, systemPath, usage, type Tool } from './tool';

const USAGE = [
  'usage: sysctl [-bdehiNnoqTtWx] [ -B <bufsize> ] [-f filename] name[=value] ...',
  '       sysctl [-bdehNnoqTtWx] [ -B <bufsize> ] -a',
].join('\n');

/** The leaves a name stands for: itself, or everything under it when it names a node (`dev.pcib`). */
function leaves(view: ReadonlyMap<string, string>, name: string): Array<[string, string]> {
  const value = view.get(name);
  if (value !== undefined) return [[name, value]];
  return [...view].filter(([key]) => key.startsWith(`${name}.`));
}

/**
 * `sysctl [-i] [-n] NAME...` (reading only); a node's name prints every leaf under it. FreeBSD says "unknown
 * oid"; Linux's procps looks the name up under /proc/sys and exits 255.
 */
export const sysctl: Tool = {
  program: 'sysctl',
  path: (m) => systemPath(m, { FreeBSD: '/sbin/sysctl', Linux: '/usr/sbin/sysctl' }),
  run(args, { machine }) {
    // FreeBSD's -i: unknown names are skipped without a word (a driver with no device has no dev.<driver>).
    const ignoreUnknown = args[0] === '-i' && machine.os.sysname === 'FreeBSD';
    const rest = ignoreUnknown ? args.slice(1) : args;
    const valueOnly = rest[0] === '-n';
    const names = valueOnly ? rest.slice(1) : rest;
    if (names.length === 0 || names.some((n) => n.startsWith('-') || n.includes('='))) return usage(USAGE);
    const view = sysctlView(machine);
    const freebsd = machine.os.sysname === 'FreeBSD';
    const stdout: string[] = [];
    const stderr: string[] = [];
    for (const name of names) {
      const found = leaves(view, name);
      for (const [key, value] of found) stdout.push(valueOnly ? value : `${key}${freebsd ? ':' : ' ='} ${value}`);
      if (found.length > 0 || ignoreUnknown) continue;
      if (freebsd) stderr.push(`sysctl: unknown oid '${name}'`);
      else stderr.push(`sysctl: cannot stat /proc/sys/${name.replace(/\./g, '/')}: No such file or directory`);
    }
    return ran(stderr.length === 0 ? 0 : freebsd ? 1 : 255, stdout, stderr);
  },
};
