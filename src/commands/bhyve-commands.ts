import { z } from 'zod';
import { GUEST_DISK_SIZE, GUEST_LOG_PATH, GUEST_NAME, GUEST_NETWORK_CONFIG_PATH, IMAGE_DIR, SWITCH_NAME, SYSTEM_CONF_PATH, TEMPLATE_NAME, UBUNTU_IMAGE, VM_DIR } from '../bhyve/layout';
import { GUEST_KEY_PATH } from '../bhyve/guest-key';
import { GuestNetwork, netconfigArgument, parseGuestNetworkConfig } from '../bhyve/guest-network';
import { doneOrFailed, onSuccess } from './output';
import { parseListing } from './parsers/jail';
import { parseVmList } from './parsers/vm-list';
import { parseFailure } from './parse-result';
import { pkgProgress } from './pkg/progress';
import type { CommandSpec } from './types';

/**
 * Catalogue entries of the passthrough route's virtual machine (vm-bhyve). Names and paths are the
 * constants of src/bhyve/layout.ts; the one free argument, the network interface the switch bridges,
 * must look like a FreeBSD interface name.
 */

const NoArgs = z.object({}).strict();
const SECOND = 1000;
const MINUTE = 60 * SECOND;

const entry = <A extends z.ZodType, R>(spec: CommandSpec<A, R>): CommandSpec<A, R> => spec;

/** A file or folder that is not there yet is an answer (vm init has not run, nothing was started), not a failure. */
const orMissing =
  <T>(absent: T, read: (text: string) => T) =>
  (out: { stdout: string; stderr: string; exitCode: number | null }) =>
    out.exitCode === 0
      ? { ok: true as const, value: read(out.stdout) }
      : /No such file or directory/.test(out.stderr)
        ? { ok: true as const, value: absent }
        : parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`);

/** A FreeBSD network interface as `ifconfig -l` names it: a driver name and a unit number (em0, re0). */
export const InterfaceName = z.string().regex(/^[a-z]{1,12}[0-9]{1,3}$/, 'not a network interface name');

/**
 * The packages: vm-bhyve itself, the UEFI firmware Ubuntu's cloud image boots with, and qemu-img, which
 * vm-bhyve needs to write a cloud image onto the guest's disk (it says so: “pkg install qemu-tools”).
 */
export const BHYVE_PACKAGES = ['vm-bhyve', 'bhyve-firmware', 'qemu-tools'] as const;

export const bhyveCommands = {
  pkgInstallVmBhyve: entry({
    id: 'pkgInstallVmBhyve',
    description: 'Install vm-bhyve, the UEFI firmware for bhyve and qemu-img with pkg',
    args: NoArgs,
    argv: () => ['pkg', 'install', '-y', ...BHYVE_PACKAGES],
    privileged: true,
    timeoutMs: 30 * MINUTE,
    parse: doneOrFailed,
    progress: pkgProgress,
  }),
  mkdirVmDir: entry({
    id: 'mkdirVmDir',
    description: `Create ${VM_DIR}, where vm-bhyve keeps its guests`,
    args: NoArgs,
    argv: () => ['mkdir', '-p', VM_DIR],
    privileged: true,
    timeoutMs: 10 * SECOND,
    parse: doneOrFailed,
  }),
  vmInit: entry({
    id: 'vmInit',
    description: 'Prepare vm-bhyve: its folders under vm_dir, and the vmm and nmdm modules',
    args: NoArgs,
    argv: () => ['vm', 'init'],
    privileged: true,
    timeoutMs: 1 * MINUTE,
    parse: doneOrFailed,
  }),
  vmSwitchCreate: entry({
    id: 'vmSwitchCreate',
    description: `Create the virtual switch “${SWITCH_NAME}” the guest's network card is on`,
    args: NoArgs,
    argv: () => ['vm', 'switch', 'create', SWITCH_NAME],
    privileged: true,
    timeoutMs: 30 * SECOND,
    parse: doneOrFailed,
  }),
  vmSwitchAdd: entry({
    id: 'vmSwitchAdd',
    description: `Bridge the switch “${SWITCH_NAME}” to a wired network interface`,
    args: z.object({ iface: InterfaceName }).strict(),
    argv: (a) => ['vm', 'switch', 'add', SWITCH_NAME, a.iface],
    privileged: true,
    timeoutMs: 30 * SECOND,
    parse: doneOrFailed,
  }),
  vmImgFetch: entry({
    id: 'vmImgFetch',
    description: `Download Ubuntu ${UBUNTU_IMAGE.release}'s cloud image into vm-bhyve's image store`,
    args: NoArgs,
    argv: () => ['vm', 'img', UBUNTU_IMAGE.url],
    privileged: true,
    timeoutMs: 60 * MINUTE,
    parse: doneOrFailed,
  }),
  vmCreate: entry({
    id: 'vmCreate',
    description: `Create the guest “${GUEST_NAME}” from the wizard's template, the cloud image and the wizard's SSH key`,
    // The guest's static address (src/bhyve/guest-network.ts): a schema of IPv4 addresses, so `-n` carries no free text.
    args: z.object({ network: GuestNetwork }).strict(),
    argv: (a) => ['vm', 'create', '-t', TEMPLATE_NAME, '-i', UBUNTU_IMAGE.file, '-s', GUEST_DISK_SIZE, '-C', '-k', GUEST_KEY_PATH, '-n', netconfigArgument(a.network), GUEST_NAME],
    privileged: true,
    // qemu-img writes the image onto a 40 GB disk file: minutes on the X220's disk.
    timeoutMs: 30 * MINUTE,
    parse: doneOrFailed,
  }),
  vmStart: entry({
    id: 'vmStart',
    description: `Start the guest “${GUEST_NAME}” in the background`,
    args: NoArgs,
    argv: () => ['vm', 'start', GUEST_NAME],
    privileged: true,
    timeoutMs: 1 * MINUTE,
    parse: doneOrFailed,
  }),
  vmStop: entry({
    id: 'vmStop',
    description: `Ask the guest “${GUEST_NAME}” to shut down`,
    args: NoArgs,
    argv: () => ['vm', 'stop', GUEST_NAME],
    privileged: true,
    timeoutMs: 2 * MINUTE,
    parse: doneOrFailed,
  }),
  vmDestroy: entry({
    id: 'vmDestroy',
    description: `Remove the stopped guest “${GUEST_NAME}” and its disk (undo of the passthrough route)`,
    args: NoArgs,
    // -f: vm-bhyve would otherwise ask “Are you sure” on a terminal the wizard does not have.
    argv: () => ['vm', 'destroy', '-f', GUEST_NAME],
    privileged: true,
    timeoutMs: 2 * MINUTE,
    parse: doneOrFailed,
  }),
  vmSystemConf: entry({
    id: 'vmSystemConf',
    description: "vm-bhyve's own settings (its switches), which vm init creates",
    args: NoArgs,
    argv: () => ['cat', SYSTEM_CONF_PATH],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: orMissing<{ content: string | null }>({ content: null }, (text) => ({ content: text })),
  }),
  vmImages: entry({
    id: 'vmImages',
    description: "The cloud images in vm-bhyve's image store",
    args: NoArgs,
    argv: () => ['ls', '-1A', IMAGE_DIR],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: (out) => {
      const read = orMissing<{ entries: string[] | null }>({ entries: null }, () => ({ entries: [] }))(out);
      if (!read.ok || read.value.entries === null) return read;
      const listed = parseListing(out.stdout);
      return listed.ok ? { ok: true as const, value: { entries: listed.value.entries ?? [] } } : listed;
    },
  }),
  vmGuestNetwork: entry({
    id: 'vmGuestNetwork',
    description: `The static address cloud-init gave the guest “${GUEST_NAME}” (how the wizard reaches it)`,
    args: NoArgs,
    argv: () => ['cat', GUEST_NETWORK_CONFIG_PATH],
    privileged: false,
    timeoutMs: 10 * SECOND,
    // `network: null`: the file is there but names no static address (a guest made by hand with DHCP).
    parse: orMissing<{ present: boolean; network: GuestNetwork | null }>({ present: false, network: null }, (text) => ({ present: true, network: parseGuestNetworkConfig(text) })),
  }),
  vmLog: entry({
    id: 'vmLog',
    description: `The last lines of the guest “${GUEST_NAME}”'s vm-bhyve log (why it stopped, if it did)`,
    args: NoArgs,
    argv: () => ['tail', '-n', '20', GUEST_LOG_PATH],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: orMissing<{ lines: string[] | null }>({ lines: null }, (text) => ({ lines: text.split('\n').filter((l) => l.trim() !== '') })),
  }),
  vmList: entry({
    id: 'vmList',
    description: "vm-bhyve's guests and whether they run",
    args: NoArgs,
    argv: () => ['vm', 'list'],
    privileged: true,
    timeoutMs: 30 * SECOND,
    parse: onSuccess(parseVmList),
  }),
} as const;
