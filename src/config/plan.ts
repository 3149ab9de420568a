import { z } from 'zod';
import { Message } from '../contract/messages';
import { unifiedDiff } from './unified-diff';

/** The system files the wizard may change; nothing else can appear in a plan. */
export const ManagedPath = z.enum(['/boot/loader.conf', '/boot/loader.conf.local', '/etc/rc.conf', '/etc/devfs.rules', '/etc/jail.conf']);
export type ManagedPath = z.infer<typeof ManagedPath>;

export const FileChange = z
  .object({
    path: ManagedPath,
    /** null: the file does not exist yet. */
    before: z.string().nullable(),
    after: z.string(),
    diff: z.string(),
    /** Why each changed line is there, shown beside the diff. */
    reasons: z.array(Message),
  })
  .strict();
export type FileChange = z.infer<typeof FileChange>;

/** Everything a change will do, shown in full before the user agrees (and by the CLI's --dry-run). */
export const Plan = z
  .object({
    title: Message,
    files: z.array(FileChange),
    commands: z.array(z.object({ argv: z.array(z.string()), privileged: z.boolean() }).strict()),
  })
  .strict();
export type Plan = z.infer<typeof Plan>;

/** A file change with its diff; null when the edit changes nothing (applying it again is a no-op). */
export function fileChange(path: ManagedPath, before: string | null, after: string, reasons: Message[]): FileChange | null {
  if (before === after) return null;
  return { path, before, after, diff: unifiedDiff(path, before, after), reasons };
}
