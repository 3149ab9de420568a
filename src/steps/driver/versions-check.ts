import { msg, type Message } from '../../contract/messages';
import type { Evidence } from '../../contract/state';
import { recogniseNvrm } from '../../commands/parsers/nvrm';
import { compareReleases, releaseOf } from '../../drivers/choose-package';
import { evidenceAt, evidenceOf } from '../../wizard/evidence';
import { defineCheck, invoke, type Verdict } from '../../wizard/step';
import { installedDriver, installedLibs } from './branch-check';

/** `NVIDIA UNIX x86_64 Kernel Module  580.105.08  Wed Oct 29 …` → "580.105.08". */
export function moduleRelease(value: string | null): string | null {
  return /Kernel Module\s+(\d+(?:\.\d+)+)/.exec(value ?? '')?.[1] ?? null;
}

/**
 * The kernel module, nvidia-driver and linux-nvidia-libs must be one release: Linux programs talk to the
 * host's kernel module through the Linux libraries, and the module refuses any other version ("API
 * mismatch"). The check names the exact package to bring in line.
 */
export const versionsCheck = defineCheck({
  id: 'versions',
  title: 'steps.driver.check.versions',
  explainedBy: ['nvidia-version-mismatch'],
  readOnly: true,
  commands: {
    installed: invoke('pkgQuery', {}),
    module: invoke('sysctl', { key: 'hw.nvidia.version' }),
    dmesg: invoke('dmesg', {}),
  },
  evaluate: ({ installed, module, dmesg }): Verdict => {
    const have = installed.parsed.ok ? installed.parsed.value.packages : [];
    const driver = installedDriver(have);
    const libs = installedLibs(have);
    const pkgEvidence = evidenceOf(installed, (t) => /^(nvidia-driver|linux-nvidia-libs)/.test(t));
    if (driver === undefined) return { status: 'skip', reason: msg('steps.driver.versions.later'), advice: [], evidence: [pkgEvidence] };

    const driverRelease = releaseOf(driver.version);
    const loaded = moduleRelease(module.parsed.ok ? module.parsed.value.value : null);
    const evidence: Evidence[] = [pkgEvidence, evidenceOf(module)];

    // The kernel's own complaints, split into those about the versions installed now and older ones.
    const mismatches = dmesg.parsed.ok ? recogniseNvrm(dmesg.parsed.value.nvrm).filter((m) => m.kind === 'api-mismatch') : [];
    const libsRelease = libs === undefined ? null : releaseOf(libs.version);
    const current = mismatches.filter((m) => m.client === libsRelease || (loaded !== null && m.kernel === loaded && m.client !== loaded));
    if (mismatches.length > 0) {
      const shown = current.length > 0 ? current : mismatches;
      evidence.push(evidenceAt(dmesg, (shown[0]?.lines ?? []).slice(0, 4)));
    }

    if (libs !== undefined && libsRelease !== driverRelease) {
      const older = compareReleases(libs.version, driver.version) < 0 ? libs : driver;
      const newer = older === libs ? driver : libs;
      return {
        status: 'fail',
        reason: msg('steps.driver.versions.libsDiffer', { driver: driver.name, driverVersion: driverRelease, libs: libs.name, libsVersion: libsRelease ?? '' }),
        advice: [msg('steps.driver.versions.advice.upgrade', { package: older.name, version: releaseOf(older.version), target: releaseOf(newer.version) })],
        evidence,
        commands: [invoke('pkgUpgrade', { packages: [older.name] })],
      };
    }
    if (loaded !== null && loaded !== driverRelease) {
      return {
        status: 'fail',
        reason: msg('steps.driver.versions.moduleStale', { module: loaded, driver: driver.name, version: driverRelease }),
        advice: [msg('steps.driver.versions.advice.restart')],
        evidence,
      };
    }
    const notes: Message[] = [];
    if (mismatches.length > 0) notes.push(msg('steps.driver.versions.oldMismatch', { client: mismatches[0]?.client ?? '', kernel: mismatches[0]?.kernel ?? '' }));
    if (libs === undefined) notes.push(msg('steps.driver.versions.libsLater'));
    const reason = loaded === null ? msg('steps.driver.versions.okNotLoaded', { version: driverRelease }) : msg('steps.driver.versions.ok', { version: driverRelease });
    return { status: 'pass', reason, advice: notes, evidence };
  },
});
