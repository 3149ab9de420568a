import { msg } from '../contract/messages';
import { addToList, getValue, parseShellVars, type ShellVarsDocument } from '../config/formats/shell-vars';
import { evidenceOf } from '../wizard/evidence';
import { invoke, type Verdict } from '../wizard/step';
import { addedBy, contentOf, LOADER, type Read } from './realloc-bars';

/** /boot/loader.conf and /etc/rc.conf as the steps that change them read them. */

export const RC = '/etc/rc.conf' as const;

/** The reads a check of both boot files needs: their text, and owner and mode for a plan that replaces them. */
export const bootFileReads = {
  loader: invoke('readManaged', { path: LOADER }),
  rc: invoke('readManaged', { path: RC }),
  loaderStat: invoke('statManaged', { path: LOADER }),
  rcStat: invoke('statManaged', { path: RC }),
};

export const bySpace = (value: string | null): string[] => (value ?? '').split(/\s+/).filter((w) => w !== '');

export interface BootFiles {
  loaderText: string | null;
  rcText: string | null;
  loader: ShellVarsDocument;
  rc: ShellVarsDocument;
}

/** Both files parsed (a missing file reads as empty), or the verdict that they could not be read. */
export function readBootFiles(loaderRun: Read, rcRun: Read): BootFiles | Verdict {
  const loaderText = contentOf(loaderRun);
  const rcText = contentOf(rcRun);
  const unreadable: Verdict = { status: 'error', reason: msg('steps.boot.unreadable'), advice: [], evidence: [evidenceOf(loaderRun), evidenceOf(rcRun)] };
  if (loaderText === undefined || rcText === undefined) return unreadable;
  const loader = parseShellVars(loaderText ?? '', { dialect: 'loader' });
  const rc = parseShellVars(rcText ?? '', { dialect: 'rc' });
  if (!loader.ok || !rc.ok) return unreadable;
  return { loaderText, rcText, loader: loader.value, rc: rc.value };
}

export const isVerdict = (r: BootFiles | Verdict): r is Verdict => 'status' in r;

/** The loader reads `nvidia_load="YES"`-style lines; rc(8) reads kld_list. Either loads the driver. */
export const loadsFromLoader = (loader: ShellVarsDocument): boolean =>
  ['nvidia_load', 'nvidia-modeset_load'].some((key) => (getValue(loader, key) ?? '').toUpperCase() === 'YES');

/** Whether the next boot loads the NVIDIA driver, by either convention. */
export const loadsDriverAtBoot = (files: BootFiles): boolean =>
  loadsFromLoader(files.loader) || bySpace(getValue(files.rc, 'kld_list')).some((word) => word === 'nvidia' || word === 'nvidia-modeset');

/** rc.conf with nvidia-modeset in kld_list: it depends on nvidia, so one word loads both, after / is mounted. */
export const withDriverInKldList = (rc: ShellVarsDocument): ShellVarsDocument =>
  addToList(rc, 'kld_list', 'nvidia-modeset', { comment: addedBy('load the NVIDIA driver at boot') });
