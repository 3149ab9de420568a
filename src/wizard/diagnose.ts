import type { Message } from '../contract/messages';
import type { CheckStatus, Evidence } from '../contract/state';
import type { CommandRunner } from '../commands/runner';
import { CheckRound } from './run-checks';
import type { StepDefinition } from './step';

export interface DiagnosisEntry {
  step: string;
  check: string;
  title: string;
  status: CheckStatus;
  reason: Message;
  advice: Message[];
  evidence: Evidence[];
}

const defaultInputs = (step: StepDefinition): Record<string, number> => Object.fromEntries((step.inputs ?? []).map((i) => [i.id, i.defaultValue]));

/**
 * Every read-only check of every step, in one round (shared commands run once). Changes nothing. The checks
 * start together, their commands run at most ROUND_CONCURRENCY at a time (see CheckRound).
 * `passwordVerified`: the runner holds a sudo password that sudo accepted.
 */
export async function diagnose(
  runner: CommandRunner,
  steps: readonly StepDefinition[],
  signal?: AbortSignal,
  passwordVerified = false,
): Promise<DiagnosisEntry[]> {
  const round = new CheckRound(runner, signal ? { signal } : {});
  const jobs = steps.flatMap((step) =>
    step.checks
      // As the step is set up by default (llama.cpp): a runtime nobody chose is not a failure.
      .filter((check) => check.readOnly && (check.appliesWhen?.(defaultInputs(step)) ?? true))
      .map(async (check): Promise<DiagnosisEntry> => {
        const { verdict } = await round.check(check, { passwordVerified });
        return {
          step: step.id,
          check: check.id,
          title: check.title,
          status: verdict.status,
          reason: verdict.reason,
          advice: verdict.advice,
          evidence: verdict.evidence,
        };
      }),
  );
  return Promise.all(jobs);
}
