import type { ArchitectureSupport } from './branch-table';

/**
 * Picks the driver packages for a card from what the repository offers. FreeBSD names the current branch
 * `nvidia-driver` and keeps older ones as `nvidia-driver-NNN`; the Linux libraries follow the same scheme
 * (`linux-nvidia-libs`, `linux-nvidia-libs-NNN`) and must be the very same release as the driver, or Linux
 * programs fail with "API mismatch".
 */

export interface OfferedPackage {
  name: string;
  version: string;
}

export interface DriverChoice {
  driver: OfferedPackage;
  libs: OfferedPackage;
  branch: number;
  /** The repository's default `nvidia-driver` when it is a branch that no longer supports the card. */
  skippedDefault: OfferedPackage | null;
}

export type ChoiceOutcome =
  | { kind: 'chosen'; choice: DriverChoice }
  /** No driver package in the repository supports the card. */
  | { kind: 'no-driver'; offered: OfferedPackage[] }
  /** A driver fits but its Linux libraries are not offered in the same release. */
  | { kind: 'no-libs'; driver: OfferedPackage; branch: number };

export const DRIVER_NAME = /^nvidia-driver(?:-(\d{3}))?$/;
export const LIBS_NAME = /^linux-nvidia-libs(?:-(\d{3}))?$/;

/** "580.105.08_1,1" → "580.105.08": pkg's port revision and epoch are not part of NVIDIA's version. */
export const releaseOf = (pkgVersion: string): string => pkgVersion.replace(/[_,].*$/, '');

export const branchOf = (pkgVersion: string): number => Number.parseInt(releaseOf(pkgVersion), 10);

/** Compares NVIDIA release numbers part by part (580.105.08 > 580.95.05). */
export function compareReleases(a: string, b: string): number {
  const pa = releaseOf(a).split('.').map(Number);
  const pb = releaseOf(b).split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export const supports = (support: ArchitectureSupport, branch: number): boolean =>
  branch >= support.firstBranch && (support.lastBranch === null || branch <= support.lastBranch);

export function chooseDriver(offered: readonly OfferedPackage[], support: ArchitectureSupport): ChoiceOutcome {
  const drivers = offered.filter((p) => DRIVER_NAME.test(p.name));
  const fitting = drivers
    .filter((p) => supports(support, branchOf(p.version)))
    .sort((a, b) => compareReleases(b.version, a.version));
  const driver = fitting[0];
  if (driver === undefined) return { kind: 'no-driver', offered: drivers };
  const branch = branchOf(driver.version);
  const libs = offered.find((p) => LIBS_NAME.test(p.name) && releaseOf(p.version) === releaseOf(driver.version));
  if (libs === undefined) return { kind: 'no-libs', driver, branch };
  const main = drivers.find((p) => p.name === 'nvidia-driver');
  const skippedDefault = main !== undefined && main.name !== driver.name && !supports(support, branchOf(main.version)) ? main : null;
  return { kind: 'chosen', choice: { driver, libs, branch, skippedDefault } };
}
