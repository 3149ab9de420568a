import { msg, type Message } from '../../contract/messages';
import type { FileChange } from '../../contract/plan';
import { DEBOOTSTRAP_MARKER, JAIL_FSTAB, JAIL_NAME, JAIL_ROOT, UBUNTU_SUITE } from '../../jail/layout';
import { evidenceOf } from '../../wizard/evidence';
import { defineCheck, invoke, type Invocation, type Verdict } from '../../wizard/step';
import { fstabEntries, parseFstab } from '../../config/formats/fstab';
import {
  currentRules,
  devfsRulesChange,
  fstabDevfsChange,
  fstabMountsChange,
  fstabRuleset,
  jailConfChange,
  jailEnableChange,
  linuxEnableChange,
  linuxMounts,
  nvidiaRules,
  readFile,
  rulesetNumber,
} from './jail-files';
import { contentOf } from '../realloc-bars';
import { entriesOf, hasPackage, jailRunning, mountsUnderRoot, nvidiaNodes, read, userlandState } from './reads';

const unreadable = (what: string): Verdict => ({ status: 'error', reason: msg('jail.files.unreadable', { file: what }), advice: [], evidence: [] });
const onlyChanges = (changes: Array<FileChange | null>): FileChange[] => changes.filter((c): c is FileChange => c !== null);

/** The Linux ABI: linux64.ko loaded now (service linux start) and at every boot (linux_enable in rc.conf). */
export const linuxCheck = defineCheck({
  id: 'linux',
  title: 'jail.check.linux',
  readOnly: true,
  commands: { kldstat: invoke('kldstat', {}), rc: read.rc, rcStat: read.rcStat },
  evaluate: ({ kldstat, rc, rcStat }): Verdict => {
    const file = readFile(rc, rcStat);
    if (file === undefined) return unreadable('/etc/rc.conf');
    const loaded = kldstat.parsed.ok && kldstat.parsed.value.modules.some((m) => m.name === 'linux64.ko');
    const plan = onlyChanges([linuxEnableChange(file)]);
    const evidence = [evidenceOf(kldstat, (t) => /linux|^Id /.test(t)), evidenceOf(rc, (t) => /^\s*linux_enable/.test(t))];
    if (loaded && plan.length === 0) return { status: 'pass', reason: msg('jail.linux.ok'), advice: [], evidence };
    return {
      status: 'fail',
      reason: msg(loaded ? 'jail.linux.notAtBoot' : plan.length === 0 ? 'jail.linux.notNow' : 'jail.linux.off'),
      advice: [msg('jail.linux.advice')],
      evidence,
      plan,
      commands: loaded ? [] : [invoke('serviceLinuxStart', {})],
    };
  },
});

/**
 * The Ubuntu userland in the jail root. debootstrap leaves `<root>/debootstrap/` until it has finished, so a
 * root with it is half-built: finished by running debootstrap again, or removed, each only on the user's
 * word; removal is not even proposed while anything is mounted under the root.
 */
export const userlandCheck = defineCheck({
  id: 'userland',
  title: 'jail.check.userland',
  readOnly: true,
  commands: { installed: read.installed, root: read.root, mounts: read.mounts, osRelease: invoke('readOsRelease', {}) },
  evaluate: ({ installed, root, mounts, osRelease }): Verdict => {
    const state = userlandState(root);
    const rootEvidence = evidenceOf(root);
    const tool: Invocation<unknown>[] = hasPackage(installed, 'debootstrap') ? [] : [invoke('pkgInstallTool', { package: 'debootstrap' })];
    const build = [...tool, invoke('debootstrap', {})];
    if (state === 'unknown') return { status: 'error', reason: msg('jail.userland.unreadable', { root: JAIL_ROOT }), advice: [], evidence: [rootEvidence] };
    if (state === 'none') {
      return { status: 'fail', reason: msg('jail.userland.none', { root: JAIL_ROOT, suite: UBUNTU_SUITE }), advice: [msg('jail.userland.advice.rocky')], evidence: [rootEvidence], commands: build };
    }
    if (state === 'half-built') {
      const mounted = mountsUnderRoot(mounts);
      const markerEvidence = evidenceOf(root, (t) => t === DEBOOTSTRAP_MARKER);
      if (mounted === null || mounted.length > 0) {
        return {
          status: 'fail',
          reason: msg('jail.userland.halfBuiltMounted', { root: JAIL_ROOT, mounts: (mounted ?? []).map((m) => m.mountPoint).join(', ') || '?' }),
          advice: [msg('jail.userland.advice.stopFirst', { jail: JAIL_NAME })],
          evidence: [markerEvidence, evidenceOf(mounts, (t) => t.includes(JAIL_ROOT))],
          commands: build,
        };
      }
      return { status: 'fail', reason: msg('jail.userland.halfBuilt', { root: JAIL_ROOT }), advice: [msg('jail.userland.advice.finishOrRemove')], evidence: [markerEvidence], commands: build };
    }
    const values: Record<string, string> = osRelease.parsed.ok ? osRelease.parsed.value.values : {};
    const name = values.PRETTY_NAME ?? values.NAME;
    const releaseEvidence = evidenceOf(osRelease, (t) => /^(PRETTY_NAME|VERSION_CODENAME|ID)=/.test(t));
    if (name === undefined) {
      return { status: 'fail', reason: msg('jail.userland.foreign', { root: JAIL_ROOT }), advice: [msg('jail.userland.advice.foreign')], evidence: [rootEvidence] };
    }
    const ubuntu = values.ID === 'ubuntu' && values.VERSION_CODENAME === UBUNTU_SUITE;
    return {
      status: ubuntu ? 'pass' : 'warn',
      reason: msg(ubuntu ? 'jail.userland.ok' : 'jail.userland.other', { name, root: JAIL_ROOT }),
      advice: [],
      evidence: [releaseEvidence],
    };
  },
});

/** The jail's fstab: linprocfs, linsysfs and a tmpfs for /dev/shm (devfs is the devfs check's), and mounted once it runs. */
export const mountsCheck = defineCheck({
  id: 'mounts',
  title: 'jail.check.mounts',
  readOnly: true,
  commands: { fstab: read.fstab, fstabStat: read.fstabStat, devfsRules: read.devfsRules, jls: read.jls, mounts: read.mounts },
  evaluate: ({ fstab, fstabStat, devfsRules, jls, mounts }): Verdict => {
    const file = readFile(fstab, fstabStat);
    const rules = contentOf(devfsRules);
    if (file === undefined || rules === undefined) return unreadable(JAIL_FSTAB);
    const plan = onlyChanges([fstabMountsChange(file, rulesetNumber(rules))]);
    const fileEvidence = evidenceOf(fstab);
    if (plan.length > 0) return { status: 'fail', reason: msg(file.text === null ? 'jail.mounts.noFstab' : 'jail.mounts.incomplete', { file: JAIL_FSTAB }), advice: [], evidence: [fileEvidence], plan };
    if (!jailRunning(jls)) return { status: 'pass', reason: msg('jail.mounts.okNotRunning', { file: JAIL_FSTAB }), advice: [], evidence: [fileEvidence] };
    const doc = parseFstab(file.text ?? '');
    const wanted = doc.ok ? fstabEntries(doc.value).map((e) => e.mountPoint) : linuxMounts.map((e) => e.mountPoint);
    const mounted = new Set((mountsUnderRoot(mounts) ?? []).map((m) => m.mountPoint));
    const missing = wanted.filter((p) => !mounted.has(p));
    const mountEvidence = evidenceOf(mounts, (t) => t.includes(JAIL_ROOT));
    if (missing.length > 0) {
      return { status: 'fail', reason: msg('jail.mounts.notMounted', { mounts: missing.join(', ') }), advice: [], evidence: [fileEvidence, mountEvidence], commands: [invoke('serviceJailRestart', {})] };
    }
    return { status: 'pass', reason: msg('jail.mounts.ok', { count: wanted.length }), advice: [], evidence: [mountEvidence] };
  },
});

/**
 * The devfs ruleset: exactly the NVIDIA nodes on top of the hide-all/unhide-basic base, loaded, and the
 * jail's /dev mounted with it. When the jail runs, its /dev must show the host's NVIDIA nodes.
 */
export const devfsCheck = defineCheck({
  id: 'devfs',
  title: 'jail.check.devfs',
  readOnly: true,
  commands: { devfsRules: read.devfsRules, devfsRulesStat: read.devfsRulesStat, fstab: read.fstab, fstabStat: read.fstabStat, hostDev: read.hostDev, jailDev: read.jailDev, jls: read.jls },
  evaluate: ({ devfsRules, devfsRulesStat, fstab, fstabStat, hostDev, jailDev, jls }): Verdict => {
    const rules = readFile(devfsRules, devfsRulesStat);
    const fstabFile = readFile(fstab, fstabStat);
    if (rules === undefined || fstabFile === undefined) return unreadable('/etc/devfs.rules');
    const hostNodes = nvidiaNodes(entriesOf(hostDev));
    if (hostNodes.length === 0) return { status: 'skip', reason: msg('jail.devfs.noHostNodes'), advice: [], evidence: [evidenceOf(hostDev, (t) => /^nvidia/.test(t))] };
    const number = rulesetNumber(rules.text);
    const hasUvm = hostNodes.includes('nvidia-uvm');
    const fileChanges = onlyChanges([devfsRulesChange(rules, hasUvm), fstabDevfsChange(fstabFile, number)]);
    const running = jailRunning(jls);
    const seen = nvidiaNodes(entriesOf(jailDev));
    const hidden = hostNodes.filter((n) => !seen.includes(n));
    const ruleEvidence = evidenceOf(devfsRules, (t) => /nvidia|devfsrules_jail_cuda|include/.test(t));
    const nodeEvidence = [evidenceOf(hostDev, (t) => /^nvidia/.test(t)), evidenceOf(jailDev, (t) => /^nvidia/.test(t))];
    const rulesOk = (currentRules(rules.text) ?? []).join('\n') === nvidiaRules(hasUvm).join('\n');
    const mountedWith = fstabRuleset(fstabFile.text);
    const restart: Invocation<unknown>[] = [invoke('serviceDevfsRestart', {}), ...(running ? [invoke('serviceJailRestart', {})] : [])];
    const advice: Message[] = [msg('jail.devfs.advice.exactly', { nodes: hostNodes.join(', ') })];
    if (fileChanges.length > 0 || !rulesOk) {
      const reason = running && hidden.length > 0 ? msg('jail.devfs.hidden', { nodes: hidden.join(', '), jail: JAIL_NAME, ruleset: mountedWith ?? '—' }) : msg('jail.devfs.missing', { number });
      return { status: 'fail', reason, advice, evidence: [ruleEvidence, ...(running ? nodeEvidence : [])], plan: fileChanges, commands: restart };
    }
    if (!running) return { status: 'pass', reason: msg('jail.devfs.okNotRunning', { number }), advice: [], evidence: [ruleEvidence] };
    if (hidden.length > 0) {
      // The file is right but the kernel or the jail's /dev has not caught up: load the rules, remount /dev.
      return { status: 'fail', reason: msg('jail.devfs.notLoaded', { nodes: hidden.join(', '), number }), advice, evidence: [ruleEvidence, ...nodeEvidence], commands: restart };
    }
    const extra = entriesOf(jailDev)?.filter((n) => /^(mem|kmem|io|pci|ada\d|da\d|nvme)/.test(n)) ?? [];
    if (extra.length > 0) return { status: 'fail', reason: msg('jail.devfs.tooBroad', { nodes: extra.join(', ') }), advice, evidence: nodeEvidence, commands: restart };
    return { status: 'pass', reason: msg('jail.devfs.ok', { nodes: seen.join(', '), number }), advice: [], evidence: nodeEvidence };
  },
});

/** The jail.conf block and rc.conf's jail_enable/jail_list, and the jail running (jls). */
export const jailCheck = defineCheck({
  id: 'jail',
  title: 'jail.check.jail',
  readOnly: true,
  commands: { jailConf: read.jailConf, jailConfStat: read.jailConfStat, rc: read.rc, rcStat: read.rcStat, devfsRules: read.devfsRules, root: read.root, jls: read.jls },
  evaluate: ({ jailConf, jailConfStat, rc, rcStat, devfsRules, root, jls }): Verdict => {
    const conf = readFile(jailConf, jailConfStat);
    const rcFile = readFile(rc, rcStat);
    const rules = contentOf(devfsRules);
    if (conf === undefined || rcFile === undefined || rules === undefined) return unreadable('/etc/jail.conf');
    const confChange = jailConfChange(conf, rulesetNumber(rules));
    if (confChange === 'unreadable') {
      return { status: 'fail', reason: msg('jail.jail.confProblem'), advice: [msg('jail.jail.advice.confProblem')], evidence: [evidenceOf(jailConf)] };
    }
    const plan = onlyChanges([confChange, jailEnableChange(rcFile)]);
    const running = jailRunning(jls);
    const jlsEvidence = evidenceOf(jls);
    const ready = userlandState(root) === 'present';
    if (running && plan.length === 0) return { status: 'pass', reason: msg('jail.jail.ok', { jail: JAIL_NAME, root: JAIL_ROOT }), advice: [], evidence: [jlsEvidence] };
    if (!ready) {
      return plan.length === 0
        ? { status: 'skip', reason: msg('jail.jail.later'), advice: [], evidence: [] }
        : { status: 'fail', reason: msg('jail.jail.notConfigured', { jail: JAIL_NAME }), advice: [msg('jail.jail.advice.startLater')], evidence: [evidenceOf(jailConf)], plan };
    }
    return {
      status: 'fail',
      reason: msg(running ? 'jail.jail.configChanged' : plan.length > 0 ? 'jail.jail.notConfigured' : 'jail.jail.stopped', { jail: JAIL_NAME }),
      advice: [],
      evidence: [jlsEvidence, evidenceOf(jailConf, (t) => /cuda|path|fstab|devfs/.test(t))],
      plan,
      commands: [invoke(running ? 'serviceJailRestart' : 'serviceJailStart', {})],
    };
  },
});
