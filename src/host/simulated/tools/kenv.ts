import { ran, systemPath, usage, type Tool } from './tool';

const USAGE = 'usage: kenv [-l|-s] [-hNq]\n       kenv [-qv] variable[=value]\n       kenv [-q] -u variable';

/** `kenv` dumps every variable as name="value"; `kenv NAME` prints one value. */
export const kenv: Tool = {
  program: 'kenv',
  path: (m) => systemPath(m, { FreeBSD: '/bin/kenv' }),
  run(args, { machine }) {
    if (args.length === 0) return ran(0, Object.entries(machine.kenv).map(([name, value]) => `${name}="${value}"`));
    const [name] = args;
    if (args.length !== 1 || name === undefined || name.startsWith('-') || name.includes('=')) return usage(USAGE);
    const value = Object.hasOwn(machine.kenv, name) ? machine.kenv[name] : undefined;
    return value === undefined ? ran(1, [], [`kenv: unable to get ${name}`]) : ran(0, [value]);
  },
};
