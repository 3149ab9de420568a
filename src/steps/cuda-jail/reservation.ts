import { msg, type Message } from '../../contract/messages';
import type { FileChange } from '../../contract/plan';
import { addToList, getValue, removeFromList, removeKey, renderShellVars, setValue, type ShellVarsDocument } from '../../config/formats/shell-vars';
import { fileChange } from '../../config/plan';
import { pptdevsEntry } from '../../hardware/passthrough';
import { bySpace, RC, type BootFiles } from '../boot-files';
import { addedBy, LOADER } from '../realloc-bars';

type Meta = FileChange['meta'] | undefined;

/** The host's NVIDIA driver, by either loading convention: it must not claim the card before ppt does. */
const LOADER_DRIVER_KEYS = ['nvidia_load', 'nvidia-modeset_load'] as const;
const KLD_DRIVER_WORDS = ['nvidia-modeset', 'nvidia'] as const;

const isYes = (value: string | null): boolean => (value ?? '').toUpperCase() === 'YES';

/** Whether loader.conf keeps the device at `selector` for bhyve: vmm.ko loaded and the device in pptdevs. */
export function reservedInLoader(loader: ShellVarsDocument, selector: string): boolean {
  const entry = pptdevsEntry(selector);
  return entry !== null && isYes(getValue(loader, 'vmm_load')) && bySpace(getValue(loader, 'pptdevs')).includes(entry);
}

/**
 * The boot files that reserve the card for bhyve: vmm.ko loaded by the loader (ppt(4) lives in it),
 * the card's bus/slot/function in `pptdevs`, and the host's NVIDIA driver loaded by neither loader.conf nor
 * kld_list. Empty when all of that is already so. Throws the editor's ConfigEditError on a file it will not
 * edit safely (an assignment it cannot see through).
 */
export function reservationPlan(files: BootFiles, entry: string, selector: string, meta: { loader: Meta; rc: Meta }): FileChange[] {
  let loader: ShellVarsDocument = files.loader;
  let rc: ShellVarsDocument = files.rc;
  const loaderReasons: Message[] = [];
  const rcReasons: Message[] = [];
  if (!isYes(getValue(loader, 'vmm_load'))) {
    loader = setValue(loader, 'vmm_load', 'YES', { comment: addedBy('bhyve, whose ppt(4) driver holds a card for a virtual machine') });
    loaderReasons.push(msg('reserve.reason.vmm'));
  }
  if (!bySpace(getValue(loader, 'pptdevs')).includes(entry)) {
    loader = addToList(loader, 'pptdevs', entry, { comment: addedBy(`reserve the GPU at ${selector} for a bhyve guest`) });
    loaderReasons.push(msg('reserve.reason.pptdevs', { selector, entry }));
  }
  for (const key of LOADER_DRIVER_KEYS) {
    if (isYes(getValue(loader, key))) {
      loader = removeKey(loader, key);
      loaderReasons.push(msg('reserve.reason.loaderDriver', { key }));
    }
  }
  const kldList = bySpace(getValue(rc, 'kld_list'));
  for (const word of KLD_DRIVER_WORDS) {
    if (kldList.includes(word)) {
      rc = removeFromList(rc, 'kld_list', word);
      rcReasons.push(msg('reserve.reason.kldList', { module: word }));
    }
  }
  return [
    fileChange(LOADER, files.loaderText, renderShellVars(loader), loaderReasons, files.loaderText === null ? undefined : meta.loader),
    fileChange(RC, files.rcText, renderShellVars(rc), rcReasons, files.rcText === null ? undefined : meta.rc),
  ].filter((change): change is FileChange => change !== null);
}
