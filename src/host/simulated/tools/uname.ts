import { ran, systemPath, usage, type Tool } from './tool';

const USAGE = 'usage: uname [-abiKmnoprsUv]';

/** `uname` with any of -s -n -r -m (fields print in that fixed order, whatever order the flags came in). */
export const uname: Tool = {
  program: 'uname',
  path: (m) => systemPath(m, { FreeBSD: '/usr/bin/uname', Linux: '/usr/bin/uname' }),
  run(args, { machine }) {
    const flags = new Set<string>();
    for (const arg of args) {
      if (!/^-[snrm]+$/.test(arg)) return usage(USAGE);
      for (const flag of arg.slice(1)) flags.add(flag);
    }
    if (flags.size === 0) flags.add('s');
    const { sysname, hostname, release, machine: arch } = machine.os;
    const fields: Array<[string, string]> = [
      ['s', sysname],
      ['n', hostname],
      ['r', release],
      ['m', arch],
    ];
    return ran(0, [fields.filter(([flag]) => flags.has(flag)).map(([, value]) => value).join(' ')]);
  },
};
