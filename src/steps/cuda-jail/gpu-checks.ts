import { msg, type Message } from '../../contract/messages';
import { JAIL_NAME } from '../../jail/layout';
import { evidenceOf, failureEvidence } from '../../wizard/evidence';
import { defineCheck, invoke, type Verdict } from '../../wizard/step';
import { moduleRelease } from '../driver/versions-check';
import { pciconfLvb } from '../gpu-on-bus';
import { entriesOf, hasPackage, jailRunning, nvidiaNodes, read } from './reads';
import { judgeCudaProof } from './cuda-proof';

const later = (key: string): Verdict => ({ status: 'skip', reason: msg(key), advice: [], evidence: [] });

/** Compute capability by chip, for the chips the wizard knows well; others are not compared. */

/** The first CUDA major version whose toolkit no longer builds for Pascal (sm_6x). */

/**
 * NVIDIA's userland in the jail must be the host module's exact release. It comes from NVIDIA's own .run
 * installer with --no-kernel-module: the jail uses the host's kernel module, and Ubuntu's packages follow
 * Ubuntu's releases, which rarely have the exact one FreeBSD's driver package ships.
 */
export const nvidiaUserlandCheck = defineCheck({
  id: 'nvidia-userland',
  title: 'jail.check.nvidiaUserland',
  readOnly: true,
  commands: { module: read.module, jls: read.jls, libcuda: invoke('jailLibcuda', {}) },
  evaluate: ({ module, jls, libcuda }): Verdict => {
    const host = moduleRelease(module.parsed.ok ? module.parsed.value.value : null);
    if (host === null) return later('jail.nvidiaUserland.noModule');
    if (!jailRunning(jls)) return later('jail.nvidiaUserland.later');
    const versions = libcuda.parsed.ok ? libcuda.parsed.value.versions : [];
    const evidence = [evidenceOf(module), evidenceOf(libcuda)];
    const install = [invoke('fetchNvidiaInstaller', { version: host }), invoke('jailInstallNvidia', { version: host })];
    const why = msg('jail.nvidiaUserland.advice.runfile', { version: host });
    if (versions.length === 0) return { status: 'fail', reason: msg('jail.nvidiaUserland.none', { version: host }), advice: [why], evidence, commands: install };
    if (versions.length > 1 || versions[0] !== host) {
      return { status: 'fail', reason: msg('jail.nvidiaUserland.differs', { jail: versions.join(', '), version: host }), advice: [why], evidence, commands: install };
    }
    return { status: 'pass', reason: msg('jail.nvidiaUserland.ok', { version: host }), advice: [], evidence };
  },
});

/** Why nvidia-smi in the jail sees no GPU, from the jail's /dev: usually the devfs ruleset hides the nodes. */
function hiddenNodes(hostDev: readonly string[] | null, jailDev: readonly string[] | null): string[] {
  const seen = nvidiaNodes(jailDev);
  return nvidiaNodes(hostDev).filter((n) => !seen.includes(n));
}

/** `jexec cuda nvidia-smi` lists the GPU. */
export const jailSmiCheck = defineCheck({
  id: 'jail-smi',
  title: 'jail.check.smi',
  readOnly: true,
  commands: { jls: read.jls, smi: invoke('jailNvidiaSmi', {}), hostDev: read.hostDev, jailDev: read.jailDev },
  evaluate: ({ jls, smi, hostDev, jailDev }): Verdict => {
    if (!jailRunning(jls)) return later('jail.smi.later');
    if (!smi.parsed.ok) {
      return /No such file|not found/.test(smi.stderr)
        ? { status: 'fail', reason: msg('jail.smi.notInstalled'), advice: [msg('jail.smi.advice.userland')], evidence: [failureEvidence(smi)] }
        : { status: 'error', reason: msg('jail.smi.unreadable', { detail: smi.parsed.error.message }), advice: [], evidence: [failureEvidence(smi)] };
    }
    const out = smi.parsed.value;
    const gpu = out.gpus[0];
    if (out.status === 'ok' && gpu !== undefined) {
      const advice: Message[] = out.cudaVersion === null ? [] : [msg('jail.smi.cudaVersionNote', { cuda: out.cudaVersion })];
      return {
        status: 'pass',
        reason: msg('jail.smi.ok', { jail: JAIL_NAME, name: gpu.name, memory: gpu.memoryTotalMiB ?? '?', version: out.driverVersion ?? '?' }),
        advice,
        evidence: [evidenceOf(smi, (t) => /NVIDIA-SMI|Tesla|GeForce|Quadro|MiB/.test(t))],
      };
    }
    const hidden = hiddenNodes(entriesOf(hostDev), entriesOf(jailDev));
    const evidence = [failureEvidence(smi), evidenceOf(jailDev, (t) => /^nvidia/.test(t))];
    if (hidden.length > 0) {
      return { status: 'fail', reason: msg('jail.smi.nodesHidden', { nodes: hidden.join(', '), jail: JAIL_NAME }), advice: [msg('jail.smi.advice.devfs')], evidence };
    }
    if (/version mismatch/i.test(out.message ?? '')) return { status: 'fail', reason: msg('jail.smi.mismatch'), advice: [msg('jail.smi.advice.userland')], evidence };
    return { status: 'fail', reason: msg('jail.smi.noGpu'), advice: [msg('steps.driver.advice.troubleshoot')], evidence };
  },
});

/**
 * A CUDA 12.x toolkit in the jail, and its deviceQuery seeing one device with the card's memory and compute
 * capability. A CUDA 13 toolkit is refused with the reason: it no longer builds for Pascal.
 */
export const cudaCheck = defineCheck({
  id: 'cuda',
  title: 'jail.check.cuda',
  readOnly: true,
  commands: {
    jls: read.jls,
    nvcc: invoke('jailNvcc', {}),
    query: invoke('jailDeviceQuery', {}),
    smi: invoke('nvidiaSmiQuery', { fields: ['name', 'memory.total'] }),
    pci: pciconfLvb,
  },
  evaluate: ({ jls, nvcc, query, smi, pci }): Verdict => {
    if (!jailRunning(jls)) return later('jail.cuda.later');
    const row = smi.parsed.ok && smi.parsed.value.status === 'ok' ? smi.parsed.value.rows[0] : undefined;
    const hostMemory = typeof row?.['memory.total'] === 'number' ? row['memory.total'] : null;
    const install = [invoke('fetchCudaToolkit', {}), invoke('jailInstallCuda', {})];
    return judgeCudaProof({ prefix: 'jail', nvcc, query, pci, smiMemoryMiB: hostMemory, memoryParam: 'hostMemory', install, devicesAdvice: [msg('jail.smi.advice.devfs')] });
  },
});

/**
 * The lighter way, checked beside the jail and never required: libc6-shim's nv-sglrun runs Linux CUDA
 * programs on the host with the driver's own Linux libraries, so there is no second userland to keep at
 * the same release; in exchange only programs the shim supports run, without a Linux toolkit to build with.
 */
export const shimCheck = defineCheck({
  id: 'shim',
  title: 'jail.check.shim',
  readOnly: true,
  commands: { installed: read.installed, smi: invoke('nvSglrunSmi', {}) },
  evaluate: ({ installed, smi }): Verdict => {
    const tradeoffs = msg('jail.shim.advice.tradeoffs');
    if (!hasPackage(installed, 'libc6-shim')) {
      return { status: 'skip', reason: msg('jail.shim.notInstalled'), advice: [tradeoffs], evidence: [], commands: [invoke('pkgInstallTool', { package: 'libc6-shim' })] };
    }
    const out = smi.parsed.ok ? smi.parsed.value : null;
    const gpu = out?.gpus[0];
    if (out?.status === 'ok' && gpu !== undefined) {
      return { status: 'pass', reason: msg('jail.shim.ok', { name: gpu.name, memory: gpu.memoryTotalMiB ?? '?', cuda: out.cudaVersion ?? '?' }), advice: [tradeoffs], evidence: [evidenceOf(smi, (t) => /NVIDIA-SMI|Tesla|MiB/.test(t))] };
    }
    return { status: 'warn', reason: msg('jail.shim.failed'), advice: [tradeoffs], evidence: [failureEvidence(smi)] };
  },
});
