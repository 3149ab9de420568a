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
 * loading the module. `built` is the build time the kernel module reports in hw.nvidia.version.
 */
export function nvidiaDriverPackage(version: string, built: { nvidia: string; modeset: string }): Package {
  return pkg('nvidia-driver', version, 'x11/nvidia-driver', 'NVIDIA graphics card binary drivers for hardware OpenGL rendering', 188_470_000, {
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
export const linuxNvidiaLibsPackage = (version: string): Package =>
  pkg('linux-nvidia-libs', version, 'x11/linux-nvidia-libs', 'NVIDIA graphics libraries and programs (Linux version)', 412_300_000, {
    deps: ['linux_base-rl9'],
  });

/** The 2025Q1 driver, which the repository of the fresh scenarios offers. */
const DRIVER = '550.127.05';
export const nvidiaDriver = nvidiaDriverPackage(DRIVER, { nvidia: 'Tue Oct 22 23:21:57 UTC 2024', modeset: 'Tue Oct 22 23:08:27 UTC 2024' });

export const linuxBase = pkg('linux_base-rl9', '9.4', 'emulators/linux_base-rl9', 'Base set of packages needed in Linux mode (Rocky Linux 9.4)', 287_600_000);
export const linuxNvidiaLibs = linuxNvidiaLibsPackage(DRIVER);

/** What `pkg install` can find in the FreeBSD repository of the simulated machines. */
export const freebsdRepository: Package[] = [pkgTool, indexinfo, gettextRuntime, sudoPkg, doasPkg, libglvnd, nvidiaDriver, linuxBase, linuxNvidiaLibs];
