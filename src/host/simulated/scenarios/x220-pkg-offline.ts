import type { Failure } from '../scenario';
import { sudoPackages, x220Scenario } from './x220';

const DRIVER_QUERY = ['pkg', 'rquery', '-g', '%n\t%v', 'nvidia-driver*', 'linux-nvidia-libs*'];
const DRIVER_INSTALL = ['pkg', 'install', '-y', 'nvidia-driver-580', 'linux-nvidia-libs-580'];

/** What pkg prints when the repository's host cannot be resolved (no network, or no DNS). */
const offline: Failure = {
  argv: DRIVER_QUERY,
  exitCode: 1,
  stdout: 'Updating FreeBSD repository catalogue...\n',
  stderr: [
    'pkg: https://pkg.FreeBSD.org/FreeBSD:14:amd64/quarterly/meta.conf: No address record',
    'repository FreeBSD has no meta file, using default settings',
    'pkg: https://pkg.FreeBSD.org/FreeBSD:14:amd64/quarterly/data.pkg: No address record',
    'Unable to update repository FreeBSD',
    'Error updating repositories!',
    '',
  ].join('\n'),
  durationMs: 2500,
  times: 1,
};

/** What pkg prints while another pkg (a periodic job, another terminal) holds its database. */
const locked: Failure = {
  argv: DRIVER_INSTALL,
  exitCode: 1,
  stdout: '',
  stderr: 'pkg: Cannot get an advisory lock on a database, it is locked by another process\n',
  durationMs: 200,
  times: 1,
};

/**
 * Like x220-fresh, but pkg fails twice on the way: the first repository query finds no network, and the
 * first install finds the package database locked. Each works when tried again, as it does once the cable
 * is plugged in or the other pkg has finished.
 */
const scenario = x220Scenario({
  name: 'x220-pkg-offline',
  description: 'ThinkPad X220 like x220-fresh, but pkg first cannot reach its repository, then finds its database locked',
  gpu: 'healthy',
  powered: true,
  user: { name: 'demo', uid: 1001 },
  elevation: { sudo: 'password', sudoPassword: 'demo', doas: 'absent' },
  packages: sudoPackages,
});
scenario.failures.push(offline, locked);

export const x220PkgOffline = scenario;
