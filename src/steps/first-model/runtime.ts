import type { InputDefinition } from '../../wizard/step';

/** The runtime the first-model step sets up: llama.cpp (the default) or ollama, judged by the same limits. */
export const RUNTIME_INPUT = 'runtime';
export const RUNTIME = { llamaCpp: 0, ollama: 1 } as const;

export const runtimeInput: InputDefinition = {
  id: RUNTIME_INPUT,
  label: 'ollama.input.runtime',
  unit: '',
  min: RUNTIME.llamaCpp,
  max: RUNTIME.ollama,
  step: 1,
  defaultValue: RUNTIME.llamaCpp,
  choices: [
    { value: RUNTIME.llamaCpp, label: 'ollama.input.runtime.llama' },
    { value: RUNTIME.ollama, label: 'ollama.input.runtime.ollama' },
  ],
};

export const ollamaChosen = (inputs: Readonly<Record<string, number>>): boolean => inputs[RUNTIME_INPUT] === RUNTIME.ollama;
export const llamaChosen = (inputs: Readonly<Record<string, number>>): boolean => !ollamaChosen(inputs);
