/** The jail step's title and intro follow the chosen route; its id, and so the saved progress, do not change. */
import { describe, expect, it } from 'vitest';
import type { WizardState } from '../../src/contract/state';
import { translateMessage } from '../../src/i18n/translate';
import { cudaJailStep } from '../../src/steps/cuda-jail';
import { inputValuesOf, stepLabels } from '../../src/wizard/step';
import { wizardSteps } from '../../src/steps';
import { atCudaJail } from './walk';

const STEP = 'cuda-jail';
const listed = (state: WizardState) => state.steps.find((s) => s.id === STEP)?.title.key;

describe('route-aware labels of the jail step', () => {
  it('the passthrough route has its own title and intro; the jail route keeps the jail’s', () => {
    expect(stepLabels(cudaJailStep, { route: 0 })).toEqual({ title: 'jail.title', intro: 'jail.intro' });
    expect(stepLabels(cudaJailStep, {})).toEqual({ title: 'jail.title', intro: 'jail.intro' });
    expect(stepLabels(cudaJailStep, { route: 1 })).toEqual({ title: 'route.passthrough.title', intro: 'route.passthrough.intro' });
    expect(translateMessage('en', { key: 'route.passthrough.title' })).toBe('CUDA in a bhyve VM');
    expect(translateMessage('zh-CN', { key: 'route.passthrough.title' })).toBe('在 bhyve 虚拟机中运行 CUDA');
  });

  it('inputs as checks see them: the saved value, else the default', () => {
    expect(inputValuesOf(wizardSteps, {}, cudaJailStep).route).toBe(0);
    expect(inputValuesOf(wizardSteps, { [STEP]: { inputs: { route: 1 } } }, cudaJailStep).route).toBe(1);
  });

  it('x220-vtd: choosing passthrough renames the step in the list and the heading, and choosing the jail again names it back', async () => {
    const { call } = await atCudaJail('x220-vtd');
    let state = await call('wizard:runChecks', { stepId: STEP });
    expect(listed(state)).toBe('jail.title');
    expect(state.current.title.key).toBe('jail.title');
    state = await call('wizard:setInput', { stepId: STEP, inputId: 'route', value: 1 });
    expect(state.current.id).toBe(STEP);
    expect(listed(state)).toBe('route.passthrough.title');
    expect(state.current.title.key).toBe('route.passthrough.title');
    expect(state.current.intro.key).toBe('route.passthrough.intro');
    // Another step's view lists it by the route too.
    await call('wizard:goTo', { stepId: 'driver' });
    expect(listed(await call('wizard:state', {}))).toBe('route.passthrough.title');
    await call('wizard:goTo', { stepId: STEP });
    state = await call('wizard:setInput', { stepId: STEP, inputId: 'route', value: 0 });
    expect(listed(state)).toBe('jail.title');
    expect(state.current.intro.key).toBe('jail.intro');
  });
});
