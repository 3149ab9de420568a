import { msg, type Message } from '../../contract/messages';
import type { FileChange } from '../../contract/plan';
import { addToList, getValue, parseShellVars, renderShellVars, setValue } from '../../config/formats/shell-vars';
import { fileChange } from '../../config/plan';
import { GUEST_KEY_PATH, guestKeyFile } from '../../bhyve/guest-key';
import { renderGuestTemplate } from '../../bhyve/guest-template';
import { GUEST_NAME, SWITCH_NAME, TEMPLATE_PATH, VM_DIR } from '../../bhyve/layout';
import { bySpace, RC } from '../boot-files';
import { addedBy } from '../realloc-bars';
import type { ReadFile } from './jail-files';

/**
 * Two vCPUs of the X220's four threads: the guest's work is on the card, and FreeBSD keeps two for itself
 * (sshd, the wizard, bhyve's own device emulation).
 */
export const GUEST_CPUS = 2;

/**
 * rc.conf for vm-bhyve: its rc script on, its folder, and the guest started at every boot (vm_list), after
 * ppt(4) has taken the card. Null when rc.conf already says all of it (or does not parse; the jail step's
 * own checks say so then). Throws ConfigEditError for an assignment the editor cannot see through.
 */
export function vmRcChange(file: ReadFile): FileChange | null {
  const parsed = parseShellVars(file.text ?? '', { dialect: 'rc' });
  if (!parsed.ok) return null;
  let doc = parsed.value;
  const reasons: Message[] = [];
  if ((getValue(doc, 'vm_enable') ?? '').toUpperCase() !== 'YES') {
    doc = setValue(doc, 'vm_enable', 'YES', { comment: addedBy('vm-bhyve, which runs the virtual machine that gets the GPU') });
    reasons.push(msg('vm.reason.vmEnable'));
  }
  if (getValue(doc, 'vm_dir') !== VM_DIR) {
    doc = setValue(doc, 'vm_dir', VM_DIR);
    reasons.push(msg('vm.reason.vmDir', { dir: VM_DIR }));
  }
  if (!bySpace(getValue(doc, 'vm_list')).includes(GUEST_NAME)) {
    doc = addToList(doc, 'vm_list', GUEST_NAME);
    reasons.push(msg('vm.reason.vmList', { name: GUEST_NAME }));
  }
  return fileChange(RC, file.text, renderShellVars(doc), reasons, file.text === null ? undefined : file.meta);
}

/** The guest's template (the card, its memory) and the public key cloud-init puts in the guest. */
export function guestFilesPlan(
  files: { template: ReadFile; key: ReadFile },
  guest: { passthru: string; memoryGib: number; publicKey: string; selector: string },
): FileChange[] {
  const template = renderGuestTemplate({ passthru: guest.passthru, memoryGib: guest.memoryGib, cpus: GUEST_CPUS });
  const reasons = [msg('vm.reason.template', { entry: guest.passthru, selector: guest.selector, memory: guest.memoryGib, cpus: GUEST_CPUS, switch: SWITCH_NAME })];
  return [
    fileChange(TEMPLATE_PATH, files.template.text, template, reasons, files.template.text === null ? undefined : files.template.meta),
    fileChange(GUEST_KEY_PATH, files.key.text, guestKeyFile(guest.publicKey), [msg('vm.reason.key')], files.key.text === null ? undefined : files.key.meta),
  ].filter((c): c is FileChange => c !== null);
}
