import { AuditLog } from './audit/audit-log';
import type { BenchOptions, BenchOutputs } from './bench/report';
import { joinStreams } from './commands/output';
import { CommandRunner, type Elevation } from './commands/runner';
import { findRootPort, judgeLink } from './hardware/pcie-link';
import type { Host } from './host/types';
import { findNvidiaGpu } from './steps/gpu-on-bus';

/**
 * `egpu-wizard bench --host …`: the benchmark run live through the catalogue — the same commands as the
 * first-model step (llama-cli for the load time, llama-bench, the link from pciconf, then the temperature),
 * judged by the same core as `--from-files`.
 */
export async function benchOnHost(host: Host, elevation: Elevation, modelBytes: number | null): Promise<{ outputs: BenchOutputs; options: BenchOptions } | string> {
  const runner = new CommandRunner(host, new AuditLog(null), () => elevation);
  const [bench, generate, pci, tree] = await Promise.all([
    runner.run('llamaBench', {}),
    runner.run('llamaGenerate', {}),
    runner.run('pciconfCaps', {}),
    runner.run('sysctlTree', { roots: ['dev.vgapci', 'dev.pci', 'dev.pcib'] }),
  ]);
  if (bench.outcome !== 'ok') {
    const why = bench.refusal !== null ? 'it needs root: run as root, configure sudo or doas, or pass the sudo password with --password-stdin' : (bench.stderr.trim().split('\n').pop() ?? bench.outcome);
    return `llama-bench did not run on ${host.spec}: ${why} (the wizard's "First model and benchmark" step builds llama.cpp and fetches the model)`;
  }
  // Right after the load, as the step reads it.
  const thermal = await runner.run('nvidiaSmiQuery', { fields: ['temperature.gpu', 'clocks_throttle_reasons.hw_thermal_slowdown'] });
  const gpu = pci.parsed.ok ? findNvidiaGpu(pci.parsed.value) : undefined;
  const verdict = gpu && pci.parsed.ok ? judgeLink(gpu, findRootPort(gpu, pci.parsed.value, tree.parsed.ok ? tree.parsed.value.values : {}).rootPort) : null;
  const link = verdict !== null && (verdict.kind === 'full' || verdict.kind === 'slow' || verdict.kind === 'narrow') ? { width: verdict.width, gts: verdict.gts } : null;
  const row = thermal.parsed.ok && thermal.parsed.value.status === 'ok' ? thermal.parsed.value.rows[0] : undefined;
  const celsius = row?.['temperature.gpu'];
  return {
    outputs: { llamaBench: bench.stdout, llamaLog: generate.outcome === 'ok' ? joinStreams(generate) : null },
    options: {
      modelBytes,
      link,
      thermal: typeof celsius === 'number' ? { temperatureC: celsius, slowdown: row?.['clocks_throttle_reasons.hw_thermal_slowdown'] === 'Active' } : null,
    },
  };
}
