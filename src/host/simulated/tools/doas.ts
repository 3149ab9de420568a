import { ran, usage, type Tool } from './tool';

/** doas from ports (FreeBSD only): `permit nopass` for the user, or no matching rule. */
export const doas: Tool = {
  program: 'doas',
  path: (m) => (m.elevation.doas !== 'absent' && m.os.sysname === 'FreeBSD' ? '/usr/local/bin/doas' : null),
  run(args, context) {
    let i = 0;
    while (i < args.length && /^-n+$/.test(args[i] ?? '')) i++;
    if (args[i] === '--') i++;
    const command = args.slice(i);
    if (command.length === 0 || (command[0] ?? '').startsWith('-')) return usage('usage: doas [-Lns] [-C config] [-u user] command [args]');
    if (!context.root && context.machine.elevation.doas !== 'nopass') return ran(1, [], ['doas: Operation not permitted']);
    const result = context.run(command, true, context.stdin);
    return result.kind === 'missing' ? ran(1, [], [`doas: ${command[0] ?? ''}: No such file or directory`]) : result;
  },
};
