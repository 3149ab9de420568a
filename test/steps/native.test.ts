import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { CommandRunner } from '../../src/commands/runner';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { ollamaPkg, vulkanTools } from '../../src/host/simulated/scenarios/freebsd-packages';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';
import { nativeCheck } from '../../src/steps/first-model/native-check';
import { CheckRound } from '../../src/wizard/run-checks';

async function verdict(packages: 'none' | 'ollama' | 'ollama+vulkan-tools') {
  const scenario = loadScenario('x220-ollama');
  if (packages !== 'none') scenario.packages.push(structuredClone(ollamaPkg));
  if (packages === 'ollama+vulkan-tools') scenario.packages.push(structuredClone(vulkanTools));
  const runner = new CommandRunner(new SimulatedHost(scenario, { timeScale: 0 }), new AuditLog(null), () => ({ method: 'sudo', password: 'demo' }));
  return (await new CheckRound(runner, {}).check(nativeCheck, { passwordVerified: true })).verdict;
}

describe('the no-jail way (FreeBSD’s own ollama / llama.cpp, through Vulkan)', () => {
  it('is skipped while not installed, naming what the repository offers', async () => {
    const v = await verdict('none');
    expect(v).toMatchObject({ status: 'skip', reason: { key: 'ollama.native.offered', params: { packages: 'llama-cpp 8895_1, ollama 0.23.3_1' } } });
  });

  it('installed without vulkaninfo: a warning that says what to add', async () => {
    expect((await verdict('ollama')).reason).toMatchObject({ key: 'ollama.native.noVulkaninfo', params: { packages: 'ollama 0.23.3_1' } });
  });

  it('installed, and vulkaninfo --summary lists the P4 on the NVIDIA driver: pass, with the device lines as evidence', async () => {
    const v = await verdict('ollama+vulkan-tools');
    expect(v).toMatchObject({ status: 'pass', reason: { key: 'ollama.native.ok', params: { device: 'Tesla P4', driver: 'NVIDIA' } } });
    expect(v.evidence[0]?.lines.map((l) => l.text.trim())).toContain('deviceName         = Tesla P4');
  });
});
