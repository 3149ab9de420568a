import { msg, type Message } from '../../contract/messages';
import type { FileChange } from '../../contract/plan';
import { ConfigEditError } from '../../config/formats/common';
import { getValue, parseShellVars } from '../../config/formats/shell-vars';
import { BHYVE_PACKAGES } from '../../commands/bhyve-commands';
import { GUEST_KEY_PATH } from '../../bhyve/guest-key';
import { guestMemory } from '../../bhyve/guest-template';
import { GUEST_LOG_PATH, GUEST_NAME, SWITCH_NAME, SYSTEM_CONF_PATH, TEMPLATE_PATH, UBUNTU_IMAGE, VM_DIR } from '../../bhyve/layout';
import { bridgeCard } from '../../bhyve/network';
import { pptdevsEntry } from '../../hardware/passthrough';
import { evidenceOf, failureEvidence } from '../../wizard/evidence';
import { defineCheck, invoke, type Invocation, type Verdict } from '../../wizard/step';
import { bySpace } from '../boot-files';
import { findNvidiaGpu } from '../gpu-on-bus';
import type { Read } from '../realloc-bars';
import { readFile } from './jail-files';
import { hasPackage, read } from './reads';
import { passthroughChosen } from './route';
import { guestFilesPlan, vmRcChange } from './vm-files';
import { addressReads, plannedAddress, vmAddressCheck } from './vm-address';

/**
 * The passthrough route's virtual machine, one check per piece in the order they are built: vm-bhyve
 * installed, rc.conf and `vm init`, the guest's template and key, the virtual switch on a wired card, its
 * address (vm-address.ts), the guest created from Ubuntu's cloud image, and the guest running with the card.
 */
export const VM_CHECKS = ['vm-bhyve', 'vm-host', 'vm-template', 'vm-network', 'vm-address', 'vm-guest', 'vm-running'] as const;
export type VmCheckId = (typeof VM_CHECKS)[number];

const vmRead = {
  systemConf: invoke('vmSystemConf', {}),
  template: invoke('readManaged', { path: TEMPLATE_PATH }),
  templateStat: invoke('statManaged', { path: TEMPLATE_PATH }),
  key: invoke('readManaged', { path: GUEST_KEY_PATH }),
  keyStat: invoke('statManaged', { path: GUEST_KEY_PATH }),
  pci: invoke('pciconf', { verbose: false, bars: false }),
  physmem: invoke('sysctl', { key: 'hw.physmem' }),
  images: invoke('vmImages', {}),
  list: invoke('vmList', {}),
  log: invoke('vmLog', {}),
} as const;

/** vm init has run: its settings file exists. Undefined when it could not be read. */
function initialised(run: Read): boolean | undefined {
  return run.parsed.ok ? run.parsed.value.content !== null : undefined;
}

const later = (key: string, params: Record<string, string | number> = {}): Verdict => ({ status: 'skip', reason: msg(key, params), advice: [], evidence: [] });

/** Before `vm init` nothing under vm_dir exists yet: that verdict (or an unreadable system.conf), null once it has run. */
function beforeInit(systemConf: Read, laterKey: string, params: Record<string, string | number> = {}): Verdict | null {
  const ready = initialised(systemConf);
  if (ready === undefined) return unreadable(systemConf, SYSTEM_CONF_PATH);
  return ready ? null : later(laterKey, params);
}
const unreadable = (run: Parameters<typeof failureEvidence>[0], what: string): Verdict => ({
  status: 'error',
  reason: msg('vm.unreadable', { what }),
  advice: [],
  evidence: [failureEvidence(run)],
});

/** A check of the VM: on the passthrough route only. */
const onPassthrough = { readOnly: true, appliesWhen: passthroughChosen } as const;

export const vmBhyveCheck = defineCheck({
  id: 'vm-bhyve',
  title: 'vm.check.bhyve',
  ...onPassthrough,
  commands: { installed: read.installed },
  evaluate: ({ installed }): Verdict => {
    if (!installed.parsed.ok) return unreadable(installed, 'pkg query');
    const missing = BHYVE_PACKAGES.filter((p) => !hasPackage(installed, p));
    const evidence = [evidenceOf(installed, (t) => BHYVE_PACKAGES.some((p) => t.startsWith(`${p}\t`)))];
    if (missing.length === 0) return { status: 'pass', reason: msg('vm.bhyve.ok', { packages: BHYVE_PACKAGES.join(', ') }), advice: [], evidence };
    return { status: 'fail', reason: msg('vm.bhyve.missing', { packages: missing.join(', ') }), advice: [msg('vm.bhyve.advice')], evidence, commands: [invoke('pkgInstallVmBhyve', {})] };
  },
});

/** rc.conf for vm-bhyve and the guest's autostart, then `mkdir /vm` and `vm init`, which need those lines. */
export const vmHostCheck = defineCheck({
  id: 'vm-host',
  title: 'vm.check.host',
  ...onPassthrough,
  commands: { rc: read.rc, rcStat: read.rcStat, systemConf: vmRead.systemConf },
  evaluate: ({ rc, rcStat, systemConf }): Verdict => {
    const file = readFile(rc, rcStat);
    const ready = initialised(systemConf);
    if (file === undefined) return unreadable(rc, '/etc/rc.conf');
    if (ready === undefined) return unreadable(systemConf, SYSTEM_CONF_PATH);
    let plan: FileChange[];
    try {
      plan = [vmRcChange(file)].filter((c): c is FileChange => c !== null);
    } catch (error) {
      if (!(error instanceof ConfigEditError)) throw error;
      return { status: 'error', reason: msg('reserve.cannotEdit', { detail: error.message }), advice: [], evidence: [evidenceOf(rc)] };
    }
    const evidence = [evidenceOf(rc, (t) => /^\s*vm_(enable|dir|list)\s*=/.test(t)), evidenceOf(systemConf)];
    const params = { dir: VM_DIR, name: GUEST_NAME, file: SYSTEM_CONF_PATH };
    if (plan.length === 0 && ready) return { status: 'pass', reason: msg('vm.host.ok', params), advice: [], evidence };
    const commands: Invocation<unknown>[] = ready ? [] : [invoke('mkdirVmDir', {}), invoke('vmInit', {})];
    return { status: 'fail', reason: msg(plan.length > 0 ? 'vm.host.planned' : 'vm.host.notInitialised', params), advice: [], evidence, plan, commands };
  },
});

/** The template the guest is made from (the card's bus/slot/function, its memory) and the wizard's public key. */
export const vmTemplateCheck = defineCheck({
  id: 'vm-template',
  title: 'vm.check.template',
  ...onPassthrough,
  usesGuestKey: true,
  commands: {
    systemConf: vmRead.systemConf,
    template: vmRead.template,
    templateStat: vmRead.templateStat,
    key: vmRead.key,
    keyStat: vmRead.keyStat,
    pci: vmRead.pci,
    physmem: vmRead.physmem,
  },
  evaluate: (runs, context): Verdict => {
    // The template's folder is made by vm init.
    const early = beforeInit(runs.systemConf, 'vm.template.later', { dir: VM_DIR });
    if (early !== null) return early;
    const gpu = runs.pci.parsed.ok ? findNvidiaGpu(runs.pci.parsed.value) : undefined;
    const entry = gpu === undefined ? null : pptdevsEntry(gpu.selector);
    if (gpu === undefined || entry === null) return { status: 'fail', reason: msg('reserve.noGpu'), advice: [], evidence: [evidenceOf(runs.pci)] };
    const physmem = runs.physmem.parsed.ok ? Number(runs.physmem.parsed.value.value) : Number.NaN;
    if (!Number.isFinite(physmem)) return unreadable(runs.physmem, 'hw.physmem');
    const memory = guestMemory(physmem);
    const memoryEvidence = evidenceOf(runs.physmem);
    if (!memory.ok) return { status: 'fail', reason: memory.reason, advice: [], evidence: [memoryEvidence] };
    const key = context.guestPublicKey ?? null;
    if (key === null) return { status: 'error', reason: msg('vm.template.noKey'), advice: [], evidence: [] };
    const template = readFile(runs.template, runs.templateStat);
    const keyFile = readFile(runs.key, runs.keyStat);
    if (template === undefined) return unreadable(runs.template, TEMPLATE_PATH);
    if (keyFile === undefined) return unreadable(runs.key, GUEST_KEY_PATH);
    const plan = guestFilesPlan({ template, key: keyFile }, { passthru: entry, memoryGib: memory.gib, publicKey: key, selector: gpu.selector });
    const params = { entry, selector: gpu.selector, memory: memory.gib, installed: memory.installedGib, template: TEMPLATE_PATH };
    const evidence = [evidenceOf(runs.pci, (t) => t.includes(`@${gpu.selector}:`)), memoryEvidence, evidenceOf(runs.template, (t) => /^\s*(passthru0|memory|wired_memory)=/.test(t))];
    if (plan.length === 0) return { status: 'pass', reason: msg('vm.template.ok', params), advice: [], evidence };
    return { status: 'fail', reason: msg('vm.template.planned', params), advice: [msg('vm.template.advice.key')], evidence, plan };
  },
});

/** The virtual switch, bridged to the wired card pciconf shows; never to Wi-Fi. */
export const vmNetworkCheck = defineCheck({
  id: 'vm-network',
  title: 'vm.check.network',
  ...onPassthrough,
  commands: { systemConf: vmRead.systemConf, pci: vmRead.pci },
  evaluate: ({ systemConf, pci }): Verdict => {
    const early = beforeInit(systemConf, 'vm.network.later');
    if (early !== null) return early;
    if (!pci.parsed.ok) return unreadable(pci, 'pciconf -l');
    const card = bridgeCard(pci.parsed.value);
    if (card.kind === 'none') return { status: 'fail', reason: msg('vm.network.none'), advice: [msg('vm.network.advice.plugIn')], evidence: [evidenceOf(pci, (t) => /class=0x02/.test(t))] };
    if (card.kind === 'wifi-only') {
      const names = card.wifi.map((d) => d.driver ?? d.name).join(', ');
      const lines = new Set(card.wifi.map((d) => d.line));
      return { status: 'fail', reason: msg('vm.network.wifiOnly', { wifi: names }), advice: [msg('vm.network.advice.plugIn')], evidence: [evidenceOf(pci, (_t, n) => lines.has(n))] };
    }
    const text = systemConf.parsed.ok ? (systemConf.parsed.value.content ?? '') : '';
    const doc = parseShellVars(text, { dialect: 'rc' });
    const value = (key: string): string | null => (doc.ok ? getValue(doc.value, key) : null);
    const hasSwitch = bySpace(value('switch_list')).includes(SWITCH_NAME);
    const hasPort = hasSwitch && bySpace(value(`ports_${SWITCH_NAME}`)).includes(card.iface);
    const params = { switch: SWITCH_NAME, iface: card.iface };
    const evidence = [evidenceOf(pci, (_t, n) => n === card.device.line), evidenceOf(systemConf, (t) => /^\s*(switch_list|ports_|type_)/.test(t))];
    if (hasPort) return { status: 'pass', reason: msg('vm.network.ok', params), advice: [], evidence };
    const commands: Invocation<unknown>[] = [...(hasSwitch ? [] : [invoke('vmSwitchCreate', {})]), invoke('vmSwitchAdd', { iface: card.iface })];
    return { status: 'fail', reason: msg('vm.network.planned', params), advice: [], evidence, commands };
  },
});

/** The guest, created from the template, Ubuntu's cloud image and the key (`vm list` names it). */
export const vmGuestCheck = defineCheck({
  id: 'vm-guest',
  title: 'vm.check.guest',
  ...onPassthrough,
  commands: { systemConf: vmRead.systemConf, list: vmRead.list, images: vmRead.images, template: vmRead.template, key: vmRead.key, ...addressReads },
  evaluate: (runs, context): Verdict => {
    const { systemConf, list, images, template, key } = runs;
    const early = beforeInit(systemConf, 'vm.guest.later', { name: GUEST_NAME });
    if (early !== null) return early;
    if (!list.parsed.ok) return unreadable(list, 'vm list');
    const guest = list.parsed.value.guests.find((g) => g.name === GUEST_NAME);
    const params: Record<string, string | number> = { name: GUEST_NAME, release: UBUNTU_IMAGE.release, image: UBUNTU_IMAGE.file };
    if (guest !== undefined) {
      return { status: 'pass', reason: msg('vm.guest.ok', { ...params, memory: guest.memory, cpus: guest.cpus ?? '?' }), advice: [], evidence: [evidenceOf(list, (_t, n) => n === 1 || n === guest.line)] };
    }
    const filesThere = template.parsed.ok && template.parsed.value.content !== null && key.parsed.ok && key.parsed.value.content !== null;
    if (!filesThere) return later('vm.guest.noTemplate', { name: GUEST_NAME, template: TEMPLATE_PATH });
    if (!images.parsed.ok) return unreadable(images, `${VM_DIR}/.img`);
    // The address check says what is wrong with the address; the guest waits for one that works.
    const planned = plannedAddress(runs, context.inputs ?? {});
    if (planned?.plan.ok !== true) return later('vm.guest.noAddress', { name: GUEST_NAME });
    const hasImage = (images.parsed.value.entries ?? []).includes(UBUNTU_IMAGE.file);
    const commands: Invocation<unknown>[] = [...(hasImage ? [] : [invoke('vmImgFetch', {})]), invoke('vmCreate', { network: planned.plan.network })];
    return {
      status: 'fail',
      reason: msg(hasImage ? 'vm.guest.missingHaveImage' : 'vm.guest.missing', params),
      advice: [],
      evidence: [evidenceOf(list), evidenceOf(images)],
      commands,
    };
  },
});

/** What a `fatal;` line of vm-bhyve's log means, from its words. */
function meaningOf(line: string): Message {
  if (/not reserved for passthrough|no ppt device|not available for passthrough/.test(line)) return msg('vm.fatal.notReserved');
  if (/passthrough not supported|no VT-d|amdvi/.test(line)) return msg('vm.fatal.noIommu');
  if (/wire|memory/i.test(line)) return msg('vm.fatal.memory');
  return msg('vm.fatal.other', { log: GUEST_LOG_PATH });
}

/** The log's lines of the guest's last start (each start begins with `initialising`). */
export function lastStart(lines: readonly string[]): string[] {
  let from = 0;
  lines.forEach((line, i) => {
    if (/: initialising$/.test(line)) from = i;
  });
  return lines.slice(from);
}

/** The guest running: `vm list` shows it Running with bhyve's pid. If it ended at once, its log says why. */
export const vmRunningCheck = defineCheck({
  id: 'vm-running',
  title: 'vm.check.running',
  ...onPassthrough,
  commands: { list: vmRead.list, log: vmRead.log },
  evaluate: ({ list, log }): Verdict => {
    const guest = list.parsed.ok ? list.parsed.value.guests.find((g) => g.name === GUEST_NAME) : undefined;
    if (guest === undefined) return later('vm.running.later', { name: GUEST_NAME });
    const params = { name: GUEST_NAME, pid: guest.pid ?? '?', log: GUEST_LOG_PATH };
    const listEvidence = evidenceOf(list, (_t, n) => n === 1 || n === guest.line);
    if (guest.state === 'running') return { status: 'pass', reason: msg('vm.running.ok', params), advice: [], evidence: [listEvidence] };
    const start = [invoke('vmStart', {})];
    const lines = log.parsed.ok ? (log.parsed.value.lines ?? []) : [];
    const fatal = lastStart(lines).find((l) => /\bfatal;/.test(l));
    if (fatal !== undefined) {
      return {
        status: 'fail',
        reason: msg('vm.running.fatal', { ...params, line: fatal.trim() }),
        advice: [meaningOf(fatal)],
        evidence: [listEvidence, evidenceOf(log, (t) => t === fatal)],
        commands: start,
      };
    }
    return { status: 'fail', reason: msg('vm.running.stopped', params), advice: [], evidence: [listEvidence], commands: start };
  },
});

export const vmChecks = [vmBhyveCheck, vmHostCheck, vmTemplateCheck, vmNetworkCheck, vmAddressCheck, vmGuestCheck, vmRunningCheck];
