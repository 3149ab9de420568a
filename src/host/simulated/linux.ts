import { getRuleset, listRulesets, parseDevfsRules } from '../../config/formats/devfs-rules';
import { fstabEntries, parseFstab } from '../../config/formats/fstab';
import { getJail, parseJailConf } from '../../config/formats/jail-conf';
import { JAIL_NAME, JAIL_ROOT } from '../../jail/layout';
import { isLoaded, nvidiaState } from './machine';
import type { LinuxWorld, MachineView, Scenario } from './scenario';

/** The Linux side of a simulated machine: the jail, its /dev, its mounts, as data the tools read and change. */

export const freshLinux = (): LinuxWorld => ({
  userland: 'none',
  running: false,
  devNodes: [],
  nvidiaLibs: null,
  cudaToolkit: null,
  downloads: [],
  devfsRulesLoaded: null,
  handMounts: [],
  llama: null,
  models: {},
});

export const linuxOf = (m: MachineView): Readonly<LinuxWorld> => (m.linux as LinuxWorld | undefined) ?? freshLinux();

/** The state's Linux world, created on first change. */
export function linuxIn(state: Scenario): LinuxWorld {
  state.linux ??= freshLinux();
  return state.linux;
}

/** The host's /dev: the usual nodes, and the NVIDIA ones once the driver has attached. */
export function hostDevNodes(m: MachineView): string[] {
  const base = ['ada0', 'ada0p1', 'ada0p2', 'ada0p3', 'console', 'crypto', 'fd', 'io', 'kmem', 'mem', 'null', 'pci', 'ptmx', 'pts', 'random', 'stderr', 'stdin', 'stdout', 'ttyv0', 'urandom', 'zero', 'zfs'];
  if (nvidiaState(m).status !== 'attached') return base;
  const nvidia = ['nvidia0', 'nvidiactl', ...(isLoaded(m, 'nvidia-modeset.ko') ? ['nvidia-modeset'] : [])];
  return [...base, ...nvidia].sort();
}

/** /etc/defaults/devfs.rules of FreeBSD 14 (the parts the jails use). */
const DEFAULT_RULESETS: Readonly<Record<number, { name: string; rules: readonly string[] }>> = {
  1: { name: 'devfsrules_hide_all', rules: ['add hide'] },
  2: { name: 'devfsrules_unhide_basic', rules: ['add path null unhide', 'add path zero unhide', 'add path crypto unhide', 'add path random unhide', 'add path urandom unhide'] },
  3: { name: 'devfsrules_unhide_login', rules: ['add path ptmx unhide', 'add path pts unhide', "add path 'pts/*' unhide", 'add path fd unhide', "add path 'fd/*' unhide", 'add path stdin unhide', 'add path stdout unhide', 'add path stderr unhide'] },
  4: { name: 'devfsrules_jail', rules: ['add include $devfsrules_hide_all', 'add include $devfsrules_unhide_basic', 'add include $devfsrules_unhide_login', 'add path fuse unhide', 'add path zfs unhide'] },
};

type Rulesets = Map<number, { name: string; rules: readonly string[] }>;

function loadedRulesets(m: MachineView): Rulesets {
  const sets: Rulesets = new Map(Object.entries(DEFAULT_RULESETS).map(([n, r]) => [Number(n), r]));
  const doc = parseDevfsRules(linuxOf(m).devfsRulesLoaded ?? '');
  if (!doc.ok) return sets;
  for (const { name, number } of listRulesets(doc.value)) sets.set(number, { name, rules: getRuleset(doc.value, name)?.rules ?? [] });
  return sets;
}

/** fnmatch for devfs path patterns (`*`, `?`, `[0-9]`), quotes removed. */
const globMatches = (pattern: string, name: string): boolean =>
  new RegExp(`^${pattern.replace(/^['"]|['"]$/g, '').replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(name);

/** The nodes a devfs mounted with ruleset `number` shows, applying its rules (and includes) in order. */
export function visibleNodes(m: MachineView, number: number | null): string[] {
  const nodes = hostDevNodes(m);
  if (number === null || number === 0) return nodes;
  const sets = loadedRulesets(m);
  const byName = new Map([...sets].map(([n, r]) => [r.name, n]));
  const shown = new Set(nodes);
  const apply = (n: number, depth: number): void => {
    if (depth > 8) return;
    for (const rule of sets.get(n)?.rules ?? []) {
      const words = rule.split(/\s+/);
      if (words[0] !== 'add') continue;
      if (words[1] === 'include') {
        const target = byName.get((words[2] ?? '').replace(/^\$\{?|\}$/g, ''));
        if (target !== undefined) apply(target, depth + 1);
      } else if (words[1] === 'hide') shown.clear();
      else if (words[1] === 'path' && words[2] !== undefined) {
        const pattern = words[2];
        for (const node of nodes.filter((x) => globMatches(pattern, x))) {
          if (words[3] === 'unhide') shown.add(node);
          else if (words[3] === 'hide') shown.delete(node);
        }
      }
    }
  };
  apply(number, 0);
  return [...shown].sort();
}

/** The jail's fstab entries as jail.conf names them, and the ruleset its /dev is mounted with. */
function jailMountPlan(m: MachineView): { ok: true; fstab: ReturnType<typeof fstabEntries>; ruleset: number | null } | { ok: false; error: string } {
  const conf = parseJailConf(m.files['/etc/jail.conf'] ?? '');
  const params = conf.ok ? getJail(conf.value, JAIL_NAME) : null;
  if (params === null) return { ok: false, error: `jail: "${JAIL_NAME}" not found` };
  const value = (key: string) => params.filter((p) => p.name === key).pop()?.values[0];
  if (value('path') !== JAIL_ROOT) return { ok: false, error: `jail: ${JAIL_NAME}: path: not ${JAIL_ROOT}` };
  const fstabPath = value('mount.fstab');
  const fstabText = fstabPath === undefined ? '' : (m.files[fstabPath] ?? null);
  if (fstabText === null) return { ok: false, error: `jail: ${JAIL_NAME}: ${fstabPath ?? ''}: No such file or directory` };
  const fstab = parseFstab(fstabText);
  const entries = fstab.ok ? fstabEntries(fstab.value) : [];
  const dev = entries.find((e) => e.type === 'devfs');
  const ruleset = /(?:^|,)ruleset=(\d+)/.exec(dev?.options ?? '')?.[1];
  const jailRuleset = value('devfs_ruleset');
  return { ok: true, fstab: entries, ruleset: ruleset !== undefined ? Number(ruleset) : jailRuleset !== undefined ? Number(jailRuleset) : dev === undefined ? null : 0 };
}

/** Starts the jail as jail(8) would: its fstab mounted, its /dev filtered by the ruleset; an error line otherwise. */
export function startJail(state: Scenario): string | null {
  const linux = linuxIn(state);
  if (linux.running) return `jail: ${JAIL_NAME}: already exists`;
  if (linux.userland !== 'complete') return `jail: ${JAIL_NAME}: /bin/true: No such file or directory`;
  const plan = jailMountPlan(state);
  if (!plan.ok) return plan.error;
  linux.running = true;
  linux.devNodes = plan.fstab.some((e) => e.type === 'devfs') ? visibleNodes(state, plan.ruleset) : [];
  return null;
}

export function stopJail(state: Scenario): void {
  const linux = linuxIn(state);
  linux.running = false;
  linux.devNodes = [];
}

/** `mount -p` of the machine: the root, /dev, hand-made mounts and the running jail's fstab. */
export function mountLines(m: MachineView): string[] {
  const linux = linuxOf(m);
  const rows = [
    ['zroot/ROOT/default', '/', 'zfs', 'rw,noatime,nfsv4acls'],
    ['devfs', '/dev', 'devfs', 'rw'],
    ...linux.handMounts.map((h) => [h.device, h.mountPoint, h.type, 'rw']),
  ];
  if (linux.running) {
    const plan = jailMountPlan(m);
    if (plan.ok) rows.push(...plan.fstab.map((e) => [e.device, e.mountPoint, e.type, e.options]));
  }
  return rows.map(([device = '', point = '', type = '', options = '']) => `${device.padEnd(24)}${point.padEnd(32)}${type.padEnd(10)}${options} 0 0`);
}

/** At boot: the devfs rules are loaded, and the jail starts when rc.conf lists it. */
export function bootJails(state: Scenario): void {
  if (state.linux === undefined) return;
  const linux = state.linux;
  linux.devfsRulesLoaded = state.files['/etc/devfs.rules'] ?? null;
  linux.handMounts = [];
  stopJail(state);
  const rc = state.files['/etc/rc.conf'] ?? '';
  const enabled = /^\s*jail_enable\s*=\s*"?YES"?/im.test(rc);
  const listed = new RegExp(`^\\s*jail_list\\s*=\\s*"?[^"\\n]*\\b${JAIL_NAME}\\b`, 'm').test(rc);
  if (enabled && listed) startJail(state);
}
