import { msg } from '../../contract/messages';
import type { FileChange } from '../../contract/plan';
import { ensureRuleset, getRuleset, listRulesets, parseDevfsRules, renderDevfsRules } from '../../config/formats/devfs-rules';
import { ensureMount, fstabEntries, parseFstab, renderFstab, type FstabEntry } from '../../config/formats/fstab';
import { ensureJail, getJail, parseJailConf, renderJailConf, setJailParam } from '../../config/formats/jail-conf';
import { addToList, parseShellVars, renderShellVars, setValue } from '../../config/formats/shell-vars';
import { fileChange } from '../../config/plan';
import { DEVFS_RULESET_NAME, DEVFS_RULESET_NUMBER, JAIL_FSTAB, JAIL_NAME, JAIL_ROOT, jailPath } from '../../jail/layout';
import { RC } from '../boot-files';
import { addedBy, contentOf, metaOf, type Read, type Stat } from '../realloc-bars';

/**
 * What the jail's configuration files must say, as pure edits of what they say now: the wizard's lines are
 * added or corrected, everything else in the files stays byte for byte.
 */

export const JAIL_CONF = '/etc/jail.conf' as const;
export const DEVFS_RULES = '/etc/devfs.rules' as const;

/** A file as read, with the metadata it keeps; undefined where it could not be read. */
export interface ReadFile {
  text: string | null;
  meta: FileChange['meta'] | undefined;
}

export function readFile(read: Read, stat: Stat): ReadFile | undefined {
  const text = contentOf(read);
  if (text === undefined) return undefined;
  return { text, meta: text === null ? undefined : metaOf(stat) };
}

const change = (path: FileChange['path'], file: ReadFile, after: string, reason: Parameters<typeof msg>[0]): FileChange | null =>
  fileChange(path, file.text, after, [msg(reason)], file.text === null ? undefined : file.meta);

// ------------------------------------------------------------------------------------------ devfs.rules

/**
 * Exactly the NVIDIA nodes, on top of the usual jail base (hide everything, then the harmless basics):
 * nvidiactl, the GPUs (nvidia0, nvidia1…, never nvidiactl or nvidia-modeset through the glob), nvidia-modeset,
 * and nvidia-uvm where the host has it.
 */
export function nvidiaRules(hostHasUvm: boolean): string[] {
  return [
    'add include $devfsrules_hide_all',
    'add include $devfsrules_unhide_basic',
    'add path nvidiactl unhide',
    "add path 'nvidia[0-9]*' unhide",
    'add path nvidia-modeset unhide',
    ...(hostHasUvm ? ['add path nvidia-uvm unhide'] : []),
  ];
}

/** Our ruleset's number: the one it already has, else 61, else the first free one above it. */
export function rulesetNumber(text: string | null): number {
  const doc = parseDevfsRules(text ?? '');
  if (!doc.ok) return DEVFS_RULESET_NUMBER;
  const existing = getRuleset(doc.value, DEVFS_RULESET_NAME);
  if (existing !== null) return existing.number;
  const used = new Set(listRulesets(doc.value).map((r) => r.number));
  let n = DEVFS_RULESET_NUMBER;
  while (used.has(n)) n++;
  return n;
}

export function devfsRulesChange(file: ReadFile, hostHasUvm: boolean): FileChange | null {
  const doc = parseDevfsRules(file.text ?? '');
  if (!doc.ok) return null;
  const after = ensureRuleset(doc.value, DEVFS_RULESET_NAME, rulesetNumber(file.text), nvidiaRules(hostHasUvm), {
    comment: addedBy(`only the NVIDIA device nodes for the jail ${JAIL_NAME}`),
  });
  return change(DEVFS_RULES, file, renderDevfsRules(after), 'jail.reason.devfsRules');
}

/** The rules the file holds for our ruleset now (null: none), to compare with what the wizard wants. */
export function currentRules(text: string | null): readonly string[] | null {
  const doc = parseDevfsRules(text ?? '');
  return doc.ok ? (getRuleset(doc.value, DEVFS_RULESET_NAME)?.rules ?? null) : null;
}

// ---------------------------------------------------------------------------------------------- fstab

export const devfsEntry = (ruleset: number): FstabEntry => ({ device: 'devfs', mountPoint: jailPath('/dev'), type: 'devfs', options: `rw,ruleset=${ruleset}`, dump: 0, pass: 0 });

/** The Linux file systems, after devfs (whose /dev the tmpfs for /dev/shm sits in). */
export const linuxMounts: readonly FstabEntry[] = [
  { device: 'tmpfs', mountPoint: jailPath('/dev/shm'), type: 'tmpfs', options: 'rw,size=1g,mode=1777', dump: 0, pass: 0 },
  { device: 'linprocfs', mountPoint: jailPath('/proc'), type: 'linprocfs', options: 'rw', dump: 0, pass: 0 },
  { device: 'linsysfs', mountPoint: jailPath('/sys'), type: 'linsysfs', options: 'rw', dump: 0, pass: 0 },
];

/** The ruleset the jail's fstab mounts its /dev with, or null where it mounts none or names no ruleset. */
export function fstabRuleset(text: string | null): number | null {
  const doc = parseFstab(text ?? '');
  if (!doc.ok) return null;
  const dev = fstabEntries(doc.value).find((e) => e.mountPoint === jailPath('/dev') && e.type === 'devfs');
  const match = /(?:^|,)ruleset=(\d+)(?:,|$)/.exec(dev?.options ?? '');
  return match ? Number(match[1]) : null;
}

/**
 * The Linux mounts of the jail's fstab. A new file also gets the devfs line (first, with our ruleset); an
 * existing devfs line is the devfs check's business, so the two checks never propose clashing edits.
 */
export function fstabMountsChange(file: ReadFile, ruleset: number): FileChange | null {
  const doc = parseFstab(file.text ?? '');
  if (!doc.ok) return null;
  const hasDev = fstabEntries(doc.value).some((e) => e.mountPoint === jailPath('/dev'));
  let next = hasDev ? doc.value : ensureMount(doc.value, devfsEntry(ruleset));
  for (const entry of linuxMounts) next = ensureMount(next, entry);
  return change(JAIL_FSTAB, file, renderFstab(next), 'jail.reason.fstab');
}

/** The devfs line of an existing fstab, pointed at our ruleset. */
export function fstabDevfsChange(file: ReadFile, ruleset: number): FileChange | null {
  if (file.text === null) return null;
  const doc = parseFstab(file.text);
  if (!doc.ok) return null;
  return change(JAIL_FSTAB, file, renderFstab(ensureMount(doc.value, devfsEntry(ruleset))), 'jail.reason.fstabRuleset');
}

// ----------------------------------------------------------------------------------------- jail.conf

/** The jail's parameters: a persistent jail with no init of its own (Linux has no /etc/rc), sharing the host's network. */
export function jailParams(ruleset: number): Array<[string, string | true]> {
  return [
    ['path', JAIL_ROOT],
    ['host.hostname', JAIL_NAME],
    ['mount.fstab', JAIL_FSTAB],
    ['devfs_ruleset', String(ruleset)],
    ['enforce_statfs', '1'],
    ['ip4', 'inherit'],
    ['ip6', 'inherit'],
    ['exec.start', '/bin/true'],
    ['exec.stop', '/bin/true'],
    ['persist', true],
  ];
}

export function jailConfChange(file: ReadFile, ruleset: number): FileChange | null | 'unreadable' {
  const doc = parseJailConf(file.text ?? '');
  if (!doc.ok || doc.value.problem !== null) return 'unreadable';
  let next = ensureJail(doc.value, JAIL_NAME, { comment: addedBy('a Linux (Ubuntu) jail for CUDA programs') });
  for (const [key, value] of jailParams(ruleset)) next = setJailParam(next, JAIL_NAME, key, value);
  return change(JAIL_CONF, file, renderJailConf(next), 'jail.reason.jailConf');
}

export const jailConfigured = (text: string | null): boolean => {
  const doc = parseJailConf(text ?? '');
  return doc.ok && getJail(doc.value, JAIL_NAME) !== null;
};

// ------------------------------------------------------------------------------------------- rc.conf

/** rc.conf for the Linux ABI at boot. */
export function linuxEnableChange(file: ReadFile): FileChange | null {
  const doc = parseShellVars(file.text ?? '', { dialect: 'rc' });
  if (!doc.ok) return null;
  const after = setValue(doc.value, 'linux_enable', 'YES', { comment: addedBy('the Linux ABI, which CUDA programs run on') });
  return change(RC, file, renderShellVars(after), 'jail.reason.linuxEnable');
}

/** rc.conf starting the jail at boot: jail_enable and the jail in jail_list (other jails stay). */
export function jailEnableChange(file: ReadFile): FileChange | null {
  const doc = parseShellVars(file.text ?? '', { dialect: 'rc' });
  if (!doc.ok) return null;
  const enabled = setValue(doc.value, 'jail_enable', 'YES', { comment: addedBy(`start the jail ${JAIL_NAME} at boot`) });
  return change(RC, file, renderShellVars(addToList(enabled, 'jail_list', JAIL_NAME)), 'jail.reason.jailEnable');
}
