import { sysctlView } from '../machine';
import { ran, systemPath, usage, type Tool } from './tool';

const USAGE = [
  'usage: sysctl [-bdehiNnoqTtWx] [ -B <bufsize> ] [-f filename] name[=value] ...',
  '       sysctl [-bdehNnoqTtWx] [ -B <bufsize> ] -a',
].join('\n');

/**
 * `sysctl [-n] NAME...` (reading only). FreeBSD says "unknown oid"; Linux's procps looks the name up under
 * /proc/sys and exits 255.
 */
export const sysctl: Tool = {
  program: 'sysctl',
  path: (m) => systemPath(m, { FreeBSD: '/sbin/sysctl', Linux: '/usr/sbin/sysctl' }),
  run(args, { machine }) {
    const valueOnly = args[0] === '-n';
    const names = valueOnly ? args.slice(1) : args;
    if (names.length === 0 || names.some((n) => n.startsWith('-') || n.includes('='))) return usage(USAGE);
    const view = sysctlView(machine);
    const freebsd = machine.os.sysname === 'FreeBSD';
    const stdout: string[] = [];
    const stderr: string[] = [];
    for (const name of names) {
      const value = view.get(name);
      if (value !== undefined) stdout.push(valueOnly ? value : `${name}${freebsd ? ':' : ' ='} ${value}`);
      else if (freebsd) stderr.push(`sysctl: unknown oid '${name}'`);
      else stderr.push(`sysctl: cannot stat /proc/sys/${name.replace(/\./g, '/')}: No such file or directory`);
    }
    return ran(stderr.length === 0 ? 0 : freebsd ? 1 : 255, stdout, stderr);
  },
};
