import { GUEST_LOG_PATH, GUEST_NAME } from '../../bhyve/layout';
import type { DeepReadonly, MachineView, Scenario, UbuntuGuest } from './scenario';

/** What the wizard has put in the passthrough guest, kept in the host's scenario, and which run of the guest it is. */

const freshGuest = (): UbuntuGuest => ({ aptUpdated: false, driver: null, installedIn: null, loadedIn: null, downloads: [], cudaToolkit: null });
export const guestOf = (machine: MachineView): DeepReadonly<UbuntuGuest> => machine.ubuntuGuest ?? freshGuest();
export const guestIn = (state: Scenario): UbuntuGuest => (state.ubuntuGuest ??= freshGuest());

/** One run of the guest, from a bhyve start to its stop: the host's boot and how many times bhyve started it. */
export function guestRun(machine: MachineView): string | null {
  if (!(machine.bhyveGuests ?? []).some((g) => g.name === GUEST_NAME)) return null;
  const starts = (machine.files[GUEST_LOG_PATH] ?? '').split('\n').filter((l) => /starting bhyve/.test(l)).length;
  return `${machine.boots}:${starts}`;
}

export function moduleLoaded(machine: MachineView): boolean {
  const guest = guestOf(machine);
  const run = guestRun(machine);
  return guest.driver !== null && run !== null && (guest.loadedIn === run || guest.installedIn !== run);
}

