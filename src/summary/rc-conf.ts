import { parseShellVars, getValue } from '../config/formats/shell-vars';
import type { JournalEntry } from '../config/journal';
import { bySpace } from '../steps/boot-files';

export const RC_CONF = '/etc/rc.conf';

/**
 * rc.conf as the wizard last left it on this host, from its change journal: the text after its last change,
 * or the original again where that change was undone. Null where the wizard never changed it, so the
 * summary says what it does not know instead of guessing.
 */
export function rcConfAsLeft(entries: readonly JournalEntry[], host: string): string | null {
  const mine = entries.filter((e) => e.host === host && e.path === RC_CONF);
  // Undo restores newest first, so the file holds what its last change still applied wrote, or, where every
  // change was undone, the original before the first of them.
  const applied = mine.filter((e) => e.state === 'applied').at(-1);
  if (applied !== undefined) return applied.after;
  return mine.find((e) => e.state === 'restored')?.before ?? null;
}

/** What rc.conf starts at boot, among what matters here. */
export interface BootSettings {
  linux: boolean;
  /** The NVIDIA module named in kld_list. */
  driverModule: string | null;
  jail: boolean;
  jailList: string | null;
  sshd: boolean;
}

const yes = (value: string | null): boolean => (value ?? '').toUpperCase() === 'YES';

export function bootSettings(text: string, jailName: string): BootSettings | null {
  const doc = parseShellVars(text, { dialect: 'rc' });
  if (!doc.ok) return null;
  const jailList = getValue(doc.value, 'jail_list');
  // An empty jail_list starts every jail jail.conf names; a list starts only those it names.
  const listed = jailList === null || jailList.trim() === '' || bySpace(jailList).includes(jailName);
  return {
    linux: yes(getValue(doc.value, 'linux_enable')),
    driverModule: bySpace(getValue(doc.value, 'kld_list')).find((w) => w === 'nvidia' || w === 'nvidia-modeset') ?? null,
    jail: yes(getValue(doc.value, 'jail_enable')) && listed,
    jailList,
    sshd: yes(getValue(doc.value, 'sshd_enable')),
  };
}
