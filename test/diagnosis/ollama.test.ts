import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { CommandRunner } from '../../src/commands/runner';
import { diagnoseHost } from '../../src/diagnosis/collect';
import { diagnoseOutputs } from '../../src/diagnosis/engine';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';

const own = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'outputs', name), 'utf8');
const diagnose = (name: string) => diagnoseOutputs({ outputs: [{ source: 'ollama-log', text: own(name), origin: name }] });

describe('findings from ollama’s serve log', () => {
  it('a skipped Pascal card is ollama-arch-unsupported, an error, with the skip line (1-based) as evidence and the fixes in order', () => {
    const { findings, sources } = diagnose('ollama-serve-p4-pascal-skipped.log.txt');
    expect(sources).toEqual(['ollama-log']);
    const arch = findings.find((f) => f.id === 'ollama-arch-unsupported');
    expect(arch).toMatchObject({ severity: 'error', device: { description: 'Tesla P4' } });
    expect(arch?.evidence).toEqual([{ source: 'ollama-log', line: 6, text: expect.stringContaining('msg="skipping CUDA device — compute capability not in compiled architectures" device="Tesla P4" cc=610') }]);
    expect(arch?.explanation.params).toMatchObject({ cc: '6.1', archs: expect.stringContaining('7.5, 8.0') });
    expect(arch?.fixes.map((f) => f.id)).toEqual(['ollama-release', 'ollama-build', 'ollama-vulkan']);
    expect(arch?.fixes[2]?.risk?.key).toBe('diagnosis.fix.ollama-vulkan.risk');
    // The only inference compute left is the processor: that is the CPU fallback too, after the cause.
    expect(findings.map((f) => f.id)).toEqual(['ollama-arch-unsupported', 'cuda-cpu-fallback']);
    expect(findings[1]?.evidence.map((e) => e.line)).toEqual([6, 7]);
  });

  it('a card CUDA skipped but Vulkan took is only a warning: it works, slower', () => {
    const { findings } = diagnose('ollama-serve-p4-vulkan.log.txt');
    expect(findings.map((f) => [f.id, f.severity])).toEqual([['ollama-arch-unsupported', 'warn']]);
    expect(findings[0]?.explanation).toMatchObject({ key: 'diagnosis.ollama-arch-unsupported.vulkan', params: { library: 'Vulkan' } });
    expect(findings[0]?.evidence.map((e) => e.line)).toEqual([4, 5]);
  });

  it('a log whose only inference compute is library=cpu gives cuda-cpu-fallback', () => {
    const { findings } = diagnose('ollama-serve-cpu-only.log.txt');
    expect(findings.map((f) => [f.id, f.severity])).toEqual([['cuda-cpu-fallback', 'warn']]);
    expect(findings[0]?.title.key).toBe('diagnosis.cuda-cpu-fallback.ollama.title');
    expect(findings[0]?.evidence).toEqual([{ source: 'ollama-log', line: 7, text: expect.stringContaining('library=cpu') }]);
  });

  it.each(['ollama-serve-p4-cuda.log.txt', 'ollama-serve-p4-2025.log.txt', 'ollama-serve-p4-restarted.log.txt'])('a healthy log (%s: CUDA, compute 6.1, the Tesla P4) gives no error or warning', (name) => {
    const { findings, unreadable } = diagnose(name);
    expect(unreadable).toEqual([]);
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});

describe('the live diagnosis reads ollama’s serve log where ollama is installed in the jail', () => {
  const machine = async (scenario: string) => {
    const host = new SimulatedHost(loadScenario(scenario), { timeScale: 0 });
    return new CommandRunner(host, new AuditLog(null), () => ({ method: 'sudo', password: 'demo' }));
  };

  it('x220-ollama-pascal: the skipped P4 is found on the host, with the log’s line', async () => {
    const { diagnosis } = await diagnoseHost(await machine('x220-ollama-pascal'));
    expect(diagnosis.sources).toContain('ollama-log');
    const arch = diagnosis.findings.find((f) => f.id === 'ollama-arch-unsupported');
    expect(arch?.severity).toBe('error');
    expect(arch?.evidence[0]?.text).toMatch(/skipping CUDA device .* device="Tesla P4" cc=610/);
  });

  it('x220-ollama (not installed yet): no log, no source, no finding about ollama', async () => {
    const { diagnosis } = await diagnoseHost(await machine('x220-ollama'));
    expect(diagnosis.sources).not.toContain('ollama-log');
    expect(diagnosis.unreadable).toEqual([]);
    expect(diagnosis.findings.map((f) => f.id)).not.toContain('ollama-arch-unsupported');
  });
});
