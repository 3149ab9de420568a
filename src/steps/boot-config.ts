import { msg, type Message } from '../contract/messages';
import type { FileChange } from '../contract/plan';
import { fileChange } from '../config/plan';
import { getValue, parseShellVars, renderShellVars, setValue } from '../config/formats/shell-vars';
import { evidenceOf } from '../wizard/evidence';
import { defineCheck, invoke, type StepDefinition, type Verdict } from '../wizard/step';
import { findNvidiaGpu, pciconfLvb } from './gpu-on-bus';
import { bootFileReads, bySpace, isVerdict, loadsFromLoader, RC, readBootFiles, withDriverInKldList } from './boot-files';
import { addedBy, LOADER, metaOf, reallocBarsChange } from './realloc-bars';
import { reservedInLoader } from './cuda-jail/reservation';

const proposalCheck = defineCheck({
  id: 'proposal',
  title: 'steps.boot.check.proposal',
  readOnly: true,
  commands: {
    ...bootFileReads,
    packages: invoke('pkgQuery', {}),
    pci: pciconfLvb,
  },
  evaluate: (runs): Verdict => {
    const reading = readBootFiles(runs.loader, runs.rc);
    if (isVerdict(reading)) return reading;
    const { loader, rc } = reading;
    let newLoader = loader;
    let newRc = rc;
    const loaderReasons: Message[] = [];
    const rcReasons: Message[] = [];
    const notes: Message[] = [];

    // Only on evidence: the GPU is on the bus but some of its memory ranges got no address.
    const gpu = runs.pci.parsed.ok ? findNvidiaGpu(runs.pci.parsed.value) : undefined;
    const unassigned = gpu?.bars.some((bar) => !bar.enabled || /^0x0+$/.test(bar.base)) ?? false;
    const realloc = unassigned ? reallocBarsChange(runs.loader, runs.loaderStat, gpu?.selector ?? '?') : null;
    if (realloc) {
      const reparsed = parseShellVars(realloc.after, { dialect: 'loader' });
      if (reparsed.ok) newLoader = reparsed.value;
      loaderReasons.push(...realloc.reasons);
    }

    // CUDA runs in a Linux jail: the Linux ABI must be on.
    if ((getValue(rc, 'linux_enable') ?? '').toUpperCase() !== 'YES') {
      newRc = setValue(newRc, 'linux_enable', 'YES', { comment: addedBy('the Linux ABI, for CUDA in a Linux jail') });
      rcReasons.push(msg('steps.boot.reason.linux'));
    }

    const packages = runs.packages.parsed.ok ? runs.packages.parsed.value.packages : [];
    const driver = packages.find((p) => /^nvidia-driver(-\d+)?$/.test(p.name));
    if (loadsFromLoader(loader)) {
      notes.push(msg('steps.boot.note.loaderConvention'));
    } else if (gpu !== undefined && reservedInLoader(loader, gpu.selector)) {
      // The passthrough route keeps the host's driver off the card; adding it back would undo that.
      notes.push(msg('reserve.note.bootConfig', { selector: gpu.selector }));
    } else if (!driver) {
      notes.push(msg('steps.boot.note.driverLater'));
    } else if (!bySpace(getValue(rc, 'kld_list')).includes('nvidia-modeset')) {
      newRc = withDriverInKldList(newRc);
      rcReasons.push(msg('steps.boot.reason.kldList', { driver: `${driver.name}-${driver.version}` }));
    }

    const loaderMeta = metaOf(runs.loaderStat);
    const rcMeta = metaOf(runs.rcStat);
    const plan: FileChange[] = [
      fileChange(LOADER, reading.loaderText, renderShellVars(newLoader), loaderReasons, reading.loaderText === null ? undefined : loaderMeta),
      fileChange(RC, reading.rcText, renderShellVars(newRc), rcReasons, reading.rcText === null ? undefined : rcMeta),
    ].filter((change): change is FileChange => change !== null);
    if (plan.some((change) => change.before !== null && !(change.path === LOADER ? loaderMeta : rcMeta))) {
      return { status: 'error', reason: msg('steps.boot.unreadable'), advice: [], evidence: [evidenceOf(runs.loaderStat), evidenceOf(runs.rcStat)] };
    }
    const keys = /^(hw\.pci\.realloc_bars|linux_enable|kld_list|nvidia[-_a-z]*_load)=/;
    const evidence = [evidenceOf(runs.loader, (t) => keys.test(t)), evidenceOf(runs.rc, (t) => keys.test(t))];
    if (plan.length === 0) return { status: 'pass', reason: msg('steps.boot.proposal.none'), advice: notes, evidence };
    return {
      status: 'warn',
      reason: msg('steps.boot.proposal.some', { count: loaderReasons.length + rcReasons.length }),
      advice: notes,
      evidence,
      plan,
    };
  },
});

const inForceCheck = defineCheck({
  id: 'in-force',
  title: 'steps.boot.check.inForce',
  readOnly: true,
  commands: {
    loader: invoke('readManaged', { path: LOADER }),
    rc: invoke('readManaged', { path: RC }),
    kenv: invoke('kenv', {}),
    kldstat: invoke('kldstat', {}),
  },
  evaluate: (runs): Verdict => {
    const reading = readBootFiles(runs.loader, runs.rc);
    if (isVerdict(reading)) return reading;
    const waiting: string[] = [];
    if (getValue(reading.loader, 'hw.pci.realloc_bars') === '1') {
      const inKenv = runs.kenv.parsed.ok ? runs.kenv.parsed.value.values['hw.pci.realloc_bars'] : undefined;
      if (inKenv !== '1') waiting.push('hw.pci.realloc_bars=1');
    }
    const modules = runs.kldstat.parsed.ok ? runs.kldstat.parsed.value.modules.map((m) => m.name) : [];
    if ((getValue(reading.rc, 'linux_enable') ?? '').toUpperCase() === 'YES' && !modules.some((m) => /^linux(64)?\.ko$/.test(m))) {
      waiting.push('linux_enable');
    }
    for (const word of bySpace(getValue(reading.rc, 'kld_list'))) {
      if (/^nvidia/.test(word) && !modules.includes(`${word}.ko`)) waiting.push(`kld_list: ${word}`);
    }
    const evidence = [evidenceOf(runs.kldstat, (t) => /linux|nvidia/.test(t)), evidenceOf(runs.kenv, (t) => t.startsWith('hw.pci.'))];
    if (waiting.length === 0) return { status: 'pass', reason: msg('steps.boot.inForce.ok'), advice: [], evidence };
    return { status: 'warn', reason: msg('steps.boot.inForce.waiting', { settings: waiting.join(', ') }), advice: [msg('steps.boot.inForce.advice')], evidence };
  },
});

export const bootConfigStep: StepDefinition = {
  id: 'boot-config',
  title: 'steps.boot.title',
  intro: 'steps.boot.intro',
  instructions: ['steps.boot.instructions.convention', 'steps.boot.instructions.safety'],
  illustration: null,
  checklist: [],
  checks: [proposalCheck, inForceCheck],
  actions: [
    {
      id: 'apply',
      title: 'steps.boot.action.apply.title',
      description: 'steps.boot.action.apply.description',
      after: 'steps.boot.action.apply.after',
      commands: [],
      appliesPlanOf: 'proposal',
      offeredWhen: (checks) => checks.proposal === 'warn',
    },
    {
      id: 'restart',
      title: 'steps.adapter.action.restart.title',
      description: 'steps.boot.action.restart.description',
      after: 'steps.adapter.action.restart.after',
      commands: [invoke('restart', {})],
      offeredWhen: (checks) => checks.proposal === 'pass' && checks['in-force'] === 'warn',
    },
  ],
};
