import type { MachineView } from '../scenario';
import { ran, systemPath, usage, type Tool } from './tool';

/**
 * `which PROGRAM...`: each program's path; a missing one prints nothing and makes the exit status 1. Made
 * from the host's program lookup, so it finds exactly what exec would run.
 */
export function makeWhich(pathOf: (machine: MachineView, program: string) => string | null): Tool {
  return {
    program: 'which',
    path: (m) => systemPath(m, { FreeBSD: '/usr/bin/which', Linux: '/usr/bin/which' }),
    run(args, { machine }) {
      if (args.length === 0 || args.some((a) => a.startsWith('-'))) return usage('usage: which [-as] program ...');
      const paths = args.map((program) => pathOf(machine, program)).filter((p): p is string => p !== null);
      return ran(paths.length === args.length ? 0 : 1, paths);
    },
  };
}
