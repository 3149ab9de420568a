import { DEVICE_TREE_ROOTS } from '../commands/catalogue';
import { AuditLog } from '../audit/audit-log';
import type { BenchOptions, BenchOutputs } from '../bench/report';
import { joinStreams } from '../commands/output';
import { CommandRunner, type Elevation } from '../commands/runner';
import type { Host } from '../host/types';
import { measuredLink, THERMAL_FIELDS, thermalReading } from '../steps/first-model/readings';

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
    runner.run('sysctlTree', { roots: [...DEVICE_TREE_ROOTS] }),
  ]);
  if (bench.outcome !== 'ok') {
    const why = bench.refusal !== null ? 'it needs root: run as root, configure sudo or doas, or pass the sudo password with --password-stdin' : (bench.stderr.trim().split('\n').pop() ?? bench.outcome);
    return `llama-bench did not run on ${host.spec}: ${why} (the wizard's "First model and benchmark" step builds llama.cpp and fetches the model)`;
  }
  // Right after the load, as the step reads it.
  const thermal = await runner.run('nvidiaSmiQuery', { fields: [...THERMAL_FIELDS] });
  const heat = thermalReading(thermal);
  return {
    outputs: { llamaBench: bench.stdout, llamaLog: generate.outcome === 'ok' ? joinStreams(generate) : null },
    options: { modelBytes, link: measuredLink(pci, tree), thermal: heat && { temperatureC: heat.temperatureC, slowdown: heat.slowdown } },
  };
}
