import type { Package } from '../scenario';

/** FreeBSD 14 packages the scenarios install from or start with (versions of the 2025Q1 quarterly branch). */

const pkg = (name: string, version: string, origin: string, comment: string, flatsize: number, extra: Partial<Package> = {}): Package => ({
  name,
  version,
  origin,
  comment,
  flatsize,
  deps: [],
  programs: [],
  modules: [],
  message: [],
  ...extra,
});

export const pkgTool = pkg('pkg', '1.21.3', 'ports-mgmt/pkg', 'Package manager', 35_861_000);
export const indexinfo = pkg('indexinfo', '0.3.1', 'print/indexinfo', 'Utility to regenerate the GNU info page index', 16_420);
export const gettextRuntime = pkg('gettext-runtime', '0.22.5', 'devel/gettext-runtime', 'GNU gettext runtime libraries and programs', 1_021_000, {
  deps: ['indexinfo'],
});
export const sudoPkg = pkg('sudo', '1.9.16p2', 'security/sudo', 'Allow others to run commands as root', 7_280_000, {
  deps: ['gettext-runtime'],
  programs: ['sudo'],
});
export const doasPkg = pkg('doas', '6.3p12', 'security/doas', 'Simple sudo alternative to run commands as another user', 41_900, {
  programs: ['doas'],
});

export const libglvnd = pkg('libglvnd', '1.7.0', 'graphics/libglvnd', 'GL Vendor-Neutral Dispatch library', 4_372_000);

/**
 * The driver package of one NVIDIA release: its kernel modules, nvidia-smi, and the hint it prints about
 * loading the module. `built` is the build time the kernel module reports in hw.nvidia.version. FreeBSD
 * keeps older branches as their own ports, `nvidia-driver-580` beside the current `nvidia-driver`.
 */
export function nvidiaDriverPackage(version: string, built: { nvidia: string; modeset: string }, name = 'nvidia-driver'): Package {
  const origin = name === 'nvidia-driver' ? 'x11/nvidia-driver' : `x11/${name}`;
  return pkg(name, version, origin, 'NVIDIA graphics card binary drivers for hardware OpenGL rendering', 188_470_000, {
    deps: ['libglvnd'],
    programs: ['nvidia-smi', 'nvidia-modprobe'],
    modules: [
      {
        file: 'nvidia.ko',
        size: 0x2e07c58,
        depends: [],
        sysctls: { 'hw.nvidia.version': `NVIDIA UNIX x86_64 Kernel Module  ${version}  ${built.nvidia}` },
        messages: [],
      },
      {
        file: 'nvidia-modeset.ko',
        size: 0x1a5d38,
        depends: ['nvidia.ko'],
        sysctls: {},
        messages: [`nvidia-modeset: Loading NVIDIA Kernel Mode Setting Driver for UNIX platforms  ${version}  ${built.modeset}`],
      },
    ],
    message: [
      'The NVIDIA driver is installed but not loaded. To load it now:',
      '',
      '        kldload nvidia-modeset',
      '',
      'and to load it at every boot, add it to kld_list in /etc/rc.conf:',
      '',
      '        sysrc kld_list+=nvidia-modeset',
    ],
  });
}

/** The Linux libraries (CUDA runs through the Linuxulator) of the same release as the driver. */
export const linuxNvidiaLibsPackage = (version: string, name = 'linux-nvidia-libs'): Package =>
  pkg(name, version, `x11/${name}`, 'NVIDIA graphics libraries and programs (Linux version)', 412_300_000, {
    deps: ['linux_base-rl9'],
  });

/**
 * The repository of late 2026: the current branch (595) no longer drives Maxwell, Pascal or Volta cards,
 * so the 580 branch, their last, lives on as nvidia-driver-580; Kepler cards need nvidia-driver-470.
 */
export const CURRENT_DRIVER = '595.58.03';
export const DRIVER_580 = '580.105.08';
export const DRIVER_470 = '470.256.02';
export const nvidiaDriver = nvidiaDriverPackage(CURRENT_DRIVER, { nvidia: 'Thu Mar 19 22:53:47 UTC 2026', modeset: 'Thu Mar 19 22:41:12 UTC 2026' });
export const nvidiaDriver580 = nvidiaDriverPackage(DRIVER_580, { nvidia: 'Wed Oct 29 22:57:19 UTC 2025', modeset: 'Wed Oct 29 22:44:01 UTC 2025' }, 'nvidia-driver-580');
export const nvidiaDriver470 = nvidiaDriverPackage(DRIVER_470, { nvidia: 'Thu May 30 05:42:16 UTC 2024', modeset: 'Thu May 30 05:31:50 UTC 2024' }, 'nvidia-driver-470');

export const linuxBase = pkg('linux_base-rl9', '9.6', 'emulators/linux_base-rl9', 'Base set of packages needed in Linux mode (Rocky Linux 9.6)', 287_600_000);
export const linuxNvidiaLibs = linuxNvidiaLibsPackage(CURRENT_DRIVER);
export const linuxNvidiaLibs580 = linuxNvidiaLibsPackage(DRIVER_580, 'linux-nvidia-libs-580');
export const linuxNvidiaLibs470 = linuxNvidiaLibsPackage(DRIVER_470, 'linux-nvidia-libs-470');

/** Builds Debian and Ubuntu userlands in a directory (the jail's root). */
export const debootstrapPkg = pkg('debootstrap', '1.0.128n2_1', 'sysutils/debootstrap', 'Install Debian or Ubuntu base system into a directory', 312_000, { programs: ['debootstrap'] });
/** Runs Linux CUDA programs on the host with the driver's Linux libraries (nv-sglrun). */
export const libc6Shim = pkg('libc6-shim', '20250110', 'emulators/libc6-shim', 'Shim library for running Linux NVIDIA CUDA programs on FreeBSD', 1_190_000, { programs: ['nv-sglrun'] });

/** Native FreeBSD builds of the runtimes (their GPU path is Vulkan on the NVIDIA driver), and vulkaninfo. */
export const ollamaPkg = pkg('ollama', '0.23.3_1', 'misc/ollama', 'Run Llama 2, Mistral, and other large language models', 52_400_000, { programs: ['ollama'] });
export const llamaCppPkg = pkg('llama-cpp', '8895_1', 'misc/llama-cpp', "Facebook's LLaMA model in C/C++", 61_300_000, { programs: ['llama-cli', 'llama-server'] });
export const vulkanTools = pkg('vulkan-tools', '1.4.309', 'graphics/vulkan-tools', 'Tools and demos for the Vulkan graphics API', 2_910_000, { programs: ['vulkaninfo'] });

/** The passthrough route's guest manager, bhyve's UEFI firmware, and qemu-img for cloud images. */
export const vmBhyvePkg = pkg('vm-bhyve', '1.7.3', 'sysutils/vm-bhyve', 'Management system for bhyve virtual machines', 171_000, { programs: ['vm'] });
export const bhyveFirmware = pkg('bhyve-firmware', '1.0_2', 'sysutils/bhyve-firmware', 'Collection of Firmware for bhyve', 1_000);
export const qemuTools = pkg('qemu-tools', '10.1.2', 'emulators/qemu@tools', 'QEMU CPU Emulator - tools', 9_870_000, { programs: ['qemu-img'] });

/** What `pkg install` can find in the FreeBSD repository of the simulated machines. */
export const freebsdRepository: Package[] = [
  pkgTool,
  indexinfo,
  gettextRuntime,
  sudoPkg,
  doasPkg,
  libglvnd,
  nvidiaDriver,
  nvidiaDriver580,
  nvidiaDriver470,
  linuxBase,
  linuxNvidiaLibs,
  linuxNvidiaLibs580,
  linuxNvidiaLibs470,
  debootstrapPkg,
  libc6Shim,
  ollamaPkg,
  llamaCppPkg,
  vulkanTools,
  vmBhyvePkg,
  bhyveFirmware,
  qemuTools,
];
