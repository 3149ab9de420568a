import { z } from 'zod';
import { Finding, FixStatus, PlanRef, SourceName, UnreadableInput } from '../diagnosis/types';
import { Message } from './messages';

/**
 * What the Troubleshoot screen shows: the findings of the last diagnosis, most likely cause first, each fix
 * with the exact change it would write when the wizard can make it.
 */

export const FixView = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/),
    kind: z.enum(['manual', 'plan']),
    plan: PlanRef.nullable(),
    title: Message,
    instruction: Message,
    risk: Message.nullable(),
    status: FixStatus,
    /** The file change a plan fix writes, shown before it runs; null for manual fixes and when nothing is left to change. */
    change: z.object({ path: z.string(), diff: z.string(), reasons: z.array(Message) }).strict().nullable(),
    /** Written in this session; it takes effect at the next boot. */
    applied: z.boolean(),
  })
  .strict();
export type FixView = z.infer<typeof FixView>;

export const FindingView = Finding.omit({ fixes: true })
  .extend({
    /** Names this finding among several of the same id (two bridges can each fail their window). */
    key: z.string().regex(/^[a-z][a-z0-9-]{0,60}$/),
    fixes: z.array(FixView),
  })
  .strict();
export type FindingView = z.infer<typeof FindingView>;

export const TroubleshootView = z
  .object({
    running: z.boolean(),
    ranAt: z.string().nullable(),
    findings: z.array(FindingView),
    sources: z.array(SourceName),
    unreadable: z.array(UnreadableInput),
    /** A fix written in this session waits for a restart. */
    restartPending: z.boolean(),
  })
  .strict();
export type TroubleshootView = z.infer<typeof TroubleshootView>;

export const emptyTroubleshoot = (): TroubleshootView => ({ running: false, ranAt: null, findings: [], sources: [], unreadable: [], restartPending: false });
