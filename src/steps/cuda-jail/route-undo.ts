import { GUEST_NAME } from '../../bhyve/layout';
import type { CommandRunner } from '../../commands/runner';
import type { ChangeOrigin } from '../../config/journal';

/** The jail step's actions whose file changes are the passthrough route: the reservation, vm-bhyve's rc.conf lines, the template and key. */
const ROUTE_ACTIONS = new Set(['reserve', 'vm-host', 'vm-template']);

export const isPassthroughChange = (origin: ChangeOrigin | undefined): boolean =>
  origin !== undefined && origin.stepId === 'cuda-jail' && ROUTE_ACTIONS.has(origin.actionId);

export interface GuestNow {
  name: string;
  /** bhyve runs it, so it holds the card (in the loader too: the card is already passed to it). */
  running: boolean;
  /** `vm list`'s own line, shown as the evidence. */
  line: string;
}

/**
 * The route's guest as `vm list` shows it; null when there is none, or vm-bhyve cannot list (not installed,
 * `vm_enable` already gone from rc.conf, no root yet): undo then has no guest to stop.
 */
export async function readGuest(runner: CommandRunner): Promise<GuestNow | null> {
  const run = await runner.run('vmList', {});
  if (run.outcome !== 'ok' || !run.parsed.ok) return null;
  const guest = run.parsed.value.guests.find((g) => g.name === GUEST_NAME);
  if (guest === undefined) return null;
  const line = run.stdout.split('\n')[guest.line - 1] ?? guest.name;
  return { name: guest.name, running: guest.state === 'running' || guest.state === 'bootloader', line: line.trimEnd() };
}
