import { bootJails } from '../linux';
import { bootMachine } from '../machine';
import type { Scenario } from '../scenario';
import { gpuBlocked } from './jail';
import { bootOllama } from './ollama';
import { ran, systemPath, usage, type Tool } from './tool';

/** Counts the boot and boots the machine again (see bootMachine). */
export function rebootMachine(state: Scenario): void {
  state.boots += 1;
  bootMachine(state);
  bootJails(state);
  bootOllama(state, gpuBlocked(state) === null);
}

/** `reboot` as root; the simulated machine is back up when the command returns. */
export const reboot: Tool = {
  program: 'reboot',
  path: (m) => systemPath(m, { FreeBSD: '/sbin/reboot' }),
  run(args, { root }) {
    if (args.length > 0) return usage('usage: reboot [-cdlNnpqr] [-k kernel] [-o options]');
    if (!root) return ran(1, [], ['reboot: Operation not permitted']);
    return ran(0, [], [], { durationMs: 2000, commit: rebootMachine, hostEffect: { kind: 'reboot' } });
  },
};
