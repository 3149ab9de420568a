import type { Scenario } from '../scenario';

/** The wizard started on a Linux laptop: FreeBSD's tools (kenv, pciconf, kldstat, pkg) do not exist. */
export const notFreeBSD: Scenario = {
  name: 'not-freebsd',
  description: 'A generic laptop running Linux 6.8 (Ubuntu 24.04), not FreeBSD',
  os: { sysname: 'Linux', release: '6.8.0-49-generic', machine: 'x86_64', hostname: 'laptop' },
  kenv: {},
  user: { name: 'demo', uid: 1000 },
  elevation: { sudo: 'password', sudoPassword: 'demo', doas: 'absent' },
  egpu: { powered: false, enumerated: false },
  pciDevices: [],
  platformDevices: [],
  modules: [],
  availableModules: [],
  packages: [],
  repository: [],
  files: {
    '/etc/os-release': [
      'PRETTY_NAME="Ubuntu 24.04.1 LTS"',
      'NAME="Ubuntu"',
      'VERSION_ID="24.04"',
      'VERSION="24.04.1 LTS (Noble Numbat)"',
      'VERSION_CODENAME=noble',
      'ID=ubuntu',
      'ID_LIKE=debian',
      '',
    ].join('\n'),
  },
  sysctls: {
    'kernel.ostype': 'Linux',
    'kernel.osrelease': '6.8.0-49-generic',
    'kernel.hostname': 'laptop',
    'kernel.dmesg_restrict': '1',
  },
  dmesg: [
    '[    0.000000] Linux version 6.8.0-49-generic (buildd@lcy02-amd64-103) (x86_64-linux-gnu-gcc-13 (Ubuntu 13.2.0-23ubuntu4) 13.2.0, GNU ld (GNU Binutils for Ubuntu) 2.42) #49-Ubuntu SMP PREEMPT_DYNAMIC Mon Nov  4 02:06:24 UTC 2024 (Ubuntu 6.8.0-49.49-generic 6.8.12)',
    '[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-6.8.0-49-generic root=UUID=0d1f4c2e-7b1a-4c55-9e0a-3f9b6f1b8c2d ro quiet splash',
    '[    0.000000] DMI: LENOVO 20L5000UUS/20L5000UUS, BIOS N24ET76W (1.51 ) 03/19/2024',
  ],
  messages: { loader: [], runtime: [] },
  failures: [],
  nvidia: null,
  boots: 1,
};
