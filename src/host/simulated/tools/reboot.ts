import { loadModule, loaderConfModules, rcConfModules } from '../machine';
import type { Scenario } from '../scenario';
import { ran, systemPath, usage, type Tool } from './tool';

/**
 * A fresh boot: the bus is enumerated again (the eGPU is there only if it has power now), the kernel and the
 * modules the system always brings are back, then loader.conf's `*_load="YES"` and rc.conf's kld_list.
 */
export function rebootMachine(state: Scenario): void {
  state.boots += 1;
  state.egpu.enumerated = state.egpu.powered;
  state.messages = { loader: [], runtime: [] };
  const kept = state.modules.filter((row) => row.origin === 'boot');
  const [kernel, ...devmatch] = kept;
  state.modules = kernel ? [kernel] : [];
  for (const file of loaderConfModules(state)) loadModule(state, file, 'loader');
  for (const row of devmatch) if (!state.modules.some((m) => m.file === row.file)) state.modules.push(row);
  for (const file of rcConfModules(state)) loadModule(state, file, 'rc');
}

/** `reboot` as root; the simulated machine is back up when the command returns. */
export const reboot: Tool = {
  program: 'reboot',
  path: (m) => systemPath(m, { FreeBSD: '/sbin/reboot' }),
  run(args, { root }) {
    if (args.length > 0) return usage('usage: reboot [-cdlNnpqr] [-k kernel] [-o options]');
    if (!root) return ran(1, [], ['reboot: Operation not permitted']);
    return ran(0, [], [], { durationMs: 2000, commit: rebootMachine });
  },
};
