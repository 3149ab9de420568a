import { rebootMachine } from './reboot';
import { ran, systemPath, usage, type Tool } from './tool';

/** `shutdown -r now` as root: a clean restart; the simulated machine is back up when the command returns. */
export const shutdown: Tool = {
  program: 'shutdown',
  path: (m) => systemPath(m, { FreeBSD: '/sbin/shutdown' }),
  run(args, { root }) {
    if (args.length !== 2 || args[0] !== '-r' || args[1] !== 'now') {
      return usage('usage: shutdown [-] [-c | -h | -p | -r | -k] [-o [-n]] [-q] time [warning-message ...]');
    }
    if (!root) return ran(1, [], ['shutdown: NOT super-user']);
    return ran(0, ['Shutdown NOW!'], [], { durationMs: 2000, commit: rebootMachine, hostEffect: { kind: 'reboot' } });
  },
};
