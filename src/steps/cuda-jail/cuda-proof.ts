import { msg, type Message } from '../../contract/messages';
import type { DeviceQueryOutput, NvccOutput } from '../../commands/parsers/jail';
import type { PciconfOutput } from '../../commands/parsers/pciconf';
import type { CommandRun } from '../../commands/runner';
import { supportFor } from '../../drivers/branch-table';
import { CUDA_TOOLKIT, DEVICE_QUERY } from '../../jail/layout';
import { evidenceAt, evidenceOf, failureEvidence } from '../../wizard/evidence';
import type { Invocation, Verdict } from '../../wizard/step';
import { findNvidiaGpu } from '../gpu-on-bus';

/** Compute capability by chip: what deviceQuery must report for the card pciconf names. */
export const COMPUTE_CAPABILITY: Readonly<Record<string, string>> = { GP100: '6.0', GP102: '6.1', GP104: '6.1', GP106: '6.1', GP107: '6.1', GP108: '6.1', GV100: '7.0', GM204: '5.2', GM200: '5.2', GM107: '5.0', GK110: '3.5', GK104: '3.0' };
/** CUDA 13 dropped Pascal (compute capability 6.x) from its compilers. */
export const NO_PASCAL_FROM = 13;

/**
 * The proof of CUDA, wherever it runs (the jail, the passthrough guest): a 12.x toolkit (`nvcc --version`),
 * and deviceQuery seeing exactly one device with the memory nvidia-smi reports and the compute capability
 * of the chip pciconf names. Texts are `<prefix>.cuda.*`; the memory nvidia-smi gave is `{<memoryParam>}`.
 */
export function judgeCudaProof(proof: {
  prefix: 'jail' | 'guest';
  nvcc: CommandRun<NvccOutput>;
  query: CommandRun<DeviceQueryOutput>;
  pci: CommandRun<PciconfOutput>;
  smiMemoryMiB: number | null;
  memoryParam: string;
  install: Invocation<unknown>[];
  /** What to look at when deviceQuery does not see exactly one device. */
  devicesAdvice: Message[];
}): Verdict {
  const { prefix, nvcc, query, pci, smiMemoryMiB } = proof;
  const key = (name: string): string => `${prefix}.cuda.${name}`;
  const toolkit = { release: CUDA_TOOLKIT.release };
  const pascal = msg('jail.cuda.advice.pascal');
  if (!nvcc.parsed.ok) return { status: 'fail', reason: msg(key('noToolkit'), toolkit), advice: [pascal], evidence: [failureEvidence(nvcc)], commands: proof.install };
  const { release, major, line } = nvcc.parsed.value;
  const nvccEvidence = evidenceAt(nvcc, [line]);
  if (major >= NO_PASCAL_FROM) return { status: 'fail', reason: msg(key('tooNew'), { found: release, ...toolkit }), advice: [pascal], evidence: [nvccEvidence], commands: proof.install };
  if (!query.parsed.ok) return { status: 'fail', reason: msg(key('noQuery'), { path: DEVICE_QUERY }), advice: [], evidence: [nvccEvidence, failureEvidence(query)] };
  const out = query.parsed.value;
  const device = out.devices[0];
  if (out.devices.length !== 1 || device === undefined) {
    const detail = out.error?.text ?? `${out.devices.length}`;
    return { status: 'fail', reason: msg(key('devices'), { count: out.devices.length, detail }), advice: proof.devicesAdvice, evidence: [nvccEvidence, evidenceOf(query)] };
  }
  const gpu = pci.parsed.ok ? findNvidiaGpu(pci.parsed.value) : undefined;
  const chip = gpu === undefined ? undefined : supportFor(gpu.deviceId)?.chip;
  const expectedCc = chip === undefined ? undefined : COMPUTE_CAPABILITY[chip];
  const evidence = [nvccEvidence, evidenceOf(query, (t) => /^Device \d|Capability|global memory|^Result|Runtime Version/.test(t.trim()))];
  const params = { name: device.name, memory: device.memoryMiB ?? '?', cc: device.computeCapability ?? '?', release };
  // deviceQuery counts in MiB from cudaGetDeviceProperties, nvidia-smi from NVML: they may differ by a rounding.
  const memoryOff = smiMemoryMiB !== null && device.memoryMiB !== null && Math.abs(device.memoryMiB - smiMemoryMiB) > smiMemoryMiB * 0.02;
  if (memoryOff || (expectedCc !== undefined && device.computeCapability !== expectedCc)) {
    return { status: 'fail', reason: msg(key('unexpected'), { ...params, [proof.memoryParam]: smiMemoryMiB ?? '?', expectedCc: expectedCc ?? '?' }), advice: [], evidence };
  }
  return { status: 'pass', reason: msg(key('ok'), params), advice: [], evidence };
}
