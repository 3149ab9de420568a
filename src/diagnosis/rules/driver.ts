import { msg } from '../../contract/messages';
import { recogniseNvrm, type NvrmMessage } from '../../commands/parsers/nvrm';
import { isDisplay } from '../../steps/gpu-on-bus';
import { pciconfLines, refOf, type Context, type Gpu } from '../context';
import { enumerationFixes, fix } from '../fixes';
import { baseFinding } from './finding';
import { isReservedForPassthrough } from './passthrough';
import type { EvidenceRef, Finding, FindingId, SourceName } from '../types';
import { xidMessageKey, xidSeverity } from '../xid';

/** The NVIDIA driver's story: is the GPU there, did a driver take it, and what did the driver complain about. */

interface Sourced<T> {
  source: SourceName;
  message: T;
}

/** Recognised NVRM messages of every kernel message source, each with where it was read. */
function nvrmMessages(context: Context): Array<Sourced<NvrmMessage>> {
  return context.parsed.messages.flatMap(({ source, value }) => recogniseNvrm(value.nvrm).map((message) => ({ source, message })));
}

const linesOf = (context: Context, found: ReadonlyArray<Sourced<NvrmMessage>>, limit = 20): EvidenceRef[] =>
  found.flatMap(({ source, message }) => context.lines.at(source, message.lines)).slice(0, limit);

const smiLines = (context: Context, pattern: RegExp): EvidenceRef[] => context.lines.where('nvidia-smi', (t) => pattern.test(t), 3);


function mismatchFindings(context: Context, nvrm: ReadonlyArray<Sourced<NvrmMessage>>): Finding[] {
  const mismatches = nvrm.filter((n): n is Sourced<Extract<NvrmMessage, { kind: 'api-mismatch' }>> => n.message.kind === 'api-mismatch');
  const smi = context.parsed.nvidiaSmi?.message ?? '';
  const smiSays = /version mismatch/i.test(smi);
  if (mismatches.length === 0 && !smiSays) return [];
  const first = mismatches[0]?.message;
  const finding = baseFinding(
    'nvidia-version-mismatch',
    'error',
    first
      ? msg('diagnosis.nvidia-version-mismatch.versions', { client: first.client, kernel: first.kernel })
      : msg('diagnosis.nvidia-version-mismatch.smi'),
    // The driver repeats the message on every attempt; the first few prove it.
    [...linesOf(context, mismatches, 8), ...smiLines(context, /version mismatch/i)],
  );
  finding.fixes = [fix('reboot-after-upgrade', false), fix('matching-packages', false)];
  return [finding];
}

function legacyFindings(context: Context, nvrm: ReadonlyArray<Sourced<NvrmMessage>>): Finding[] {
  const legacy = nvrm.filter((n): n is Sourced<Extract<NvrmMessage, { kind: 'legacy-branch' }>> => n.message.kind === 'legacy-branch');
  const byGpu = new Map<string, typeof legacy>();
  for (const n of legacy) byGpu.set(`${n.message.gpu}/${n.message.branch}`, [...(byGpu.get(`${n.message.gpu}/${n.message.branch}`) ?? []), n]);
  return [...byGpu.values()].flatMap((group) => {
    const first = group[0]?.message;
    if (!first) return [];
    const finding = baseFinding(
      'nvidia-legacy-branch',
      'error',
      msg('diagnosis.nvidia-legacy-branch.explanation', { gpu: first.gpu, branch: first.branch, driver: first.driverVersion ?? '?' }),
      linesOf(context, group.slice(0, 1)),
    );
    finding.device = { name: null, selector: null, description: first.gpu };
    finding.fixes = [
      { ...fix('legacy-driver', false), instruction: msg('diagnosis.fix.legacy-driver.instruction', { branch: first.branch }) },
    ];
    return [finding];
  });
}

function xidFindings(context: Context, nvrm: ReadonlyArray<Sourced<NvrmMessage>>): Finding[] {
  const xids = nvrm.filter((n): n is Sourced<Extract<NvrmMessage, { kind: 'xid' }>> => n.message.kind === 'xid');
  const byCode = new Map<number, typeof xids>();
  for (const x of xids) byCode.set(x.message.code, [...(byCode.get(x.message.code) ?? []), x]);
  return [...byCode].map(([code, group]) => {
    const first = group[0]?.message;
    const finding = baseFinding(
      'nvidia-xid',
      xidSeverity(code),
      msg(xidMessageKey(code), { code, count: group.length, pci: first?.pci ?? '?' }),
      linesOf(context, group, 5),
    );
    const bus = first ? Number.parseInt(first.pci.split(':')[2] ?? '', 16) : Number.NaN;
    const gpu = context.gpus.find((g) => g.bus === bus);
    finding.device = gpu ? refOf(gpu) : { name: null, selector: null, description: first?.pci ?? null };
    finding.notes = [msg('diagnosis.nvidia-xid.note', { code })];
    if (code === 79) finding.fixes = [fix('power-first', false), fix('reseat', false), fix('cooling', false)];
    return finding;
  });
}

function notEnumerated(context: Context): Finding[] {
  const pciconf = context.parsed.pciconf;
  const smiNone = context.parsed.nvidiaSmi?.status === 'no-devices';
  if (context.gpus.length > 0 || (!pciconf && !smiNone)) return [];
  const displays = pciconf?.devices.filter(isDisplay) ?? [];
  // Lines pciconf printed that the parser set aside and that name NVIDIA: the card may be there after all.
  const unreadNvidia = (pciconf?.unparsed ?? []).filter((l) => /10de|nvidia/i.test(l.text)).map((l) => l.line);
  const finding = baseFinding(
    'gpu-not-enumerated',
    unreadNvidia.length > 0 ? 'warn' : 'error',
    msg('diagnosis.gpu-not-enumerated.explanation', { count: pciconf?.devices.length ?? 0 }),
    [
      ...displays.flatMap((d) => pciconfLines(context, d, (t) => /^\s+(vendor|device)\s+=/.test(t))),
      ...smiLines(context, /No devices were found/),
      ...context.lines.at('pciconf', unreadNvidia.slice(0, 5)),
    ],
  );
  if (unreadNvidia.length > 0) finding.notes = [msg('diagnosis.gpu-not-enumerated.unread', { count: unreadNvidia.length })];
  finding.fixes = enumerationFixes();
  return [finding];
}

/** Whether the NVIDIA kernel module is loaded, as kldstat (or sysctl's hw.nvidia tree) shows; null when unknown. */
function moduleLoaded(context: Context): boolean | null {
  if (context.parsed.kldstat) return context.parsed.kldstat.some((m) => m.name === 'nvidia.ko');
  if (context.parsed.sysctl) return Object.keys(context.parsed.sysctl).some((k) => k.startsWith('hw.nvidia.') || k.startsWith('dev.nvidia.'));
  return null;
}

function noDriver(context: Context, gpu: Gpu, explained: boolean): Finding | null {
  // A card on ppt(4) is kept from every host driver on purpose (bhyve passthrough): not a fault.
  if (gpu.driver !== null || isReservedForPassthrough(gpu)) return null;
  const loaded = moduleLoaded(context);
  const smi = context.parsed.nvidiaSmi;
  const smiNoDriver = smi?.status === 'no-driver' && !/version mismatch/i.test(smi.message ?? '');
  const packages = context.parsed.packages;
  const notInstalled = packages !== undefined && !packages.some((p) => /^nvidia-driver(-\d+)?$/.test(p.name));
  let key: string;
  if (gpu.pci !== null && gpu.pci.driver === null) key = 'diagnosis.gpu-no-driver.none';
  else if (loaded === false && notInstalled) key = 'diagnosis.gpu-no-driver.notInstalled';
  else if (loaded === false) key = 'diagnosis.gpu-no-driver.notLoaded';
  else if (loaded === true && !explained) key = 'diagnosis.gpu-no-driver.notAttached';
  else if (smiNoDriver && !explained) key = 'diagnosis.gpu-no-driver.smi';
  else return null;
  const evidence = [
    ...(gpu.pci ? pciconfLines(context, gpu.pci, (t) => /^\s+(vendor|device)\s+=/.test(t)) : []),
    ...context.lines.where('kldstat', (t) => /\bnvidia/.test(t) || /^\s*Id\s+Refs/.test(t), 5),
    ...smiLines(context, /NVIDIA-SMI has failed|Failed to initialize NVML|couldn't communicate/),
  ];
  // Before the driver step this is the expected state, not a fault.
  const severity = key === 'diagnosis.gpu-no-driver.notInstalled' ? 'info' : 'error';
  const finding = baseFinding('gpu-no-driver', severity, msg(key, { selector: gpu.selector ?? gpu.name ?? '?', name: gpu.name ?? '?' }), evidence);
  finding.device = refOf(gpu);
  finding.fixes = loaded === false && !notInstalled ? [fix('load-driver', false)] : [fix('install-driver', false), fix('load-driver', false)];
  return finding;
}

/** `explainedBy`: ids of findings already made that explain a driver that did not attach (BARs, legacy branch). */
export function driverFindings(context: Context, explainedBy: ReadonlySet<FindingId>): Finding[] {
  const nvrm = nvrmMessages(context);
  const legacy = legacyFindings(context, nvrm);
  const mismatch = mismatchFindings(context, nvrm);
  const explained = legacy.length > 0 || mismatch.length > 0 || explainedBy.has('pci-bar-alloc-failed');
  const noDrivers = context.gpus.map((gpu) => noDriver(context, gpu, explained)).filter((f): f is Finding => f !== null);
  return [...notEnumerated(context), ...legacy, ...mismatch, ...noDrivers, ...xidFindings(context, nvrm)];
}
