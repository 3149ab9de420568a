import { msg, type Message } from '../../contract/messages';
import type { Evidence } from '../../contract/state';
import { ollamaBenchReport, warmNote } from '../../bench/ollama-generate';
import { ccText, cpuOnly, cudaCompute, gpuCompute, type OllamaLog, type OllamaSkip } from '../../bench/ollama-log';
import type { OllamaVersion } from '../../commands/ollama-commands';
import type { CommandRun } from '../../commands/runner';
import { getValue, parseShellVars, renderShellVars, setValue } from '../../config/formats/shell-vars';
import { fileChange } from '../../config/plan';
import type { FileChange } from '../../contract/plan';
import { JAIL_NAME } from '../../jail/layout';
import {
  OLLAMA_ADDRESS,
  OLLAMA_CUDA12_DIR,
  OLLAMA_LIB_DIR,
  OLLAMA_LOG,
  OLLAMA_MODEL,
  OLLAMA_RC_SCRIPT,
  OLLAMA_RC_SCRIPT_TEXT,
  OLLAMA_RELEASE,
  OLLAMA_SERVICE,
} from '../../jail/ollama';
import { evidenceAt, evidenceOf, failureEvidence } from '../../wizard/evidence';
import { defineCheck, invoke, type Invocation, type Verdict } from '../../wizard/step';
import { RC } from '../boot-files';
import { readFile, type ReadFile } from '../cuda-jail/jail-files';
import { addedBy } from '../realloc-bars';
import { ollamaChosen } from './runtime';
import { measuredLink, THERMAL_FIELDS, thermalReading, linkReadings } from './readings';

/**
 * ollama as the runtime: installed from its Linux release into the jail, served by an rc.d service on the
 * jail's loopback, a model pulled, and proof from its own words that the P4 does the work (the serve log's
 * "inference compute … library=CUDA compute=6.1", `ollama ps` at 100% GPU), then the benchmark judged
 * against the same limits as llama.cpp's.
 *
 * The Pascal pitfall: recent releases build CUDA only for newer cards, so a Tesla P4 (compute capability
 * 6.1) is skipped and inference falls to the CPU. It is found from evidence, never from a version number:
 * no lib/ollama/cuda_v12 in the installed release, or the serve log's "skipping CUDA device" line.
 */

const read = {
  version: invoke('ollamaVersion', {}),
  libs: invoke('ollamaLibs', {}),
  log: invoke('ollamaLog', {}),
  curl: invoke('jailCurl', {}),
  list: invoke('ollamaList', {}),
  generate: invoke('ollamaGenerate', {}),
  rcScript: invoke('readManaged', { path: OLLAMA_RC_SCRIPT }),
  rcScriptStat: invoke('statManaged', { path: OLLAMA_RC_SCRIPT }),
  rc: invoke('readManaged', { path: RC }),
  rcStat: invoke('statManaged', { path: RC }),
} as const;

const later = (key: string): Verdict => ({ status: 'skip', reason: msg(key), advice: [], evidence: [] });
const installed = (run: CommandRun<OllamaVersion>): OllamaVersion | null => (run.parsed.ok ? run.parsed.value : null);
const serving = (run: CommandRun<OllamaVersion>): boolean => installed(run)?.server != null;
const logOf = (run: CommandRun<{ log: OllamaLog | null }>): OllamaLog | null => (run.parsed.ok ? run.parsed.value.log : null);
const noJail = (run: CommandRun<unknown>): boolean => /jail "cuda" not found/.test(run.stderr);

/** The card's skip lines of the last start, when no CUDA library took a card instead. */
function pascalSkips(log: OllamaLog | null): OllamaSkip[] {
  if (log === null || cudaCompute(log).length > 0) return [];
  return log.skipped;
}

/** The fixes for a skipped Pascal card, in the order to try them. */
export const pascalAdvice = (): Message[] => [
  msg('ollama.fix.release', { release: OLLAMA_RELEASE, dir: OLLAMA_CUDA12_DIR }),
  msg('ollama.fix.build'),
  msg('ollama.fix.vulkan'),
];

/** Installs (or replaces) the release: downloaded, checked for cuda_v12 before anything is changed, extracted. */
function releaseCommands(replace: boolean, restart: boolean): Invocation<unknown>[] {
  return [
    invoke('ollamaFetchRelease', {}),
    invoke('ollamaCheckArchive', {}),
    ...(replace ? [invoke('ollamaRemoveLibs', {})] : []),
    invoke('ollamaExtract', {}),
    ...(restart ? [invoke('ollamaService', { verb: 'restart' })] : []),
  ];
}

const curlCommands = (): Invocation<unknown>[] => [invoke('jailAptUpdate', {}), invoke('jailInstallCurl', {})];

/** The log's lines a verdict rests on, as evidence from the `cat` of the log (whose lines are the file's). */
const logEvidence = (run: CommandRun<unknown>, lines: readonly number[]): Evidence => evidenceAt(run, lines);

export const ollamaInstallCheck = defineCheck({
  id: 'ollama',
  title: 'ollama.check.install',
  readOnly: true,
  appliesWhen: ollamaChosen,
  explainedBy: ['ollama-arch-unsupported'],
  commands: { version: read.version, libs: read.libs, log: read.log, curl: read.curl },
  evaluate: ({ version, libs, log: logRun, curl }): Verdict => {
    if (noJail(version)) return { status: 'fail', reason: msg('model.llama.noJail'), advice: [], evidence: [failureEvidence(version)] };
    const needsCurl = curl.parsed.ok && !curl.parsed.value.present;
    const info = installed(version);
    if (info === null) {
      return {
        status: 'fail',
        reason: msg('ollama.install.missing', { release: OLLAMA_RELEASE }),
        advice: [msg('ollama.install.advice')],
        evidence: [failureEvidence(version)],
        commands: [...(needsCurl ? curlCommands() : []), ...releaseCommands(false, false)],
      };
    }
    const entries = libs.parsed.ok ? libs.parsed.value.entries : null;
    const hasCuda12 = entries?.includes(OLLAMA_CUDA12_DIR) === true;
    const log = logOf(logRun);
    const skips = pascalSkips(log);
    const running = info.server ?? info.client;
    const libsEvidence = evidenceOf(libs, (t) => /^cuda_v\d+$|^vulkan$|^rocm$/.test(t.trim()));
    if (!hasCuda12 || skips.length > 0) {
      const skip = skips[0];
      const reason = skip
        ? msg('ollama.install.skipped', { version: running, device: skip.device, cc: ccText(skip.cc), archs: skip.archs.join(' ') })
        : msg('ollama.install.noCuda12', { version: running, dir: `${OLLAMA_LIB_DIR}/${OLLAMA_CUDA12_DIR}` });
      return {
        status: 'fail',
        reason,
        advice: pascalAdvice(),
        evidence: [libsEvidence, ...(skips.length > 0 ? [logEvidence(logRun, skips.map((s) => s.line))] : [])],
        commands: [...(needsCurl ? curlCommands() : []), ...releaseCommands(true, serving(version))],
      };
    }
    if (needsCurl) {
      return { status: 'fail', reason: msg('ollama.install.noCurl'), advice: [], evidence: [failureEvidence(curl)], commands: curlCommands() };
    }
    return { status: 'pass', reason: msg('ollama.install.ok', { version: running, dir: OLLAMA_CUDA12_DIR }), advice: [], evidence: [evidenceOf(version), libsEvidence] };
  },
});

/** The rc.d script exactly as the wizard writes it (a new file is root's and executable). */
function rcScriptChange(file: ReadFile): FileChange | null {
  if (file.text === OLLAMA_RC_SCRIPT_TEXT) return null;
  return fileChange(OLLAMA_RC_SCRIPT, file.text, OLLAMA_RC_SCRIPT_TEXT, [msg('ollama.reason.rcScript', { jail: JAIL_NAME, log: OLLAMA_LOG })], file.text === null ? { owner: 'root', group: 'wheel', mode: '555' } : file.meta);
}

function rcEnableChange(file: ReadFile): FileChange | null {
  const doc = parseShellVars(file.text ?? '', { dialect: 'rc' });
  if (!doc.ok || getValue(doc.value, 'ollama_cuda_enable') === 'YES') return null;
  const after = renderShellVars(setValue(doc.value, 'ollama_cuda_enable', 'YES', { comment: addedBy(`start ollama serve in the jail ${JAIL_NAME} at boot`) }));
  return fileChange(RC, file.text, after, [msg('ollama.reason.rcEnable')], file.meta);
}

export const ollamaServiceCheck = defineCheck({
  id: 'ollama-service',
  title: 'ollama.check.service',
  readOnly: true,
  appliesWhen: ollamaChosen,
  commands: { version: read.version, rcScript: read.rcScript, rcScriptStat: read.rcScriptStat, rc: read.rc, rcStat: read.rcStat },
  evaluate: ({ version, rcScript, rcScriptStat, rc, rcStat }): Verdict => {
    if (installed(version) === null) return later('ollama.service.later');
    const script = readFile(rcScript, rcScriptStat);
    const rcFile = readFile(rc, rcStat);
    if (script === undefined || rcFile === undefined) return { status: 'error', reason: msg('jail.files.unreadable', { file: OLLAMA_RC_SCRIPT }), advice: [], evidence: [] };
    const plan = [rcScriptChange(script), rcEnableChange(rcFile)].filter((c): c is FileChange => c !== null);
    const running = serving(version);
    const params = { service: OLLAMA_SERVICE, address: OLLAMA_ADDRESS, jail: JAIL_NAME };
    if (running && plan.length === 0) return { status: 'pass', reason: msg('ollama.service.ok', params), advice: [msg('ollama.service.advice.address')], evidence: [evidenceOf(version)] };
    return {
      status: 'fail',
      reason: msg(plan.length > 0 ? 'ollama.service.notConfigured' : 'ollama.service.stopped', params),
      advice: [msg('ollama.service.advice.address')],
      evidence: [failureEvidence(version)],
      plan,
      commands: running ? [] : [invoke('ollamaService', { verb: 'start' })],
    };
  },
});

const hasModel = (run: CommandRun<{ models: string[] }>): boolean => run.parsed.ok && run.parsed.value.models.includes(OLLAMA_MODEL.tag);

export const ollamaModelCheck = defineCheck({
  id: 'ollama-model',
  title: 'ollama.check.model',
  readOnly: true,
  appliesWhen: ollamaChosen,
  commands: { version: read.version, list: read.list },
  evaluate: ({ version, list }): Verdict => {
    if (!serving(version)) return later('ollama.model.later');
    if (!list.parsed.ok) return { status: 'error', reason: msg('model.file.unreadable', { detail: list.parsed.error.message }), advice: [], evidence: [failureEvidence(list)] };
    const gb = (OLLAMA_MODEL.bytes / 1e9).toFixed(1);
    if (!hasModel(list)) {
      return { status: 'fail', reason: msg('ollama.model.missing', { model: OLLAMA_MODEL.tag, gb }), advice: [msg('ollama.model.advice')], evidence: [evidenceOf(list)], commands: [invoke('ollamaPull', {})] };
    }
    return { status: 'pass', reason: msg('ollama.model.ok', { model: OLLAMA_MODEL.tag, gb }), advice: [], evidence: [evidenceOf(list, (t) => t.startsWith('NAME') || t.startsWith(OLLAMA_MODEL.tag))] };
  },
});

/** The proof: ollama's own log says CUDA took the P4 (compute 6.1), and `ollama ps` has the model all on the GPU. */
export const ollamaGpuCheck = defineCheck({
  id: 'ollama-gpu',
  title: 'ollama.check.gpu',
  readOnly: false,
  appliesWhen: ollamaChosen,
  explainedBy: ['ollama-arch-unsupported', 'cuda-cpu-fallback'],
  commands: { version: read.version, list: read.list, generate: read.generate, log: read.log },
  then: { ps: invoke('ollamaPs', {}) },
  evaluate: ({ version, list, generate, log: logRun, ps }): Verdict => {
    if (!serving(version) || !hasModel(list)) return later('ollama.gpu.later');
    if (generate.outcome !== 'ok' || !generate.parsed.ok) {
      return { status: 'fail', reason: msg('ollama.gpu.failed', { detail: generate.parsed.ok ? generate.outcome : generate.parsed.error.message }), advice: [], evidence: [failureEvidence(generate)] };
    }
    const log = logOf(logRun);
    if (log === null) return { status: 'fail', reason: msg('ollama.gpu.noLog', { log: OLLAMA_LOG }), advice: [], evidence: [failureEvidence(logRun)] };
    const cuda = cudaCompute(log);
    const skips = pascalSkips(log);
    const loaded = ps.parsed.ok ? ps.parsed.value.models.find((m) => m.name === OLLAMA_MODEL.tag) : undefined;
    const psEvidence = evidenceOf(ps, (t) => t.startsWith('NAME') || t.startsWith(OLLAMA_MODEL.tag));
    if (skips.length > 0) {
      const skip = skips[0];
      const vulkan = gpuCompute(log)[0];
      return {
        status: 'fail',
        reason: msg(vulkan ? 'ollama.gpu.skippedVulkan' : 'ollama.gpu.skipped', { device: skip?.device ?? '?', cc: ccText(skip?.cc ?? ''), library: vulkan?.library ?? 'cpu' }),
        advice: pascalAdvice(),
        evidence: [logEvidence(logRun, [...skips.map((s) => s.line), ...log.compute.map((c) => c.line)]), psEvidence],
      };
    }
    if (cuda.length === 0) {
      return {
        status: 'fail',
        reason: msg(cpuOnly(log) ? 'ollama.gpu.cpu' : 'ollama.gpu.noCuda'),
        advice: [msg('model.llama.advice.jail')],
        evidence: [logEvidence(logRun, log.compute.map((c) => c.line)), psEvidence],
      };
    }
    const card = cuda[0];
    const evidence = [logEvidence(logRun, [...cuda.map((c) => c.line), ...(log.offloaded ? [log.offloaded.line] : [])]), psEvidence];
    if (loaded === undefined || loaded.gpuPercent < 100) {
      return { status: 'fail', reason: msg('ollama.gpu.partial', { processor: loaded?.processor ?? '—' }), advice: [msg('model.generation.advice.partial')], evidence };
    }
    return { status: 'pass', reason: msg('ollama.gpu.ok', { device: card?.device ?? '?', compute: card?.compute ?? '?', library: card?.library ?? 'CUDA', processor: loaded.processor }), advice: [], evidence };
  },
});

export const ollamaBenchmarkCheck = defineCheck({
  id: 'ollama-benchmark',
  title: 'ollama.check.benchmark',
  readOnly: false,
  appliesWhen: ollamaChosen,
  explainedBy: ['link-degraded', 'gpu-hot', 'ollama-arch-unsupported', 'cuda-cpu-fallback'],
  commands: {
    version: read.version,
    list: read.list,
    generate: read.generate,
    log: read.log,
    ...linkReadings,
  },
  then: { thermal: invoke('nvidiaSmiQuery', { fields: [...THERMAL_FIELDS] }) },
  evaluate: ({ version, list, generate, log, pci, tree, thermal }): Verdict => {
    if (!serving(version) || !hasModel(list)) return later('ollama.bench.later');
    if (generate.outcome !== 'ok' || !generate.parsed.ok) {
      return { status: 'fail', reason: msg('ollama.gpu.failed', { detail: generate.parsed.ok ? generate.outcome : generate.parsed.error.message }), advice: [], evidence: [failureEvidence(generate)] };
    }
    const heat = thermalReading(thermal);
    const result = ollamaBenchReport(generate.parsed.value, {
      modelBytes: OLLAMA_MODEL.bytes,
      link: measuredLink(pci, tree),
      thermal: heat && { temperatureC: heat.temperatureC, slowdown: heat.slowdown },
      log: logOf(log),
    });
    const evidence = [evidenceOf(generate), evidenceOf(thermal)];
    if (!result.ok) return { status: 'error', reason: msg('model.bench.unreadable', { detail: result.message }), advice: [], evidence };
    const { report } = result;
    const tg = report.rows.find((r) => r.kind === 'generation')?.tokensPerSecond ?? 0;
    const pp = report.rows.find((r) => r.kind === 'prompt')?.tokensPerSecond ?? 0;
    return {
      status: report.verdict,
      reason: msg(`model.bench.${report.verdict}`, { tg: tg.toFixed(1), pp: Math.round(pp), share: Math.round((report.ratios.generation ?? 0) * 100) }),
      advice: [...report.causes, ...(report.warm ? [warmNote()] : [])],
      evidence,
      figures: report.figures,
    };
  },
});

export const ollamaChecks = [ollamaInstallCheck, ollamaServiceCheck, ollamaModelCheck, ollamaGpuCheck, ollamaBenchmarkCheck];
