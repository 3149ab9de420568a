import type { Message } from '../contract/messages';
import type { CheckResult } from '../contract/state';
import type { SavedProgress } from '../wizard/progress';

/**
 * Reading facts back out of saved progress: a check's verdict names what it found in its reason's
 * parameters (the driver's package and version, the jail's userland…). A fact is read only from the verdict
 * that states it, so a check that said something else gives null, never a stale or guessed value.
 */

export const resultOf = (progress: SavedProgress, stepId: string, checkId: string): CheckResult | null =>
  progress.steps[stepId]?.checks[checkId] ?? null;

/** The parameters of a check's reason when the reason is one of `keys`; null otherwise. */
export function paramsOf(result: CheckResult | null, ...keys: string[]): NonNullable<Message['params']> | null {
  const reason = result?.reason;
  if (!reason || !keys.includes(reason.key)) return null;
  return reason.params ?? {};
}

export const textParam = (params: Message['params'] | null, name: string): string | null => {
  const value = params?.[name];
  return value === undefined ? null : String(value);
};

export const numberParam = (params: Message['params'] | null, name: string): number | null => {
  const value = params?.[name];
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : null;
};

export type Elevation = 'root' | 'sudo' | 'doas' | 'unknown';

/** How the host grants root, as Preflight found it: the word typed before a root command, if any. */
export function elevationOf(progress: SavedProgress): Elevation {
  const key = resultOf(progress, 'preflight', 'privileges')?.reason?.key ?? '';
  if (key === 'steps.preflight.privileges.root') return 'root';
  if (/^steps\.preflight\.privileges\.sudo/.test(key)) return 'sudo';
  if (key === 'steps.preflight.privileges.doas') return 'doas';
  return 'unknown';
}

/** Whether sudo asked for a password: then the CLI takes it on stdin. */
export const sudoNeedsPassword = (progress: SavedProgress): boolean =>
  /^steps\.preflight\.privileges\.sudo(Password|NeedsPassword)$/.test(resultOf(progress, 'preflight', 'privileges')?.reason?.key ?? '');

/** argv for a root command: with sudo or doas in front where the host uses one. */
export function asRoot(elevation: Elevation, argv: readonly string[]): string[] {
  return elevation === 'sudo' || elevation === 'doas' ? [elevation, ...argv] : [...argv];
}
