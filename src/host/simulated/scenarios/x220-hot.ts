import { freebsdRepository, libglvnd, linuxBase, linuxNvidiaLibsPackage, nvidiaDriverPackage } from './freebsd-packages';
import { sudoPackages, teslaP4, x220Scenario } from './x220';

/** The 580 branch of the 2025Q4 packages; the build time is what 580.95.05's kernel module reports. */
const DRIVER = '580.95.05';
const BUILT = 'Tue Sep 23 10:11:16 UTC 2025';
const nvidiaDriver = nvidiaDriverPackage(DRIVER, { nvidia: BUILT, modeset: BUILT });
const linuxNvidiaLibs = linuxNvidiaLibsPackage(DRIVER);

/**
 * Set up and working, but hot: the driver and its Linux libraries are installed, rc.conf loads
 * nvidia-modeset (and nvidia.ko with it) and the Linux ABI at boot, and the driver attached to the GPU.
 * Under full load the passively cooled P4 sits at 92 °C and draws about 70 W of its 75 W limit; the GPU's
 * own thermal protection has cut its clocks (HW Slowdown 0x8 and HW Thermal Slowdown 0x40 active, so
 * nvidia-smi's throttle mask reads 0x48). At P0 the link runs at its full 5 GT/s (gen 2).
 */
export const x220Hot = x220Scenario({
  name: 'x220-hot',
  description: 'ThinkPad X220, NVIDIA driver 580.95.05 working, Tesla P4 under load at 92 °C and slowing itself down',
  gpu: 'healthy',
  powered: true,
  user: { name: 'demo', uid: 1001 },
  elevation: { sudo: 'password', sudoPassword: 'demo', doas: 'absent' },
  packages: [...sudoPackages, libglvnd, nvidiaDriver, linuxBase, linuxNvidiaLibs],
  repository: freebsdRepository.map((p) => (p.name === nvidiaDriver.name ? nvidiaDriver : p.name === linuxNvidiaLibs.name ? linuxNvidiaLibs : p)),
  rcConf: ['kld_list="linux64 nvidia-modeset"'],
  // Already under load, and hot: working it more changes nothing.
  underLoad: {},
  nvidia: {
    ...teslaP4,
    memoryUsedMiB: 5873,
    temperatureC: 92,
    powerDrawW: 70.18,
    pstate: 'P0',
    utilizationPercent: 100,
    clocksSmMHz: 1012,
    throttleReasons: '0x0000000000000048',
    hwThermalSlowdown: true,
    pcie: { ...teslaP4.pcie, genCurrent: 2 },
  },
});
