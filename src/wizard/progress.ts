import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { ActionRun, CheckResult } from '../contract/state';
import { JsonFile } from '../storage/json-file';
import { SavedJob } from '../detached/follow';

export const StepProgress = z
  .object({
    checklist: z.record(z.string(), z.boolean()),
    checks: z.record(z.string(), CheckResult),
    actions: z.record(z.string(), ActionRun).default({}),
    inputs: z.record(z.string(), z.number()).default({}),
    completed: z.boolean(),
    continuedAnyway: z.boolean(),
  })
  .strict();
export type StepProgress = z.infer<typeof StepProgress>;

/**
 * Set when the user pressed Finish on the last step: when, and who and where the host said it was then (for
 * the summary's commands, `user@hostname`; null where the host did not say).
 */
export const Finished = z
  .object({
    at: z.string(),
    user: z.string().max(200).nullable(),
    hostname: z.string().max(300).nullable(),
  })
  .strict();
export type Finished = z.infer<typeof Finished>;

export const SavedProgress = z
  .object({
    version: z.literal(1),
    host: z.string(),
    currentStepId: z.string(),
    steps: z.record(z.string(), StepProgress),
    /** Progress saved before the wizard had an end has no such field: not finished. */
    finished: Finished.nullable().default(null),
    /** Long commands running detached on the host (src/detached): followed again when the wizard reopens. */
    jobs: z.array(SavedJob).max(20).default([]),
    updatedAt: z.string(),
  })
  .strict();
export type SavedProgress = z.infer<typeof SavedProgress>;

export const emptyStepProgress = (): StepProgress => ({ checklist: {}, checks: {}, actions: {}, inputs: {}, completed: false, continuedAnyway: false });

/** One progress file per host, so a demo run never overwrites the real machine's progress. */
export function progressFile(dataDir: string, hostSpec: string): JsonFile<typeof SavedProgress> {
  const readable = hostSpec.replace(/[^a-zA-Z0-9-]+/g, '_').slice(0, 40);
  const hash = createHash('sha256').update(hostSpec).digest('hex').slice(0, 8);
  return new JsonFile(join(dataDir, 'progress', `${readable}-${hash}.json`), SavedProgress);
}
