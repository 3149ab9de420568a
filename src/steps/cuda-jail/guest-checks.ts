import { msg, type Message } from '../../contract/messages';
import { GUEST_KEY_IN_DATA } from '../../bhyve/guest-key';
import { GUEST_NAME, GUEST_NETWORK_CONFIG_PATH, UBUNTU_IMAGE } from '../../bhyve/layout';
import { GUEST_DRIVER_BRANCH, GUEST_DRIVER_PACKAGES } from '../../commands/guest-commands';
import type { CommandRun } from '../../commands/runner';
import { evidenceAt, evidenceOf, failureEvidence } from '../../wizard/evidence';
import { defineCheck, invoke, type Verdict } from '../../wizard/step';
import { pciconfLvb } from '../gpu-on-bus';
import { judgeCudaProof } from './cuda-proof';
import { passthroughChosen } from './route';

/**
 * Inside the passthrough route's guest, once it runs: the wizard logs in, installs NVIDIA's driver from
 * Ubuntu's archive, sees the card with nvidia-smi, and proves CUDA with deviceQuery. Every command here runs in
 * the guest (their catalogue entries say `target: 'guest'`), reached at the address vm-bhyve's network-config
 * gave it; an unreachable guest is reported by the check round like any SSH host that does not answer.
 */
export const GUEST_CHECKS = ['guest-reach', 'guest-driver', 'guest-smi', 'guest-cuda'] as const;
export type GuestCheckId = (typeof GUEST_CHECKS)[number];

const onPassthrough = { readOnly: true, appliesWhen: passthroughChosen } as const;
const skip = (key: string, params: Record<string, string | number> = {}): Verdict => ({ status: 'skip', reason: msg(key, params), advice: [], evidence: [] });
const keyFile = GUEST_KEY_IN_DATA;

/** A guest command the runner refused because there is no guest to log in to: the later checks wait. */
function noGuestYet(run: CommandRun<unknown>): Verdict | null {
  return run.refusal === 'no-guest' ? skip('guest.later', { name: GUEST_NAME }) : null;
}

/** `ssh ubuntu@ADDRESS` with the wizard's key: /etc/os-release says it is the guest the wizard made. */
export const guestReachCheck = defineCheck({
  id: 'guest-reach',
  title: 'guest.check.reach',
  ...onPassthrough,
  commands: { network: invoke('vmGuestNetwork', {}), os: invoke('guestOsRelease', {}) },
  evaluate: ({ network, os }): Verdict => {
    const user = UBUNTU_IMAGE.user;
    const networkEvidence = evidenceOf(network, (t) => /^\s*-\s*[0-9.]+\/|gateway4:/.test(t));
    switch (os.noGuest) {
      case 'no-network-config':
        return skip('guest.reach.later', { name: GUEST_NAME, file: GUEST_NETWORK_CONFIG_PATH });
      case 'no-static-address':
        return { status: 'fail', reason: msg('guest.reach.noStaticAddress', { name: GUEST_NAME, file: GUEST_NETWORK_CONFIG_PATH }), advice: [msg('guest.reach.advice.recreate')], evidence: [evidenceOf(network)] };
      case 'unreadable':
        return { status: 'error', reason: msg('guest.reach.unreadable', { file: GUEST_NETWORK_CONFIG_PATH }), advice: [], evidence: [failureEvidence(network)] };
      case 'unsupported-host':
        return skip('guest.reach.unsupported');
      case 'no-data-dir':
        return { status: 'error', reason: msg('guest.reach.noKey', { key: keyFile }), advice: [], evidence: [] };
      case undefined:
        break;
    }
    const address = network.parsed.ok ? (network.parsed.value.network?.address ?? '?') : '?';
    const params = { name: GUEST_NAME, address, user, key: keyFile };
    if (!os.parsed.ok) return { status: 'error', reason: msg('guest.reach.failed', { ...params, detail: os.parsed.error.message }), advice: [], evidence: [networkEvidence, failureEvidence(os)] };
    const values = os.parsed.value.values;
    const release = values.VERSION_ID ?? '?';
    const evidence = [networkEvidence, evidenceOf(os, (t) => /^(PRETTY_NAME|VERSION_ID|ID)=/.test(t))];
    if (values.ID !== 'ubuntu' || release !== UBUNTU_IMAGE.release) {
      return { status: 'fail', reason: msg('guest.reach.otherSystem', { ...params, found: values.PRETTY_NAME ?? `${values.ID ?? '?'} ${release}`, release: UBUNTU_IMAGE.release }), advice: [], evidence };
    }
    return { status: 'pass', reason: msg('guest.reach.ok', { ...params, release }), advice: [], evidence };
  },
});

/** NVIDIA's 580 packages from Ubuntu's archive, and their kernel module loaded (it reports its release). */
export const guestDriverCheck = defineCheck({
  id: 'guest-driver',
  title: 'guest.check.driver',
  ...onPassthrough,
  commands: { packages: invoke('guestDriverPackages', {}), nvrm: invoke('guestNvrmVersion', {}) },
  evaluate: ({ packages, nvrm }): Verdict => {
    const early = noGuestYet(packages);
    if (early !== null) return early;
    if (!packages.parsed.ok) return { status: 'error', reason: msg('guest.unreadable', { what: 'dpkg-query', detail: packages.parsed.error.message }), advice: [], evidence: [failureEvidence(packages)] };
    const { installed, unfinished } = packages.parsed.value;
    if (unfinished.length > 0) {
      return {
        status: 'fail',
        reason: msg('guest.driver.unfinished', { packages: unfinished.map((p) => p.name).join(', ') }),
        advice: [],
        evidence: [evidenceAt(packages, unfinished.map((p) => p.line))],
        commands: [invoke('guestDpkgConfigure', {}), invoke('guestAptInstallDriver', {}), invoke('guestModprobe', {})],
      };
    }
    const missing = GUEST_DRIVER_PACKAGES.filter((p) => !installed.some((i) => i.name === p));
    const params = { packages: GUEST_DRIVER_PACKAGES.join(', '), branch: GUEST_DRIVER_BRANCH };
    const why = msg('guest.driver.advice.why', params);
    if (missing.length > 0) {
      return {
        status: 'fail',
        reason: msg('guest.driver.missing', { ...params, missing: missing.join(', ') }),
        advice: [why],
        evidence: [failureEvidence(packages)],
        commands: [invoke('guestAptUpdate', {}), invoke('guestAptInstallDriver', {}), invoke('guestModprobe', {})],
      };
    }
    const version = installed[0]?.version ?? '?';
    const packageEvidence = evidenceAt(packages, installed.map((i) => i.line));
    if (!nvrm.parsed.ok) return { status: 'error', reason: msg('guest.unreadable', { what: 'NVRM', detail: nvrm.parsed.error.message }), advice: [], evidence: [packageEvidence, failureEvidence(nvrm)] };
    const loaded = nvrm.parsed.value.loaded;
    if (loaded === null) return { status: 'fail', reason: msg('guest.driver.notLoaded', { ...params, version }), advice: [], evidence: [packageEvidence, failureEvidence(nvrm)], commands: [invoke('guestModprobe', {})] };
    const evidence = [packageEvidence, evidenceOf(nvrm, (t) => /Kernel Module/.test(t))];
    if (!loaded.startsWith(`${GUEST_DRIVER_BRANCH}.`)) return { status: 'fail', reason: msg('guest.driver.otherBranch', { ...params, loaded }), advice: [why], evidence };
    return { status: 'pass', reason: msg('guest.driver.ok', { ...params, loaded }), advice: [], evidence };
  },
});

/** apt's own words for why an install in the guest failed, for the user to act on. */
export function explainAptFailure(run: CommandRun<unknown>): Message | null {
  const text = `${run.stdout}\n${run.stderr}`;
  if (/Temporary failure resolving|Could not resolve|Failed to fetch|Unable to connect to/.test(text)) return msg('guest.apt.network');
  if (/Could not get lock|Unable to acquire the dpkg frontend lock/.test(text)) return msg('guest.apt.locked');
  if (/dpkg was interrupted/.test(text)) return msg('guest.apt.interrupted');
  return null;
}

/** nvidia-smi in the guest lists the card with its memory. */
export const guestSmiCheck = defineCheck({
  id: 'guest-smi',
  title: 'guest.check.smi',
  ...onPassthrough,
  commands: { smi: invoke('guestNvidiaSmi', {}) },
  evaluate: ({ smi }): Verdict => {
    const early = noGuestYet(smi);
    if (early !== null) return early;
    if (smi.outcome === 'not-found') return skip('guest.smi.later');
    if (!smi.parsed.ok) return { status: 'error', reason: msg('guest.unreadable', { what: 'nvidia-smi', detail: smi.parsed.error.message }), advice: [], evidence: [failureEvidence(smi)] };
    const out = smi.parsed.value;
    const gpu = out.gpus[0];
    if (out.status === 'ok' && gpu !== undefined) {
      const params = { name: gpu.name, memory: gpu.memoryTotalMiB ?? '?', version: out.driverVersion ?? '?', cuda: out.cudaVersion ?? '?' };
      return { status: 'pass', reason: msg('guest.smi.ok', params), advice: [msg('jail.smi.cudaVersionNote', { cuda: params.cuda })], evidence: [evidenceOf(smi, (t) => /NVIDIA-SMI|Tesla|MiB/.test(t))] };
    }
    if (out.status === 'no-driver') return { status: 'fail', reason: msg('guest.smi.noDriver'), advice: [], evidence: [failureEvidence(smi)] };
    return { status: 'fail', reason: msg('guest.smi.noDevice', { name: GUEST_NAME }), advice: [msg('guest.smi.advice.passthru')], evidence: [failureEvidence(smi)] };
  },
});

/**
 * CUDA 12.4's toolkit in the guest (the same runfile as the jail route, for its prebuilt deviceQuery), and
 * deviceQuery seeing exactly the card. A CUDA 13 toolkit is refused: it no longer builds for Pascal.
 */
export const guestCudaCheck = defineCheck({
  id: 'guest-cuda',
  title: 'guest.check.cuda',
  ...onPassthrough,
  commands: { nvcc: invoke('guestNvcc', {}), query: invoke('guestDeviceQuery', {}), smi: invoke('guestNvidiaSmi', {}), pci: pciconfLvb },
  evaluate: ({ nvcc, query, smi, pci }): Verdict => {
    const early = noGuestYet(nvcc);
    if (early !== null) return early;
    const smiGpu = smi.parsed.ok && smi.parsed.value.status === 'ok' ? smi.parsed.value.gpus[0] : undefined;
    const install = [invoke('guestFetchCuda', {}), invoke('guestInstallCuda', {})];
    return judgeCudaProof({ prefix: 'guest', nvcc, query, pci, smiMemoryMiB: smiGpu?.memoryTotalMiB ?? null, memoryParam: 'smiMemory', install, devicesAdvice: [] });
  },
});

export const guestChecks = [guestReachCheck, guestDriverCheck, guestSmiCheck, guestCudaCheck];
