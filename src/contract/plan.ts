import { z } from 'zod';
import { Message } from './messages';

/** The system files the wizard may change; nothing else can appear in a plan. */
export const ManagedPath = z.enum([
  '/boot/loader.conf',
  '/boot/loader.conf.local',
  '/etc/rc.conf',
  '/etc/devfs.rules',
  '/etc/jail.conf',
  '/etc/fstab.cuda',
  '/usr/local/etc/rc.d/ollama_cuda',
  // The passthrough route's guest template and the public key cloud-init gives the guest (src/bhyve/layout.ts).
  '/vm/.templates/egpu-cuda.conf',
  '/vm/.templates/egpu-cuda.pub',
]);
export type ManagedPath = z.infer<typeof ManagedPath>;

/**
 * The files undo deletes when the wizard created them and they still hold what it wrote: the passthrough
 * route's template and key, which nothing but that route reads. Other files the wizard created are left.
 */
export const RemovableWhenCreated = z.enum(['/vm/.templates/egpu-cuda.conf', '/vm/.templates/egpu-cuda.pub']);
export type RemovableWhenCreated = z.infer<typeof RemovableWhenCreated>;

export const FileChange = z
  .object({
    path: ManagedPath,
    /** null: the file does not exist yet. */
    before: z.string().nullable(),
    after: z.string(),
    diff: z.string(),
    /** Why each changed line is there, shown beside the diff. */
    reasons: z.array(Message),
    /** Owner, group and mode the file keeps (read when the plan was made; root:wheel 644 for a new file). */
    meta: z
      .object({
        owner: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/),
        group: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/),
        mode: z.string().regex(/^[0-7]{3,4}$/),
      })
      .strict(),
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
