/**
 * Where the passthrough route keeps its virtual machine, as constants: no path or name here comes from the
 * user, so the catalogue's vm-bhyve entries take no free text.
 *
 * vm-bhyve keeps everything under `vm_dir` (rc.conf): `.config/system.conf` (switches), `.templates/`,
 * `.img/` (cloud images) and a folder per guest. A plain folder, not a ZFS dataset: the X220's usual
 * install is UFS, and vm-bhyve takes either.
 */
export const VM_DIR = '/vm';
export const GUEST_NAME = 'cuda';
export const TEMPLATE_NAME = 'egpu-cuda';
export const TEMPLATE_PATH = `${VM_DIR}/.templates/${TEMPLATE_NAME}.conf` as const;
/** The guest's own copy of the template, made by `vm create`. */
export const GUEST_CONFIG_PATH = `${VM_DIR}/${GUEST_NAME}/${GUEST_NAME}.conf`;
/** vm-bhyve's own settings, made by `vm init`; `vm switch` writes the switches here. */
export const SYSTEM_CONF_PATH = `${VM_DIR}/.config/system.conf` as const;
/** Where `vm img` keeps downloaded images. */
export const IMAGE_DIR = `${VM_DIR}/.img` as const;
/** What vm-bhyve says about the guest's runs; `fatal; …` lines say why one ended at once. */
export const GUEST_LOG_PATH = `${VM_DIR}/${GUEST_NAME}/vm-bhyve.log` as const;
/**
 * What `vm create -C -n "ip=…;gateway=…;nameservers=…"` writes for cloud-init: the guest's static address,
 * which is how the wizard finds the guest again (src/bhyve/guest-network.ts reads it).
 */
export const GUEST_NETWORK_CONFIG_PATH = `${VM_DIR}/${GUEST_NAME}/.cloud-init/network-config` as const;
/** The virtual switch the guest's network card is on. */
export const SWITCH_NAME = 'public';

/**
 * Ubuntu's cloud images boot under bhyve's UEFI firmware (pkg bhyve-firmware) and take an SSH key through
 * cloud-init (`vm create -C -k`). 24.04 is what NVIDIA's 580 driver packages target.
 */
export const UBUNTU_IMAGE = {
  release: '24.04',
  file: 'ubuntu-24.04-server-cloudimg-amd64.img',
  url: 'https://cloud-images.ubuntu.com/releases/24.04/release/ubuntu-24.04-server-cloudimg-amd64.img',
  /** The cloud image's default account, which cloud-init gives the key. */
  user: 'ubuntu',
} as const;

/** The guest's disk: the image is grown to this (the CUDA toolkit and a 4.6 GiB model need room). */
export const GUEST_DISK_SIZE = '40G';
