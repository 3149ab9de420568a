import type { Message } from '../contract/messages';
import type { FileChange } from '../contract/plan';
import type { CheckResult, CheckStatus, Evidence, Figure } from '../contract/state';
import type { Catalogue, CommandId } from '../commands/catalogue';
import type { CommandRun } from '../commands/runner';
import type { FindingId } from '../diagnosis/types';
import type { ArgsOf, ResultOf } from '../commands/types';

/** A catalogue command a check wants run, with its arguments; `R` is what its parser returns. */
export interface Invocation<R> {
  readonly command: CommandId;
  readonly args: unknown;
  /** Type-level only, never set: ties the invocation to its parser's result. */
  readonly _result?: R;
}

export function invoke<C extends CommandId>(command: C, args: ArgsOf<Catalogue[C]>): Invocation<ResultOf<Catalogue[C]>> {
  return { command, args };
}

// NonNullable: a `then` map may leave a reading out (an optional key), and its run is then absent too.
export type Runs<M> = { [K in keyof M]: NonNullable<M[K]> extends Invocation<infer R> ? CommandRun<R> : never };

export type VerdictStatus = Extract<CheckStatus, 'pass' | 'warn' | 'fail' | 'skip' | 'error'>;

export interface Verdict {
  status: VerdictStatus;
  reason: Message;
  advice: Message[];
  evidence: Evidence[];
  figures?: Figure[];
  plan?: FileChange[];
  /** Commands an action of the step will run to act on this verdict (packages to install, modules to load). */
  commands?: Invocation<unknown>[];
  /** Facts other parts of the wizard use (e.g. which elevation method the host offers). */
  facts?: Record<string, string | number | boolean | null>;
}

/** What an evaluation may know besides its own command runs. */
export interface EvaluationContext {
  passwordVerified: boolean;
  /** The step's numeric inputs as the user set them (absent: not set, use the default). */
  inputs?: Readonly<Record<string, number>>;
  /**
   * The OpenSSH public key line of the wizard's own key for the passthrough guest (src/bhyve/guest-keypair.ts),
   * given only to checks that declare `usesGuestKey`; null where the wizard has no data folder to keep it in.
   */
  guestPublicKey?: string | null;
}

/** A number the user can give a step (e.g. the size of their model), validated against its range. */
export interface InputDefinition {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly defaultValue: number;
  /** A choice between named options (value: the option's number); the UI shows them as radio buttons. */
  readonly choices?: readonly InputChoice[];
  /** The option the step's last check results recommend; null while they do not say. */
  readonly recommended?: (results: Readonly<Record<string, CheckResult>>) => number | null;
  /** Whether the step shows the input as the user set up its other inputs (a route's own setting); absent: always. */
  readonly appliesWhen?: (inputs: Readonly<Record<string, number>>) => boolean;
}

export interface InputChoice {
  readonly value: number;
  readonly label: string;
  /** When this option fits, shown with it. */
  readonly hint?: string;
  /**
   * Why the option cannot be chosen, read from the step's last check results (the evidence); null when it can.
   * Absent: always available.
   */
  readonly unavailable?: (results: Readonly<Record<string, CheckResult>>) => Message | null;
}

export interface CheckDefinition<
  M extends Record<string, Invocation<unknown>> = Record<string, Invocation<unknown>>,
  T extends Record<string, Invocation<unknown>> = Record<never, never>,
> {
  readonly id: string;
  readonly title: string;
  /** Read-only checks run in `egpu-wizard diagnose` too. */
  readonly readOnly: boolean;
  /** The Troubleshoot findings that explain this check failing, linked from its card. */
  readonly explainedBy?: readonly FindingId[];
  readonly commands: M;
  /**
   * Whether the check belongs to the step as the user set it up (e.g. the runtime they chose); absent:
   * always. A check that does not apply is neither shown nor run, so none of its commands reach the host.
   */
  readonly appliesWhen?: (inputs: Readonly<Record<string, number>>) => boolean;
  /** The evaluation reads `context.guestPublicKey`: the key pair is made (once) before such a check runs. */
  readonly usesGuestKey?: boolean;
  /**
   * Run once `commands` have finished, never shared with other checks: readings that must come after them,
   * like the GPU's temperature right after a benchmark has worked it. As a function: readings whose arguments
   * come from the first runs or the inputs (whether an address the user chose is taken); its optional keys
   * may be left out.
   */
  readonly then?: T | ((runs: Runs<M>, context: EvaluationContext) => T);
  /** Pure: the same runs give the same verdict. */
  readonly evaluate: (runs: Runs<M & T>, context: EvaluationContext) => Verdict;
}

export function defineCheck<M extends Record<string, Invocation<unknown>>, T extends Record<string, Invocation<unknown>> = Record<never, never>>(
  check: CheckDefinition<M, T>,
): CheckDefinition {
  // Widening the command map to the common shape is safe: the engine only passes back the runs it made
  // from this same map.
  return check as unknown as CheckDefinition;
}

export interface ChecklistItem {
  readonly id: string;
  readonly label: string;
}

/**
 * A fix the wizard can carry out for the user: fixed catalogue commands, shown exactly before they run and
 * run only after the user confirms.
 */
export interface ActionDefinition {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** What the user will see happen (e.g. the laptop restarts and the wizard resumes). */
  readonly after: string;
  readonly commands: readonly Invocation<unknown>[];
  /** Applies the file changes the named check of this step proposed (through backup, staging and rename). */
  readonly appliesPlanOf?: string;
  /** Runs, after its own commands, the commands the named check of this step proposed. */
  readonly runsCommandsOf?: string;
  /** Puts a failed command's output into words the user can act on (a network error, a locked database). */
  readonly explainFailure?: (run: CommandRun<unknown>) => Message | null;
  /** Offered only when the step's check results call for it (statuses, and the full results for details). */
  readonly offeredWhen: (checks: Readonly<Record<string, CheckStatus>>, results: Readonly<Record<string, CheckResult>>) => boolean;
}

export interface StepDefinition {
  readonly id: string;
  readonly title: string;
  readonly intro: string;
  /**
   * Another title and intro while the inputs (of every step, as checks see them) choose another way through
   * the step; the id, and so the saved progress, stay the same.
   */
  readonly labelsWhen?: (inputs: Readonly<Record<string, number>>) => { title: string; intro: string } | null;
  readonly instructions: readonly string[];
  readonly illustration: string | null;
  readonly checklist: readonly ChecklistItem[];
  readonly checks: readonly CheckDefinition[];
  readonly actions: readonly ActionDefinition[];
  readonly inputs?: readonly InputDefinition[];
}

/** The title and intro a step shows with these inputs. */
export function stepLabels(step: StepDefinition, inputs: Readonly<Record<string, number>>): { title: string; intro: string } {
  return step.labelsWhen?.(inputs) ?? { title: step.title, intro: step.intro };
}

/**
 * The inputs as checks see them: every step's saved value (or its default), the step's own winning where an
 * id repeats.
 */
export function inputValuesOf(
  steps: readonly StepDefinition[],
  saved: Readonly<Record<string, { readonly inputs: Readonly<Record<string, number>> } | undefined>>,
  step: StepDefinition,
): Record<string, number> {
  const values: Record<string, number> = {};
  for (const other of [...steps.filter((s) => s !== step), step]) {
    for (const input of other.inputs ?? []) values[input.id] = saved[other.id]?.inputs[input.id] ?? input.defaultValue;
  }
  return values;
}
