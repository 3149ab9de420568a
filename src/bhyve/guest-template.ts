import { z } from 'zod';
import { parseShellVars, renderShellVars, setValue, type ShellVarsDocument } from '../config/formats/shell-vars';
import type { Message } from '../contract/messages';
import { GUEST_DISK_SIZE, SWITCH_NAME } from './layout';

const GIB = 1024 ** 3;

/** What FreeBSD itself needs while the guest's memory is wired: UFS, sshd, the wizard's node, pkg. */
export const HOST_RESERVE_GIB = 2;
/** Ubuntu, the CUDA runtime and llama.cpp staging a 4.6 GiB model on its way to the card. */
export const GUEST_MIN_GIB = 4;
/** More buys nothing: the model lives in the P4's 8 GB, not in the guest's memory. */
export const GUEST_MAX_GIB = 8;
/** The X220's two slots take 8 GB each. */
export const X220_MAX_GIB = 16;

export type GuestMemory =
  | { ok: true; gib: number; installedGib: number }
  | { ok: false; installedGib: number; reason: Message };

/**
 * The guest's memory, from `sysctl -n hw.physmem`. bhyve wires all of it for passthrough (the card's DMA
 * must never hit a page that was swapped out), so it is taken from the host for as long as the guest runs.
 */
export function guestMemory(physmemBytes: number): GuestMemory {
  const installedGib = Math.round((physmemBytes / GIB) * 10) / 10;
  const gib = Math.min(GUEST_MAX_GIB, Math.floor(physmemBytes / GIB - HOST_RESERVE_GIB));
  if (gib < GUEST_MIN_GIB) {
    return {
      ok: false,
      installedGib,
      reason: {
        key: 'bhyve.memory.too-little',
        params: { installed: installedGib, needed: GUEST_MIN_GIB + HOST_RESERVE_GIB, max: X220_MAX_GIB },
      },
    };
  }
  return { ok: true, gib, installedGib };
}

/** bhyve's Bus/Slot/Function of a device, as `pptdevs` and `passthruN` take it. */
export const BhyveDeviceId = z.string().regex(/^\d{1,3}\/\d{1,2}\/\d$/, 'not a bus/slot/function');

export const GuestTemplateInput = z
  .object({
    passthru: BhyveDeviceId,
    memoryGib: z.number().int().min(GUEST_MIN_GIB).max(GUEST_MAX_GIB),
    cpus: z.number().int().min(1).max(4),
  })
  .strict();
export type GuestTemplateInput = z.infer<typeof GuestTemplateInput>;

/**
 * The vm-bhyve template the guest is created from (`vm create -t egpu-cuda`), in vm-bhyve's own format:
 * sh variable assignments, which vm-bhyve reads with sysrc. Written through the same editor as rc.conf, so
 * no value can hold what sh would expand.
 */
export function renderGuestTemplate(input: GuestTemplateInput): string {
  const checked = GuestTemplateInput.parse(input);
  const empty = parseShellVars('', { dialect: 'rc' });
  if (!empty.ok) throw new Error('an empty file must parse');
  const settings: Array<[string, string, string?]> = [
    // Ubuntu's cloud image boots through UEFI (the bhyve-firmware package).
    ['loader', 'uefi', 'eGPU Wizard: the Linux guest that is given the GPU (passthrough route)'],
    ['cpu', String(checked.cpus)],
    ['memory', `${checked.memoryGib}G`],
    // Passthrough needs the guest's memory wired (bhyve -S); vm-bhyve adds it for passthru too, said here plainly.
    ['wired_memory', 'yes'],
    ['passthru0', checked.passthru, 'The GPU, reserved for ppt(4) by pptdevs in /boot/loader.conf'],
    ['network0_type', 'virtio-net'],
    ['network0_switch', SWITCH_NAME],
    ['disk0_type', 'virtio-blk'],
    ['disk0_name', 'disk0.img'],
    ['disk0_size', GUEST_DISK_SIZE],
  ];
  const doc = settings.reduce<ShellVarsDocument>((d, [key, value, comment]) => setValue(d, key, value, comment === undefined ? {} : { comment }), empty.value);
  return renderShellVars(doc);
}
