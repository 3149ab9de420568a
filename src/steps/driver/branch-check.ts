import { msg, type Message } from '../../contract/messages';
import type { PkgQueryOutput } from '../../commands/parsers/pkg-query';
import type { CommandRun } from '../../commands/runner';
import { NVIDIA_SUPPORTED_GPUS_URL, supportFor, type CardSupport } from '../../drivers/branch-table';
import { branchOf, chooseDriver, DRIVER_NAME, LIBS_NAME, releaseOf, supports, type OfferedPackage } from '../../drivers/choose-package';
import { evidenceOf, failureEvidence } from '../../wizard/evidence';
import { defineCheck, invoke, type Invocation, type Verdict } from '../../wizard/step';
import { findNvidiaGpu, pciconfLvb } from '../gpu-on-bus';
import { explainPkgFailure } from './pkg-problem';

type Packages = CommandRun<PkgQueryOutput>;

/** pciconf's "GP104GL [Tesla P4]" → "Tesla P4": the name on the box; the chip is said separately. */
const marketingName = (device: string | null): string | null => (device === null ? null : (/\[(.+)\]/.exec(device)?.[1] ?? device));

export const installedDriver = (packages: readonly OfferedPackage[]) => packages.find((p) => DRIVER_NAME.test(p.name));
export const installedLibs = (packages: readonly OfferedPackage[]) => packages.find((p) => LIBS_NAME.test(p.name));

const packageLines = (run: Packages) => evidenceOf(run, (t) => /^(nvidia-driver|linux-nvidia-libs)/.test(t));

/** Why the card stays on its branch, and that the default package was passed over, when it was. */
function branchAdvice(card: CardSupport, driverName: string, skipped: OfferedPackage | null): Message[] {
  const advice: Message[] = [];
  const last = card.support.lastBranch;
  if (skipped !== null && last !== null) {
    advice.push(msg('steps.driver.branch.skippedDefault', { name: skipped.name, version: releaseOf(skipped.version), branch: branchOf(skipped.version), last, architecture: card.architecture }));
  }
  if (last !== null) advice.push(msg('steps.driver.branch.stayOn', { name: driverName, last, architecture: card.architecture }));
  return advice;
}

function installCommand(names: string[]): Invocation<unknown>[] {
  return names.length === 0 ? [] : [invoke('pkgInstall', { packages: names })];
}

export const branchCheck = defineCheck({
  id: 'branch',
  title: 'steps.driver.check.branch',
  explainedBy: ['nvidia-legacy-branch'],
  readOnly: true,
  commands: { pci: pciconfLvb, offered: invoke('pkgRquery', {}), installed: invoke('pkgQuery', {}) },
  evaluate: ({ pci, offered, installed }): Verdict => {
    const gpu = pci.parsed.ok ? findNvidiaGpu(pci.parsed.value) : undefined;
    if (gpu === undefined) {
      return { status: 'fail', reason: msg('steps.driver.branch.noGpu'), advice: [msg('steps.driver.branch.advice.backToAdapter')], evidence: [evidenceOf(pci, (t) => /^vgapci|^none/.test(t))] };
    }
    const gpuEvidence = evidenceOf(pci, (_t, n) => n >= gpu.line && n <= gpu.line + 2);
    const card = supportFor(gpu.deviceId);
    const name = marketingName(gpu.device) ?? gpu.deviceId;
    if (card === null) {
      return {
        status: 'fail',
        reason: msg('steps.driver.branch.unknownCard', { device: gpu.deviceId, name }),
        advice: [msg('steps.driver.branch.advice.nvidiaList', { url: NVIDIA_SUPPORTED_GPUS_URL })],
        evidence: [gpuEvidence],
      };
    }
    if (!installed.parsed.ok) {
      return { status: 'error', reason: explainPkgFailure(installed), advice: [msg('steps.driver.pkg.retry')], evidence: [failureEvidence(installed)] };
    }
    const have = installed.parsed.value.packages;
    const driver = installedDriver(have);
    const libs = installedLibs(have);
    const cardParams = { name, chip: card.chip, architecture: card.architecture };

    if (driver !== undefined && !supports(card.support, branchOf(driver.version))) {
      return {
        status: 'fail',
        reason: msg('steps.driver.branch.installedUnsupported', { ...cardParams, package: driver.name, version: releaseOf(driver.version), last: card.support.lastBranch ?? '—' }),
        advice: [msg('steps.driver.branch.advice.remove', { package: driver.name, libs: libs?.name ?? 'linux-nvidia-libs' })],
        evidence: [gpuEvidence, packageLines(installed)],
      };
    }
    if (driver !== undefined && libs !== undefined) {
      return {
        status: 'pass',
        reason: msg('steps.driver.branch.installed', { ...cardParams, package: driver.name, version: releaseOf(driver.version) }),
        advice: branchAdvice(card, driver.name, null),
        evidence: [gpuEvidence, packageLines(installed)],
      };
    }

    // Something is missing: ask the repository what it has. Without root (no password yet, or a read-only
    // `diagnose`) the card's needs are still worth saying.
    if (offered.refusal !== null) {
      return {
        status: 'skip',
        reason: msg('steps.driver.branch.needsRoot', { ...cardParams, first: card.support.firstBranch, last: card.support.lastBranch ?? '—' }),
        advice: [],
        evidence: [gpuEvidence],
      };
    }
    if (!offered.parsed.ok) {
      return { status: 'error', reason: explainPkgFailure(offered), advice: [msg('steps.driver.pkg.retry')], evidence: [gpuEvidence, failureEvidence(offered)] };
    }
    const repository = offered.parsed.value.packages;
    const offeredEvidence = evidenceOf(offered);
    if (driver !== undefined) {
      // The driver is there; only its Linux libraries of the same release are missing.
      const match = repository.find((p) => LIBS_NAME.test(p.name) && releaseOf(p.version) === releaseOf(driver.version));
      if (match === undefined) {
        return {
          status: 'fail',
          reason: msg('steps.driver.branch.noLibs', { package: driver.name, version: releaseOf(driver.version) }),
          advice: [msg('steps.driver.branch.advice.libsLater')],
          evidence: [packageLines(installed), offeredEvidence],
        };
      }
      return {
        status: 'warn',
        reason: msg('steps.driver.branch.libsMissing', { package: match.name, version: releaseOf(match.version), driver: driver.name }),
        advice: branchAdvice(card, driver.name, null),
        evidence: [gpuEvidence, packageLines(installed), offeredEvidence],
        commands: installCommand([match.name]),
      };
    }
    const outcome = chooseDriver(repository, card.support);
    if (outcome.kind === 'no-driver') {
      return {
        status: 'fail',
        reason: msg('steps.driver.branch.noPackage', { ...cardParams, first: card.support.firstBranch, last: card.support.lastBranch ?? '—' }),
        advice: [msg('steps.driver.branch.advice.nvidiaList', { url: NVIDIA_SUPPORTED_GPUS_URL })],
        evidence: [gpuEvidence, offeredEvidence],
      };
    }
    if (outcome.kind === 'no-libs') {
      return {
        status: 'fail',
        reason: msg('steps.driver.branch.noLibs', { package: outcome.driver.name, version: releaseOf(outcome.driver.version) }),
        advice: [msg('steps.driver.branch.advice.libsLater')],
        evidence: [gpuEvidence, offeredEvidence],
      };
    }
    const { choice } = outcome;
    const missing = [choice.driver.name, ...(libs === undefined || releaseOf(libs.version) !== releaseOf(choice.driver.version) ? [choice.libs.name] : [])];
    return {
      status: 'warn',
      reason: msg('steps.driver.branch.ready', { ...cardParams, package: choice.driver.name, version: releaseOf(choice.driver.version), libs: choice.libs.name }),
      advice: branchAdvice(card, choice.driver.name, choice.skippedDefault),
      evidence: [gpuEvidence, offeredEvidence],
      commands: installCommand(missing),
    };
  },
});
