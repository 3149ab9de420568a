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

const DRIVER = '550.127.05';

export const libglvnd = pkg('libglvnd', '1.7.0', 'graphics/libglvnd', 'GL Vendor-Neutral Dispatch library', 4_372_000);

/** The driver package: its kernel modules, nvidia-smi, and the hint it prints about loading the module. */
export const nvidiaDriver = pkg('nvidia-driver', DRIVER, 'x11/nvidia-driver', 'NVIDIA graphics card binary drivers for hardware OpenGL rendering', 188_470_000, {
  deps: ['libglvnd'],
  programs: ['nvidia-smi', 'nvidia-modprobe'],
  modules: [
    {
      file: 'nvidia.ko',
      size: 0x2e07c58,
      depends: [],
      sysctls: { 'hw.nvidia.version': `NVIDIA UNIX x86_64 Kernel Module  ${DRIVER}  Tue Oct 22 23:21:57 UTC 2024` },
      messages: [],
    },
    {
      file: 'nvidia-modeset.ko',
      size: 0x1a5d38,
      depends: ['nvidia.ko'],
      sysctls: {},
      messages: [`nvidia-modeset: Loading NVIDIA Kernel Mode Setting Driver for UNIX platforms  ${DRIVER}  Tue Oct 22 23:08:27 UTC 2024`],
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

export const linuxBase = pkg('linux_base-rl9', '9.4', 'emulators/linux_base-rl9', 'Base set of packages needed in Linux mode (Rocky Linux 9.4)', 287_600_000);
export const linuxNvidiaLibs = pkg('linux-nvidia-libs', DRIVER, 'x11/linux-nvidia-libs', 'NVIDIA graphics libraries and programs (Linux version)', 412_300_000, {
  deps: ['linux_base-rl9'],
});

/** What `pkg install` can find in the FreeBSD repository of the simulated machines. */
export const freebsdRepository: Package[] = [pkgTool, indexinfo, gettextRuntime, sudoPkg, doasPkg, libglvnd, nvidiaDriver, linuxBase, linuxNvidiaLibs];
