import type { CommandRun } from '../../commands/runner';
import type { JlsOutput, ListingOutput, MountOutput } from '../../commands/parsers/jail';
import type { PkgQueryOutput } from '../../commands/parsers/pkg-query';
import { DEBOOTSTRAP_MARKER, JAIL_NAME, JAIL_ROOT, jailPath } from '../../jail/layout';
import { invoke } from '../../wizard/step';

/** The reads several checks of the step share; a round runs each once. */
export const read = {
  installed: invoke('pkgQuery', {}),
  root: invoke('listDir', { dir: JAIL_ROOT }),
  jailDev: invoke('listDir', { dir: jailPath('/dev') }),
  hostDev: invoke('listDir', { dir: '/dev' }),
  jls: invoke('jls', {}),
  mounts: invoke('mounts', {}),
  module: invoke('sysctl', { key: 'hw.nvidia.version' }),
  rc: invoke('readManaged', { path: '/etc/rc.conf' }),
  rcStat: invoke('statManaged', { path: '/etc/rc.conf' }),
  fstab: invoke('readManaged', { path: '/etc/fstab.cuda' }),
  fstabStat: invoke('statManaged', { path: '/etc/fstab.cuda' }),
  devfsRules: invoke('readManaged', { path: '/etc/devfs.rules' }),
  devfsRulesStat: invoke('statManaged', { path: '/etc/devfs.rules' }),
  jailConf: invoke('readManaged', { path: '/etc/jail.conf' }),
  jailConfStat: invoke('statManaged', { path: '/etc/jail.conf' }),
} as const;

export const hasPackage = (run: CommandRun<PkgQueryOutput>, name: string): boolean =>
  run.parsed.ok && run.parsed.value.packages.some((p) => p.name === name);

export const entriesOf = (run: CommandRun<ListingOutput>): readonly string[] | null => (run.parsed.ok ? run.parsed.value.entries : null);

export type UserlandState = 'none' | 'half-built' | 'present' | 'unknown';

/** What the jail root holds: nothing, debootstrap's unfinished work, or a userland. */
export function userlandState(root: CommandRun<ListingOutput>): UserlandState {
  if (!root.parsed.ok) return 'unknown';
  const entries = root.parsed.value.entries;
  if (entries === null || entries.length === 0) return 'none';
  return entries.includes(DEBOOTSTRAP_MARKER) ? 'half-built' : 'present';
}

export const jailRunning = (jls: CommandRun<JlsOutput>): boolean =>
  jls.parsed.ok && jls.parsed.value.jails.some((j) => j.name === JAIL_NAME && j.path === JAIL_ROOT);

/** Mounts at or under the jail root: removing the root while one is there would reach into it. */
export const mountsUnderRoot = (mounts: CommandRun<MountOutput>): MountOutput['mounts'] | null =>
  mounts.parsed.ok ? mounts.parsed.value.mounts.filter((m) => m.mountPoint === JAIL_ROOT || m.mountPoint.startsWith(`${JAIL_ROOT}/`)) : null;

/** The host's NVIDIA device nodes (nvidiactl, nvidia0, nvidia-modeset, nvidia-uvm…). */
export const nvidiaNodes = (entries: readonly string[] | null): string[] => (entries ?? []).filter((e) => /^nvidia/.test(e));
