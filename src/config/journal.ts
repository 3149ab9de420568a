import { join } from 'node:path';
import { z } from 'zod';
import { JsonFile } from '../storage/json-file';
import { ManagedPath } from './plan';

/** One file the wizard replaced: enough to put the original back and to see whether it was changed since. */
export const JournalEntry = z
  .object({
    id: z.string(),
    at: z.string(),
    host: z.string(),
    path: ManagedPath,
    /** The original text (null: the file did not exist), kept here as the backup. */
    before: z.string().nullable(),
    after: z.string(),
    owner: z.string(),
    group: z.string(),
    mode: z.string(),
    /** `applied` once the rename happened; `restored` after undo. */
    state: z.enum(['applying', 'applied', 'failed', 'restored']),
    /** The files of one plan share it: they are applied, and recovered, together. */
    batch: z.string().optional(),
    /** The step and action that applied it (absent in journals written before it was recorded). */
    origin: z.object({ stepId: z.string(), actionId: z.string() }).strict().optional(),
  })
  .strict();
export type JournalEntry = z.infer<typeof JournalEntry>;
export type ChangeOrigin = NonNullable<JournalEntry['origin']>;

export const Journal = z.object({ version: z.literal(1), entries: z.array(JournalEntry) }).strict();
export type Journal = z.infer<typeof Journal>;

/** The change journal lives in the app's data folder, beside progress, one per data folder. */
export const journalFile = (dataDir: string): JsonFile<typeof Journal> => new JsonFile(join(dataDir, 'changes', 'journal.json'), Journal);
