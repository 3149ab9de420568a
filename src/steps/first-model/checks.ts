import { msg } from '../../contract/messages';
import type { Evidence } from '../../contract/state';
import { benchReport } from '../../bench/report';
import { parseLlamaLog } from '../../bench/llama-log';
import type { LlamaVersion } from '../../commands/llama-commands';
import { joinStreams } from '../../commands/output';
import type { CommandRun } from '../../commands/runner';
import { FIRST_MODEL } from '../../jail/layout';
import { evidenceOf, failureEvidence } from '../../wizard/evidence';
import { defineCheck, invoke, type Invocation, type Verdict } from '../../wizard/step';
import type { LlamaBenchOutput } from '../../bench/llama-bench';
import type { LlamaLog } from '../../bench/llama-log';
import type { NvidiaSmiCsvOutput } from '../../commands/parsers/nvidia-smi-csv';
import { FAIL_TEMPERATURE_C, WARN_TEMPERATURE_C } from '../power-cooling';
import { linkReadings, measuredLink, THERMAL_FIELDS, thermalReading } from './readings';

/**
 * Where llama.cpp runs: the jail (the jail route) or the passthrough guest. The checks, the judgement and the
 * limits are the same; only the commands that reach llama.cpp and the words that name the place differ. The
 * link the benchmark is judged by is always the host's: the guest sees a virtual PCI topology.
 */
export interface LlamaSite {
  /** The checks' ids (a step's check ids are unique, and actions name them). */
  readonly ids: { readonly llama: string; readonly model: string; readonly generation: string; readonly benchmark: string; readonly thermal: string };
  readonly version: Invocation<LlamaVersion>;
  readonly source: Invocation<{ present: boolean }>;
  readonly model: Invocation<{ bytes: number | null }>;
  readonly generate: Invocation<LlamaLog>;
  readonly bench: Invocation<LlamaBenchOutput>;
  readonly thermal: Invocation<NvidiaSmiCsvOutput>;
  /** What builds llama.cpp with CUDA, its source already there or not. */
  readonly build: (sourcePresent: boolean) => Invocation<unknown>[];
  readonly rebuild: () => Invocation<unknown>[];
  readonly fetchModel: () => Invocation<unknown>[];
  /** The place itself is missing (no jail running, no guest yet): that verdict, instead of the llama check's. */
  readonly absent: (run: CommandRun<unknown>) => Verdict | null;
  /** The message keys that name the place. */
  readonly keys: { readonly title: string; readonly missing: string; readonly notBuilt: string; readonly noCuda: string; readonly noDevice: string; readonly fileMissing: string };
}

const jailSite: LlamaSite = {
  ids: { llama: 'llama', model: 'model', generation: 'generation', benchmark: 'benchmark', thermal: 'thermal-load' },
  version: invoke('llamaVersion', {}),
  source: invoke('llamaSource', {}),
  model: invoke('modelSize', {}),
  generate: invoke('llamaGenerate', {}),
  bench: invoke('llamaBench', {}),
  thermal: invoke('nvidiaSmiQuery', { fields: [...THERMAL_FIELDS] }),
  build: (present) => [...(present ? [] : [invoke('llamaFetchSource', {})]), invoke('llamaConfigure', {}), invoke('llamaBuild', {})],
  rebuild: () => [invoke('llamaConfigure', {}), invoke('llamaBuild', {})],
  fetchModel: () => [invoke('modelFetch', {})],
  absent: (run) => (/jail "cuda" not found/.test(run.stderr) ? { status: 'fail', reason: msg('model.llama.noJail'), advice: [], evidence: [failureEvidence(run)] } : null),
  keys: { title: 'model.check.llama', missing: 'model.llama.missing', notBuilt: 'model.llama.notBuilt', noCuda: 'model.llama.noCuda', noDevice: 'model.llama.advice.jail', fileMissing: 'model.file.missing' },
};

const gib = (bytes: number): string => (bytes / 2 ** 30).toFixed(2);

/** llama.cpp is ready for the GPU: built, with CUDA, and CUDA finds the card. */
function ready(run: CommandRun<LlamaVersion>): boolean {
  return run.parsed.ok && run.parsed.value.cudaBuilt && run.parsed.value.devices.length > 0;
}

const modelBytes = (run: CommandRun<{ bytes: number | null }>): number | null => (run.parsed.ok ? run.parsed.value.bytes : null);

const later = (key: string): Verdict => ({ status: 'skip', reason: msg(key), advice: [], evidence: [] });

/** llama.cpp's five checks at `site`: built with CUDA, the model there, a generation on the GPU, the benchmark, the heat. */
export function llamaChecks(site: LlamaSite) {
  const llamaCheck = defineCheck({
    id: site.ids.llama,
    title: site.keys.title,
    readOnly: true,
    explainedBy: ['cuda-cpu-fallback'],
    commands: { version: site.version, source: site.source },
    evaluate: ({ version: run, source: src }): Verdict => {
      const evidence = [evidenceOf(run)];
      const absent = site.absent(run);
      if (absent !== null) return absent;
      if (!run.parsed.ok) {
        const present = src.parsed.ok && src.parsed.value.present;
        return {
          status: 'fail',
          reason: msg(present ? site.keys.notBuilt : site.keys.missing),
          advice: [msg('model.llama.advice.build')],
          evidence: [failureEvidence(run)],
          commands: site.build(present),
        };
      }
      const info = run.parsed.value;
      if (!info.cudaBuilt) {
        return {
          status: 'fail',
          reason: msg(site.keys.noCuda, { version: info.version }),
          advice: [msg('model.llama.advice.rebuild')],
          evidence,
          commands: site.rebuild(),
        };
      }
      const device = info.devices[0];
      if (device === undefined) {
        return { status: 'fail', reason: msg('model.llama.noDevice', { error: info.cudaError ?? '—' }), advice: [msg(site.keys.noDevice)], evidence };
      }
      return { status: 'pass', reason: msg('model.llama.ok', { version: info.version, device: device.name, cc: device.computeCapability }), advice: [], evidence };
    },
  });

  const modelCheck = defineCheck({
    id: site.ids.model,
    title: 'model.check.model',
    readOnly: true,
    commands: { model: site.model },
    evaluate: ({ model: run }): Verdict => {
      const bytes = modelBytes(run);
      if (!run.parsed.ok) return { status: 'error', reason: msg('model.file.unreadable', { detail: run.parsed.error.message }), advice: [], evidence: [failureEvidence(run)] };
      if (bytes === null) {
        return {
          status: 'fail',
          reason: msg(site.keys.fileMissing, { file: FIRST_MODEL.file, gib: gib(FIRST_MODEL.bytes) }),
          advice: [msg('model.file.advice')],
          evidence: [failureEvidence(run)],
          commands: site.fetchModel(),
        };
      }
      return { status: 'pass', reason: msg('model.file.ok', { file: FIRST_MODEL.file, gib: gib(bytes) }), advice: [], evidence: [evidenceOf(run)] };
    },
  });

  const generationCheck = defineCheck({
    id: site.ids.generation,
    title: 'model.check.generation',
    readOnly: false,
    explainedBy: ['cuda-cpu-fallback'],
    commands: { version: site.version, model: site.model, generate: site.generate },
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

  const benchmarkCheck = defineCheck({
    id: site.ids.benchmark,
    title: 'model.check.benchmark',
    readOnly: false,
    explainedBy: ['link-degraded', 'gpu-hot', 'cuda-cpu-fallback'],
    commands: {
      version: site.version,
      model: site.model,
      generate: site.generate,
      bench: site.bench,
      ...linkReadings,
    },
    then: { thermal: site.thermal },
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

  // Issue 3's reading under load: right after the benchmark has worked the card, its temperature and slowdown.
  const thermalLoadCheck = defineCheck({
    id: site.ids.thermal,
    title: 'model.check.thermal',
    readOnly: false,
    explainedBy: ['gpu-hot'],
    commands: { version: site.version, model: site.model, bench: site.bench },
    then: { thermal: site.thermal },
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

  return { llamaCheck, modelCheck, generationCheck, benchmarkCheck, thermalLoadCheck };
}

export const { llamaCheck, modelCheck, generationCheck, benchmarkCheck, thermalLoadCheck } = llamaChecks(jailSite);
