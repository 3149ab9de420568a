import { msg } from '../contract/messages';
import type { CheckResult, StepView } from '../contract/state';
import type { InputDefinition } from './step';

type ChoiceView = NonNullable<StepView['inputs'][number]['choices']>[number];

/** A choice input's options as the window shows them: which the evidence rules out (and why), and which it recommends. */
export function choiceViews(input: InputDefinition, results: Readonly<Record<string, CheckResult>>): ChoiceView[] {
  const recommended = input.recommended?.(results) ?? null;
  return (input.choices ?? []).map((c) => ({
    value: c.value,
    label: msg(c.label),
    hint: c.hint === undefined ? null : msg(c.hint),
    unavailable: c.unavailable?.(results) ?? null,
    recommended: recommended === c.value,
  }));
}
