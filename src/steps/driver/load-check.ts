import { msg, type Message } from '../../contract/messages';
import type { FileChange } from '../../contract/plan';
import { renderShellVars } from '../../config/formats/shell-vars';
import { fileChange } from '../../config/plan';
import { evidenceOf } from '../../wizard/evidence';
import { defineCheck, invoke, type Invocation, type Verdict } from '../../wizard/step';
import { isVerdict, loadsDriverAtBoot, RC, readBootFiles, withDriverInKldList } from '../boot-files';
import { LOADER, metaOf } from '../realloc-bars';
import { installedDriver } from './branch-check';

/**
 * The driver must be loaded now (so the next checks can prove it) and at every boot (so it still works
 * after a restart). Loading now is kldload; at boot, nvidia-modeset in rc.conf's kld_list, unless the
 * user already loads it from loader.conf, which the wizard then leaves alone.
 */
export const loadCheck = defineCheck({
  id: 'loaded',
  title: 'steps.driver.check.loaded',
  readOnly: true,
  commands: {
    installed: invoke('pkgQuery', {}),
    kldstat: invoke('kldstat', {}),
    loader: invoke('readManaged', { path: LOADER }),
    rc: invoke('readManaged', { path: RC }),
    rcStat: invoke('statManaged', { path: RC }),
  },
  evaluate: ({ installed, kldstat, loader, rc, rcStat }): Verdict => {
    const driver = installedDriver(installed.parsed.ok ? installed.parsed.value.packages : []);
    const kldEvidence = evidenceOf(kldstat, (t) => /nvidia/.test(t) || /^Id /.test(t));
    if (driver === undefined) return { status: 'skip', reason: msg('steps.driver.loaded.later'), advice: [], evidence: [] };
    const files = readBootFiles(loader, rc);
    if (isVerdict(files)) return files;
    const modules = kldstat.parsed.ok ? kldstat.parsed.value.modules.map((m) => m.name) : [];
    const loadedNow = modules.includes('nvidia.ko');
    const atBoot = loadsDriverAtBoot(files);
    const fileEvidence = [evidenceOf(rc, (t) => /^\s*kld_list=/.test(t)), evidenceOf(loader, (t) => /^\s*nvidia/.test(t))];

    const plan: FileChange[] = [];
    const reasons: Message[] = [];
    if (!atBoot) {
      const change = fileChange(RC, files.rcText, renderShellVars(withDriverInKldList(files.rc)), [msg('steps.boot.reason.kldList', { driver: `${driver.name}-${driver.version}` })], files.rcText === null ? undefined : metaOf(rcStat));
      if (change !== null) plan.push(change);
      reasons.push(msg('steps.driver.loaded.notAtBoot'));
    }
    const commands: Invocation<unknown>[] = loadedNow ? [] : [invoke('kldload', { module: 'nvidia-modeset' })];
    if (!loadedNow) reasons.push(msg('steps.driver.loaded.notNow'));
    if (plan.length === 0 && commands.length === 0) {
      return { status: 'pass', reason: msg('steps.driver.loaded.ok'), advice: [], evidence: [kldEvidence, ...fileEvidence] };
    }
    return {
      status: 'fail',
      reason: msg(loadedNow ? 'steps.driver.loaded.onlyNow' : atBoot ? 'steps.driver.loaded.onlyAtBoot' : 'steps.driver.loaded.neither'),
      advice: reasons,
      evidence: [kldEvidence, ...fileEvidence],
      plan,
      commands,
    };
  },
});
