import { libglvnd, linuxBase, linuxNvidiaLibsPackage, nvidiaDriver580 } from './freebsd-packages';
import { sudoPackages, x220Scenario } from './x220';

/** The Linux libraries of the previous 580 release, left behind when only the driver was upgraded. */
const OLD_LIBS = '580.95.05';
const staleLibs = linuxNvidiaLibsPackage(OLD_LIBS, 'linux-nvidia-libs-580');

/**
 * The driver works on the host, but linux-nvidia-libs-580 is one release behind nvidia-driver-580: the user
 * upgraded one and not the other. A Linux CUDA program already tried to run, and the kernel module refused
 * it with NVIDIA's "API mismatch" (the client is the Linux library, the kernel module the driver's).
 */
const scenario = x220Scenario({
  name: 'x220-mismatch',
  description: 'ThinkPad X220, nvidia-driver-580 580.105.08 but linux-nvidia-libs-580 still 580.95.05 (API mismatch)',
  gpu: 'healthy',
  powered: true,
  user: { name: 'demo', uid: 1001 },
  elevation: { sudo: 'password', sudoPassword: 'demo', doas: 'absent' },
  packages: [...sudoPackages, libglvnd, nvidiaDriver580, linuxBase, staleLibs],
  rcConf: ['linux_enable="YES"', 'kld_list="nvidia-modeset"'],
});

const mismatch = [
  `NVRM: API mismatch: the client has the version ${OLD_LIBS}, but`,
  `NVRM: this kernel module has the version ${nvidiaDriver580.version}.  Please`,
  'NVRM: make sure that this kernel module and all NVIDIA driver',
  'NVRM: components have the same version.',
];
scenario.messages.runtime.push(...mismatch, ...mismatch);

export const x220Mismatch = scenario;
