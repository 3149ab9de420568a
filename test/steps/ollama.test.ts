import { describe, expect, it } from 'vitest';
import { catalogue } from '../../src/commands/catalogue';
import type { CommandRun } from '../../src/commands/runner';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';
import { firstModelStep } from '../../src/steps/first-model';
import type { WizardState } from '../../src/contract/state';
import { OLLAMA_LOG, OLLAMA_RC_SCRIPT, OLLAMA_RC_SCRIPT_TEXT } from '../../src/jail/ollama';
import { atFirstModel, files } from './walk';

const check = (state: WizardState, id: string) => state.current.checks.find((c) => c.id === id);
const action = (state: WizardState, id: string) => state.current.actions.find((a) => a.id === id);
const statuses = (state: WizardState) => Object.fromEntries(state.current.checks.map((c) => [c.id, c.status]));
const offered = (state: WizardState) => state.current.actions.filter((a) => a.offered).map((a) => a.id);
const programs = (state: WizardState, id: string) => action(state, id)?.commands.map((c) => c.argv.slice(0, c.argv[0] === 'jexec' ? 4 : 2).join(' '));

async function chooseOllama(scenario: string) {
  const walk = await atFirstModel(scenario);
  const state = await walk.call('wizard:setInput', { stepId: 'first-model', inputId: 'runtime', value: 1 });
  return { ...walk, state };
}

describe('the first-model step with ollama', () => {
  it('offers llama.cpp by default and runs only the chosen runtime’s checks', async () => {
    const { call } = await atFirstModel('x220-ollama');
    let state = await call('wizard:runChecks', { stepId: 'first-model' });
    expect(state.current.inputs.find((i) => i.id === 'runtime')).toMatchObject({ value: 0, choices: [{ value: 0 }, { value: 1 }] });
    expect(Object.keys(statuses(state))).toEqual(['llama', 'model', 'generation', 'benchmark', 'thermal-load', 'native']);
    state = await call('wizard:setInput', { stepId: 'first-model', inputId: 'runtime', value: 1 });
    expect(Object.keys(statuses(state))).toEqual(['ollama', 'ollama-service', 'ollama-model', 'ollama-gpu', 'ollama-benchmark', 'native']);
    expect(offered(state)).not.toContain('build');
  });

  it('x220-ollama: installs curl and a release with cuda_v12, sets up the service, pulls the model, proves the P4 does the work and benchmarks it', async () => {
    const { call, host, state: first } = await chooseOllama('x220-ollama');
    let state = first;
    expect(statuses(state)).toEqual({ ollama: 'fail', 'ollama-service': 'skip', 'ollama-model': 'skip', 'ollama-gpu': 'skip', 'ollama-benchmark': 'skip', native: 'skip' });
    expect(check(state, 'ollama')?.reason?.key).toBe('ollama.install.missing');
    expect(offered(state)).toEqual(['ollama-install']);
    // The archive is checked for cuda_v12 before anything is extracted.
    expect(programs(state, 'ollama-install')).toEqual(['jexec cuda apt-get update', 'jexec cuda apt-get install', 'fetch -o', 'tar -t', 'tar -x']);
    expect(action(state, 'ollama-install')?.commands[3]?.argv.at(-1)).toBe('lib/ollama/cuda_v12');

    state = await call('wizard:runAction', { stepId: 'first-model', actionId: 'ollama-install', confirmed: true });
    expect(check(state, 'ollama')).toMatchObject({ status: 'pass', reason: { key: 'ollama.install.ok', params: { version: '0.30.10' } } });
    expect(check(state, 'ollama-service')?.status).toBe('fail');
    const service = action(state, 'ollama-service');
    expect(service?.files.map((f) => f.path)).toEqual([OLLAMA_RC_SCRIPT, '/etc/rc.conf']);
    expect(service?.files[1]?.diff).toContain('+ollama_cuda_enable="YES"');
    expect(service?.commands.map((c) => c.argv)).toContainEqual(['service', 'ollama_cuda', 'start']);

    state = await call('wizard:runAction', { stepId: 'first-model', actionId: 'ollama-service', confirmed: true });
    expect(files(host())[OLLAMA_RC_SCRIPT]).toBe(OLLAMA_RC_SCRIPT_TEXT);
    expect(check(state, 'ollama-service')?.status).toBe('pass');
    expect(check(state, 'ollama-model')?.reason?.key).toBe('ollama.model.missing');

    state = await call('wizard:runAction', { stepId: 'first-model', actionId: 'ollama-pull', confirmed: true });
    expect(statuses(state)).toEqual({ ollama: 'pass', 'ollama-service': 'pass', 'ollama-model': 'pass', 'ollama-gpu': 'pass', 'ollama-benchmark': 'pass', native: 'skip' });
    const gpu = check(state, 'ollama-gpu');
    expect(gpu?.reason).toMatchObject({ key: 'ollama.gpu.ok', params: { library: 'CUDA', compute: '6.1', device: 'Tesla P4', processor: '100% GPU' } });
    const proof = gpu?.evidence.flatMap((e) => e.lines.map((l) => l.text)) ?? [];
    expect(proof.some((t) => /msg="inference compute" .*library=CUDA compute=6\.1 .*description="Tesla P4"/.test(t))).toBe(true);
    expect(proof.some((t) => /100% GPU/.test(t))).toBe(true);
    const bench = check(state, 'ollama-benchmark');
    expect(bench?.figures.map((f) => f.unit)).toEqual(['s', 'MB/s', 'tokens/s', 'tokens/s']);
    expect(Number(bench?.reason?.params?.share)).toBeGreaterThan(50);
    expect(files(host())[OLLAMA_LOG]).toContain('library=CUDA compute=6.1');
    expect(state.current.canContinue).toBe(true);
  });

  it('x220-ollama-pascal: finds the skipped P4 from the missing cuda_v12 and the log line, replaces the release and proves the fix', async () => {
    const { call, host, state: first } = await chooseOllama('x220-ollama-pascal');
    let state = first;
    const install = check(state, 'ollama');
    expect(install).toMatchObject({ status: 'fail', reason: { key: 'ollama.install.skipped', params: { version: '0.33.3', device: 'Tesla P4', cc: '6.1' } } });
    expect(install?.explainedBy).toContain('ollama-arch-unsupported');
    expect(install?.advice.map((a) => a.key)).toEqual(['ollama.fix.release', 'ollama.fix.build', 'ollama.fix.vulkan']);
    const skipLine = install?.evidence.flatMap((e) => e.lines).find((l) => /skipping CUDA device/.test(l.text));
    expect(skipLine?.text).toContain('cc=610');
    expect(check(state, 'ollama-gpu')?.reason?.key).toBe('ollama.gpu.skipped');
    expect(offered(state)).toEqual(['ollama-replace']);
    expect(programs(state, 'ollama-replace')).toEqual(['fetch -o', 'tar -t', 'rm -r', 'tar -x', 'service ollama_cuda']);

    state = await call('wizard:runAction', { stepId: 'first-model', actionId: 'ollama-replace', confirmed: true });
    expect(statuses(state)).toEqual({ ollama: 'pass', 'ollama-service': 'pass', 'ollama-model': 'pass', 'ollama-gpu': 'pass', 'ollama-benchmark': 'pass', native: 'skip' });
    expect(check(state, 'ollama-gpu')?.reason?.params).toMatchObject({ device: 'Tesla P4', compute: '6.1', processor: '100% GPU' });
    // The old start's skip line is still in the log; only the last start counts.
    expect(files(host())[OLLAMA_LOG]).toMatch(/skipping CUDA device[\s\S]*library=CUDA compute=6\.1/);
  });
});

describe('the archive check before anything is installed', () => {
  it('bsdtar finds no lib/ollama/cuda_v12 in a release without it: the command fails, the action stops and says why', async () => {
    const scenario = loadScenario('x220-ollama');
    const archive = '/usr/local/jails/cuda/root/ollama-linux-amd64-v0.33.3.tar.zst';
    scenario.linux?.downloads.push(archive);
    const host = new SimulatedHost(scenario, { timeScale: 0 });
    const out = await host.exec({ argv: ['tar', '-t', '-f', archive, 'lib/ollama/cuda_v12'], timeoutMs: 10_000 });
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain('lib/ollama/cuda_v12: Not found in archive');
    const parsed = catalogue.ollamaCheckArchive.parse(out, {});
    expect(parsed).toMatchObject({ ok: false, error: { code: 'command-failed', message: 'tar: lib/ollama/cuda_v12: Not found in archive' } });
    const replace = firstModelStep.actions.find((a) => a.id === 'ollama-replace');
    const run: CommandRun<unknown> = {
      runId: 'r1',
      commandId: 'ollamaCheckArchive',
      argv: catalogue.ollamaCheckArchive.argv({}),
      privileged: false,
      outcome: 'failed',
      exitCode: out.exitCode,
      stdout: out.stdout,
      stderr: out.stderr,
      durationMs: 0,
      parsed,
      refusal: null,
    };
    expect(replace?.explainFailure?.(run)?.key).toBe('ollama.archive.noCuda12');
    expect(replace?.explainFailure?.({ ...run, commandId: 'ollamaFetchRelease' })).toBeNull();
  });
});
