import { msg } from '../../contract/messages';
import type { FileChange } from '../../contract/plan';
import { ConfigEditError } from '../../config/formats/common';
import { pptdevsEntry } from '../../hardware/passthrough';
import { evidenceOf } from '../../wizard/evidence';
import { defineCheck, invoke, type Verdict } from '../../wizard/step';
import { bootFileReads, isVerdict, readBootFiles } from '../boot-files';
import { findNvidiaGpu } from '../gpu-on-bus';
import { LOADER, metaOf } from '../realloc-bars';
import { reservationPlan } from './reservation';
import { passthroughChosen } from './route';

export const RESERVE_CHECK = 'reserve';

const isPpt = (driver: string | null): boolean => driver !== null && /^ppt\d+$/.test(driver);

/**
 * The card reserved for bhyve: the boot files say so (or the check proposes the change), and after a
 * restart `pciconf -l` lists it as `pptN@pci0:…`, which is the proof that ppt(4), not the host's driver, holds it.
 */
export const reserveCheck = defineCheck({
  id: RESERVE_CHECK,
  title: 'reserve.check',
  readOnly: true,
  appliesWhen: passthroughChosen,
  commands: {
    ...bootFileReads,
    pci: invoke('pciconf', { verbose: false, bars: false }),
  },
  evaluate: (runs): Verdict => {
    const reading = readBootFiles(runs.loader, runs.rc);
    if (isVerdict(reading)) return reading;
    const gpu = runs.pci.parsed.ok ? findNvidiaGpu(runs.pci.parsed.value) : undefined;
    const pciEvidence = evidenceOf(runs.pci, (t) => gpu !== undefined && t.includes(`@${gpu.selector}:`));
    if (gpu === undefined) return { status: 'fail', reason: msg('reserve.noGpu'), advice: [], evidence: [evidenceOf(runs.pci)] };
    const entry = pptdevsEntry(gpu.selector);
    if (entry === null) return { status: 'error', reason: msg('reserve.domain', { selector: gpu.selector }), advice: [], evidence: [pciEvidence] };
    const meta = { loader: metaOf(runs.loaderStat), rc: metaOf(runs.rcStat) };
    let plan: FileChange[];
    try {
      plan = reservationPlan(reading, entry, gpu.selector, meta);
    } catch (error) {
      if (!(error instanceof ConfigEditError)) throw error;
      return { status: 'error', reason: msg('reserve.cannotEdit', { detail: error.message }), advice: [], evidence: [evidenceOf(runs.loader)] };
    }
    if (plan.some((change) => change.before !== null && !(change.path === LOADER ? meta.loader : meta.rc))) {
      return { status: 'error', reason: msg('steps.boot.unreadable'), advice: [], evidence: [evidenceOf(runs.loaderStat), evidenceOf(runs.rcStat)] };
    }
    const keys = /^\s*(vmm_load|pptdevs|kld_list|nvidia[-_a-z]*_load)\s*=/;
    const evidence = [pciEvidence, evidenceOf(runs.loader, (t) => keys.test(t)), evidenceOf(runs.rc, (t) => keys.test(t))];
    const params = { selector: gpu.selector, entry, driver: gpu.driver ?? 'none' };
    if (plan.length > 0) return { status: 'fail', reason: msg('reserve.planned', params), advice: [msg('reserve.advice.plan')], evidence, plan };
    if (isPpt(gpu.driver)) return { status: 'pass', reason: msg('reserve.ok', params), advice: [], evidence };
    return { status: 'fail', reason: msg('reserve.waitingRestart', params), advice: [msg('reserve.advice.restart')], evidence };
  },
});
