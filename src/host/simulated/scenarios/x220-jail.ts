import { CUDA_TOOLKIT, FIRST_MODEL, JAIL_FSTAB, jailPath } from '../../../jail/layout';
import { devfsRulesChange, fstabMountsChange, jailConfChange, rulesetNumber } from '../../../steps/cuda-jail/jail-files';
import { bootJails, freshLinux } from '../linux';
import type { LinuxWorld, Scenario } from '../scenario';
import { freebsdRepository, libglvnd, linuxBase, linuxNvidiaLibs580, nvidiaDriver580, DRIVER_580 } from './freebsd-packages';
import { sudoPackages, x220Scenario } from './x220';
import { gpuBlocked } from '../tools/jail';
import { bootOllama } from '../tools/ollama';

const OS_RELEASE = ['PRETTY_NAME="Ubuntu 22.04.5 LTS"', 'NAME="Ubuntu"', 'VERSION_ID="22.04"', 'VERSION_CODENAME=jammy', 'ID=ubuntu', 'ID_LIKE=debian', 'UBUNTU_CODENAME=jammy', ''].join('\n');

const RC_LINES = ['linux_enable="YES"', 'kld_list="nvidia-modeset"', 'jail_enable="YES"', 'jail_list="cuda"'];

/** The files the wizard itself writes for the jail, from empty ones: a jail set up by an earlier run. */
export function wizardJailFiles(): Record<string, string> {
  const empty = { text: null, meta: undefined };
  const number = rulesetNumber(null);
  const files: Record<string, string> = {};
  for (const change of [jailConfChange(empty, number), fstabMountsChange(empty, number), devfsRulesChange(empty, false)]) {
    if (change !== null && change !== 'unreadable') files[change.path] = change.after;
  }
  return files;
}

/**
 * An X220 on which the driver step is done (580.105.08 loaded at boot) and a jail `cuda` with Ubuntu 22.04,
 * NVIDIA's userland of the same release and CUDA 12.4 exists, configured by `files` and started at boot.
 */
export function x220WithJail(options: { name: string; description: string; files: Record<string, string>; linux?: Partial<LinuxWorld>; rcConf?: string[] }): Scenario {
  const scenario = x220Scenario({
    name: options.name,
    description: options.description,
    gpu: 'healthy',
    powered: true,
    user: { name: 'demo', uid: 1001 },
    elevation: { sudo: 'password', sudoPassword: 'demo', doas: 'absent' },
    packages: [...sudoPackages, libglvnd, nvidiaDriver580, linuxBase, linuxNvidiaLibs580],
    repository: freebsdRepository,
    rcConf: [...RC_LINES, ...(options.rcConf ?? [])],
  });
  Object.assign(scenario.files, options.files, { [jailPath('/etc/os-release')]: OS_RELEASE });
  scenario.linux = { ...freshLinux(), userland: 'complete', nvidiaLibs: DRIVER_580, cudaToolkit: CUDA_TOOLKIT.release, ...options.linux };
  bootJails(scenario);
  bootOllama(scenario, gpuBlocked(scenario) === null);
  return scenario;
}

/**
 * The jail was set up by hand from a guide for plain jails: its /dev is mounted with the stock jail ruleset
 * (devfsrules_jail, 4), which hides every NVIDIA node, so nvidia-smi inside finds no GPU.
 */
export const x220JailNoDevfs = x220WithJail({
  name: 'x220-jail-no-devfs',
  description: 'ThinkPad X220, driver working, jail cuda running with the stock jail ruleset: the NVIDIA nodes are hidden inside it',
  files: {
    '/etc/jail.conf': [
      'cuda {',
      '    path = "/usr/local/jails/cuda";',
      '    host.hostname = "cuda";',
      `    mount.fstab = "${JAIL_FSTAB}";`,
      '    devfs_ruleset = 4;',
      '    ip4 = inherit;',
      '    exec.start = "/bin/true";',
      '    exec.stop = "/bin/true";',
      '    persist;',
      '}',
      '',
    ].join('\n'),
    [JAIL_FSTAB]: [
      '# Device\t\tMountpoint\t\t\tFStype\tOptions\t\tDump\tPass#',
      'devfs\t/usr/local/jails/cuda/dev\tdevfs\trw,ruleset=4\t0\t0',
      'tmpfs\t/usr/local/jails/cuda/dev/shm\ttmpfs\trw,size=1g,mode=1777\t0\t0',
      'linprocfs\t/usr/local/jails/cuda/proc\tlinprocfs\trw\t0\t0',
      'linsysfs\t/usr/local/jails/cuda/sys\tlinsysfs\trw\t0\t0',
      '',
    ].join('\n'),
  },
});

/** The jail is right, but llama.cpp in it was built without CUDA: it runs on the CPU, about ten times slower. */
export const x220CpuFallback = x220WithJail({
  name: 'x220-cpu-fallback',
  description: 'ThinkPad X220, jail cuda working, but llama.cpp in it built without CUDA (runs on the CPU)',
  files: wizardJailFiles(),
  // The first model is already there: the user followed a guide that stopped short of CUDA.
  linux: { llama: { cuda: false }, models: { [FIRST_MODEL.file]: FIRST_MODEL.bytes } },
});
