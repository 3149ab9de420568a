import { describe, expect, it } from 'vitest';
import type { WizardState } from '../../src/contract/state';
import { cmakeProgress } from '../../src/commands/llama-commands';
import { atFirstModel } from './walk';

const check = (state: WizardState, id: string) => state.current.checks.find((c) => c.id === id);
const action = (state: WizardState, id: string) => state.current.actions.find((a) => a.id === id);
const statuses = (state: WizardState) => Object.fromEntries(state.current.checks.map((c) => [c.id, c.status]));

describe('the first-model step', () => {
  it('x220-fresh: builds llama.cpp with CUDA, fetches the model, runs it on the GPU and benchmarks it against the limits', async () => {
    const { call } = await atFirstModel('x220-fresh');
    let state = await call('wizard:runChecks', { stepId: 'first-model' });
    expect(state.current.id).toBe('first-model');
    expect(statuses(state)).toEqual({ llama: 'fail', model: 'fail', generation: 'skip', benchmark: 'skip', 'thermal-load': 'skip', native: 'skip' });
    expect(check(state, 'llama')?.reason?.key).toBe('model.llama.missing');
    expect(action(state, 'build')?.commands.map((c) => c.argv.slice(2, 4).join(' '))).toEqual(['git clone', 'cmake -S', 'cmake --build']);
    expect(action(state, 'build')?.commands[1]?.argv).toContain('-DCMAKE_CUDA_ARCHITECTURES=61');

    state = await call('wizard:runAction', { stepId: 'first-model', actionId: 'build', confirmed: true });
    expect(check(state, 'llama')).toMatchObject({ status: 'pass', reason: { key: 'model.llama.ok', params: { device: 'Tesla P4', cc: '6.1' } } });
    state = await call('wizard:runAction', { stepId: 'first-model', actionId: 'download', confirmed: true });
    expect(statuses(state)).toEqual({ llama: 'pass', model: 'pass', generation: 'pass', benchmark: 'pass', 'thermal-load': 'pass', native: 'skip' });
    expect(check(state, 'generation')?.reason).toMatchObject({ key: 'model.generation.ok', params: { layers: 33, tps: '27.3', seconds: '12.3' } });
    const bench = check(state, 'benchmark');
    expect(bench?.reason?.params).toMatchObject({ tg: '27.6', share: 71 });
    expect(bench?.figures.map((f) => f.unit)).toEqual(expect.arrayContaining(['s', 'MB/s', 'tokens/s']));
    // The temperature is read after the benchmark worked the card: warm, not hot.
    expect(check(state, 'thermal-load')?.reason).toMatchObject({ key: 'model.thermal.ok', params: { celsius: 71 } });
    expect(state.current.canContinue).toBe(true);
  });

  it('x220-cpu-fallback: a build without CUDA is named, and rebuilt with it', async () => {
    const { call } = await atFirstModel('x220-cpu-fallback');
    let state = await call('wizard:runChecks', { stepId: 'first-model' });
    expect(check(state, 'llama')?.reason?.key).toBe('model.llama.noCuda');
    expect(check(state, 'llama')?.explainedBy).toContain('cuda-cpu-fallback');
    expect(action(state, 'build')?.commands.map((c) => c.argv.slice(2, 4).join(' '))).toEqual(['cmake -S', 'cmake --build']);
    state = await call('wizard:runAction', { stepId: 'first-model', actionId: 'build', confirmed: true });
    expect(check(state, 'llama')?.status).toBe('pass');
  });
});

describe('cmake progress', () => {
  it('reads the share done from cmake\'s build lines only', () => {
    expect(cmakeProgress('[ 42%] Building CUDA object ggml/src/ggml-cuda/fattn.cu.o')).toEqual({ done: 42, total: 100, label: 'ggml/src/ggml-cuda/fattn.cu.o' });
    expect(cmakeProgress('[100%] Built target llama-bench')).toMatchObject({ done: 100 });
    expect(cmakeProgress('-- Configuring done')).toBeNull();
    expect(cmakeProgress('[140%] nonsense')).toBeNull();
  });
});
