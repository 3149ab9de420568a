import { z } from 'zod';
import { doneOrFailed } from './output';
import { pkgProgress } from './pkg/progress';
import type { CommandSpec } from './types';

/**
 * The driver step's pkg runs. They live apart from the catalogue because they run detached (see
 * detached-commands.ts, which the catalogue itself includes): fetching and extracting the NVIDIA packages
 * takes minutes on an X220, long enough for a Wi-Fi drop or a closed window to cut them half-way.
 */

const SECOND = 1000;
const entry = <A extends z.ZodType, R>(spec: CommandSpec<A, R>): CommandSpec<A, R> => spec;

/** The packages the driver step may install or upgrade: a driver branch and its Linux libraries. */
export const DriverPackageName = z.string().regex(/^(?:nvidia-driver|linux-nvidia-libs)(?:-\d{3})?$/, 'not an NVIDIA driver package');
const DriverPackages = z.object({ packages: z.array(DriverPackageName).min(1).max(4) }).strict();

export const driverPackageCommands = {
  pkgInstall: entry({
    id: 'pkgInstall',
    description: 'Install NVIDIA driver packages (and what they depend on) from the package repository',
    args: DriverPackages,
    argv: (a) => ['pkg', 'install', '-y', ...a.packages],
    privileged: true,
    timeoutMs: 45 * 60 * SECOND,
    parse: doneOrFailed,
    progress: pkgProgress,
  }),
  pkgUpgrade: entry({
    id: 'pkgUpgrade',
    description: 'Upgrade NVIDIA driver packages to the version the repository offers',
    args: DriverPackages,
    argv: (a) => ['pkg', 'upgrade', '-y', ...a.packages],
    privileged: true,
    timeoutMs: 45 * 60 * SECOND,
    parse: doneOrFailed,
    progress: pkgProgress,
  }),
} as const;
