import { z } from 'zod';
import { Message } from './messages';
import { CheckStatus, Figure, HostSpec, ItemId, StepId } from './state';

/**
 * The finished wizard's summary: what was set up and how to use the card from now on. Built in the backend
 * from the evidence it already has (saved progress, the change journal); texts are message keys.
 */

export const SummaryCheck = z.object({ id: ItemId, title: Message, status: CheckStatus, reason: Message.nullable() }).strict();
export type SummaryCheck = z.infer<typeof SummaryCheck>;

export const SummaryStep = z
  .object({
    id: StepId,
    title: Message,
    outcome: z.enum(['done', 'continued-anyway', 'not-done']),
    checks: z.array(SummaryCheck),
  })
  .strict();
export type SummaryStep = z.infer<typeof SummaryStep>;

/** A file the wizard changed on this host, as its change journal says (undo puts the original back). */
export const ChangedFile = z
  .object({
    path: z.string().max(300),
    changes: z.number().int().positive(),
    lastAt: z.string(),
    /** `restored`: the last thing done to it was an undo, so it holds its original again. */
    state: z.enum(['applied', 'restored']),
  })
  .strict();
export type ChangedFile = z.infer<typeof ChangedFile>;

/** A warning the user continued past (or a check that ended as a warning in a finished step). */
export const SummaryWarning = z.object({ stepId: StepId, stepTitle: Message, check: Message, reason: Message.nullable() }).strict();
export type SummaryWarning = z.infer<typeof SummaryWarning>;

/** A command to type, as argv: shown as one shell line, never run by the summary. */
export const SummaryCommand = z
  .object({
    /** Where it is typed: on the host the wizard set up, or on the laptop the user works from. */
    where: z.enum(['host', 'laptop']),
    argv: z.array(z.string().max(2000)).min(1).max(64),
  })
  .strict();
export type SummaryCommand = z.infer<typeof SummaryCommand>;

export const UsageItem = z.object({ say: Message, command: SummaryCommand.nullable() }).strict();
export type UsageItem = z.infer<typeof UsageItem>;

export const UsageSectionId = z.enum(['start', 'reach', 'boot', 'models', 'benchmark']);
export type UsageSectionId = z.infer<typeof UsageSectionId>;
export const UsageSection = z.object({ id: UsageSectionId, items: z.array(UsageItem) }).strict();
export type UsageSection = z.infer<typeof UsageSection>;

/**
 * How to use one runtime from now on. One block per runtime the wizard set up, keyed by it, so another
 * runtime (ollama) is another block with the same sections.
 */
export const Runtime = z.enum(['llama.cpp', 'ollama']);
export type Runtime = z.infer<typeof Runtime>;
export const RuntimeUsage = z.object({ runtime: Runtime, sections: z.array(UsageSection) }).strict();
export type RuntimeUsage = z.infer<typeof RuntimeUsage>;

const Text = z.string().max(300).nullable();

export const Summary = z
  .object({
    host: HostSpec,
    finishedAt: z.string(),
    steps: z.array(SummaryStep),
    files: z.array(ChangedFile),
    card: z.object({ name: Text, architecture: Text, memoryMiB: z.number().nonnegative().nullable() }).strict(),
    driver: z.object({ package: Text, branch: z.number().int().positive().nullable(), version: Text }).strict(),
    jail: z
      .object({
        name: z.string(),
        root: z.string(),
        userland: Text,
        cudaRelease: Text,
        devfsRuleset: z.number().int().nonnegative().nullable(),
      })
      .strict(),
    /** On the passthrough route: the guest the card works in, in place of the jail (null on the jail route). */
    guest: z.object({ name: z.string(), address: Text, release: Text, cudaRelease: Text }).strict().nullable(),
    runtime: z.object({ name: Runtime, version: Text, model: z.string(), modelGiB: Text }).strict(),
    benchmark: z
      .object({
        status: CheckStatus,
        reason: Message.nullable(),
        figures: z.array(Figure),
        generation: Message.nullable(),
        thermal: Message.nullable(),
      })
      .strict()
      .nullable(),
    warnings: z.array(SummaryWarning),
    usage: z.array(RuntimeUsage),
  })
  .strict();
export type Summary = z.infer<typeof Summary>;
