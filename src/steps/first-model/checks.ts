import { msg } from '../../contract/messages';
import type { Evidence } from '../../contract/state';
import { benchReport } from '../../bench/report';
import { parseLlamaLog } from '../../bench/llama-log';
import type { LlamaVersion } from '../../commands/llama-commands';
import { joinStreams } from '../../commands/output';
import type { CommandRun } from '../../commands/runner';
import { FIRST_MODEL } from '../../jail/layout';
import { evidenceOf, failureEvidence } from '../../wizard/evidence';
import { defineCheck, invoke, type Verdict } from '../../wizard/step';
import { FAIL_TEMPERATURE_C, WARN_TEMPERATURE_C } from '../power-cooling';
import { measuredLink, THERMAL_FIELDS, thermalReading } from './readings';

const version = invoke('llamaVersion', {});
const source = invoke('llamaSource', {});
const model = invoke('modelSize', {});
const generate = invoke('llamaGenerate', {});
const bench = invoke('llamaBench', {});
const thermalAfterLoad = invoke('nvidiaSmiQuery', { fields: [...THERMAL_FIELDS] });

const gib = (bytes: number): string => (bytes / 2 ** 30).toFixed(2);

/** llama.cpp is ready for the GPU: built, with CUDA, and CUDA finds the card. */
function ready(run: CommandRun<LlamaVersion>): boolean {
  return run.parsed.ok && run.parsed.value.cudaBuilt && run.parsed.value.devices.length > 0;
}

const modelBytes = (run: CommandRun<{ bytes: number | null }>): number | null => (run.parsed.ok ? run.parsed.value.bytes : null);

const later = (key: string): Verdict => ({ status: 'skip', reason: msg(key), advice: [], evidence: [] });

export const llamaCheck = defineCheck({
  id: 'llama',
  title: 'model.check.llama',
  readOnly: true,
  explainedBy: ['cuda-cpu-fallback'],
  commands: { version, source },
  evaluate: ({ version: run, source: src }): Verdict => {
    const evidence = [evidenceOf(run)];
    if (/jail "cuda" not found/.test(run.stderr)) return { status: 'fail', reason: msg('model.llama.noJail'), advice: [], evidence: [failureEvidence(run)] };
    if (!run.parsed.ok) {
      const present = src.parsed.ok && src.parsed.value.present;
      return {
        status: 'fail',
        reason: msg(present ? 'model.llama.notBuilt' : 'model.llama.missing'),
        advice: [msg('model.llama.advice.build')],
        evidence: [failureEvidence(run)],
        commands: [...(present ? [] : [invoke('llamaFetchSource', {})]), invoke('llamaConfigure', {}), invoke('llamaBuild', {})],
      };
    }
    const info = run.parsed.value;
    if (!info.cudaBuilt) {
      return {
        status: 'fail',
        reason: msg('model.llama.noCuda', { version: info.version }),
        advice: [msg('model.llama.advice.rebuild')],
        evidence,
        commands: [invoke('llamaConfigure', {}), invoke('llamaBuild', {})],
      };
    }
    const device = info.devices[0];
    if (device === undefined) {
      return { status: 'fail', reason: msg('model.llama.noDevice', { error: info.cudaError ?? '—' }), advice: [msg('model.llama.advice.jail')], evidence };
    }
    return { status: 'pass', reason: msg('model.llama.ok', { version: info.version, device: device.name, cc: device.computeCapability }), advice: [], evidence };
  },
});

export const modelCheck = defineCheck({
  id: 'model',
  title: 'model.check.model',
  readOnly: true,
  commands: { model },
  evaluate: ({ model: run }): Verdict => {
    const bytes = modelBytes(run);
    if (!run.parsed.ok) return { status: 'error', reason: msg('model.file.unreadable', { detail: run.parsed.error.message }), advice: [], evidence: [failureEvidence(run)] };
    if (bytes === null) {
      return {
        status: 'fail',
        reason: msg('model.file.missing', { file: FIRST_MODEL.file, gib: gib(FIRST_MODEL.bytes) }),
        advice: [msg('model.file.advice')],
        evidence: [failureEvidence(run)],
        commands: [invoke('modelFetch', {})],
      };
    }
    return { status: 'pass', reason: msg('model.file.ok', { file: FIRST_MODEL.file, gib: gib(bytes) }), advice: [], evidence: [evidenceOf(run)] };
  },
});

export const generationCheck = defineCheck({
  id: 'generation',
  title: 'model.check.generation',
  readOnly: false,
  explainedBy: ['cuda-cpu-fallback'],
  commands: { version, model, generate },
  evaluate: ({ version: v, model: m, generate: run }): Verdict => {
    if (!ready(v) || modelBytes(m) === null) return later('model.generation.later');
    const log = parseLlamaLog(joinStreams(run));
    if (run.outcome !== 'ok' || !log.ok) {
      return { status: 'fail', reason: msg('model.generation.failed', { code: run.exitCode ?? '—' }), advice: [], evidence: [failureEvidence(run)] };
    }
    const { offloaded, generationTokensPerSecond: tps, loadMs } = log.value;
    // The lines the verdict rests on: the CUDA device, the offload, the load and eval times.
    const picked = new Set(Object.values(log.value.lines).flatMap((l) => (Array.isArray(l) ? l : l === null ? [] : [l])));
    const all = failureEvidence(run);
    const evidence: Evidence[] = [{ ...all, lines: all.lines.filter((l) => picked.has(l.n) || /^load_tensors: offloaded|eval time|load time/.test(l.text)) }];
    if (offloaded === null || offloaded.layers < offloaded.total) {
      return {
        status: 'fail',
        reason: msg('model.generation.partial', { layers: offloaded?.layers ?? 0, total: offloaded?.total ?? '?' }),
        advice: [msg('model.generation.advice.partial')],
        evidence,
      };
    }
    return {
      status: 'pass',
      reason: msg('model.generation.ok', { layers: offloaded.layers, tps: (tps ?? 0).toFixed(1), seconds: ((loadMs ?? 0) / 1000).toFixed(1) }),
      advice: [],
      evidence,
    };
  },
});

export const benchmarkCheck = defineCheck({
  id: 'benchmark',
  title: 'model.check.benchmark',
  readOnly: false,
  explainedBy: ['link-degraded', 'gpu-hot', 'cuda-cpu-fallback'],
  commands: {
    version,
    model,
    generate,
    bench,
    pci: invoke('pciconfCaps', {}),
    tree: invoke('sysctlTree', { roots: ['dev.vgapci', 'dev.pci', 'dev.pcib'] }),
  },
  then: { thermal: thermalAfterLoad },
  evaluate: ({ version: v, model: m, generate: gen, bench: run, pci, tree, thermal }): Verdict => {
    if (modelBytes(m) === null || !v.parsed.ok) return later('model.bench.later');
    if (run.outcome !== 'ok' || !run.parsed.ok) {
      return { status: 'fail', reason: msg('model.bench.failed', { detail: run.parsed.ok ? run.outcome : run.parsed.error.message }), advice: [], evidence: [failureEvidence(run)] };
    }
    const heat = thermalReading(thermal);
    const result = benchReport(
      { llamaBench: run.stdout, llamaLog: gen.outcome === 'ok' ? joinStreams(gen) : null },
      { modelBytes: modelBytes(m), link: measuredLink(pci, tree), thermal: heat && { temperatureC: heat.temperatureC, slowdown: heat.slowdown } },
    );
    const evidence = [evidenceOf(run, (t) => t.startsWith('|') || t.startsWith('build:')), evidenceOf(thermal)];
    if (!result.ok) return { status: 'error', reason: msg('model.bench.unreadable', { detail: result.message }), advice: [], evidence };
    const { report } = result;
    const tg = report.bench.rows.find((r) => r.kind === 'generation')?.tokensPerSecond ?? 0;
    const pp = report.bench.rows.find((r) => r.kind === 'prompt')?.tokensPerSecond ?? 0;
    return {
      status: report.verdict,
      reason: msg(`model.bench.${report.verdict}`, { tg: tg.toFixed(1), pp: Math.round(pp), share: Math.round((report.ratios.generation ?? 0) * 100) }),
      advice: report.causes,
      evidence,
      figures: report.figures,
    };
  },
});

/** Issue 3's reading under load: right after the benchmark has worked the card, its temperature and slowdown. */
export const thermalLoadCheck = defineCheck({
  id: 'thermal-load',
  title: 'model.check.thermal',
  readOnly: false,
  explainedBy: ['gpu-hot'],
  commands: { version, model, bench },
  then: { thermal: thermalAfterLoad },
  evaluate: ({ version: v, model: m, bench: run, thermal }): Verdict => {
    if (!ready(v) || modelBytes(m) === null || run.outcome !== 'ok') return later('model.thermal.later');
    const heat = thermalReading(thermal);
    const evidence = [evidenceOf(thermal)];
    if (heat === null) return { status: 'warn', reason: msg('steps.power.thermal.noReading'), advice: [], evidence };
    const celsius = heat.temperatureC;
    const params = { celsius, watts: heat.watts === null ? '?' : heat.watts.toFixed(0) };
    const advice = [msg('steps.power.thermal.advice.fan'), msg('steps.power.thermal.advice.airflow')];
    if (celsius > FAIL_TEMPERATURE_C || heat.slowdown) {
      return { status: 'fail', reason: msg('model.thermal.hot', params), advice, evidence };
    }
    if (celsius > WARN_TEMPERATURE_C) return { status: 'warn', reason: msg('model.thermal.warm', params), advice, evidence };
    return { status: 'pass', reason: msg('model.thermal.ok', params), advice: [], evidence };
  },
});
