import { z } from 'zod';

export const UndoScope = z.enum(['all', 'passthrough']);
export type UndoScope = z.infer<typeof UndoScope>;

const Command = z.object({ argv: z.array(z.string()), privileged: z.boolean() }).strict();

/** What “Undo changes” would do now, shown in full before anything runs. */
export const UndoPreview = z
  .object({
    /** Newest first. */
    changes: z.array(
      z
        .object({
          id: z.string(),
          path: z.string(),
          at: z.string(),
          undoDiff: z.string(),
          /** The wizard created the file and undo deletes it (rather than writing the original back). */
          removes: z.boolean(),
          /** Written by the passthrough route (the reservation, the VM's autostart, its template and key). */
          passthrough: z.boolean(),
        })
        .strict(),
    ),
    /** The oldest passthrough change: the `passthrough` scope undoes every change down to it. */
    passthroughFrom: z.string().nullable(),
    /** The passthrough guest as `vm list` shows it, when the route made one and vm-bhyve can list it. */
    guest: z.object({ name: z.string(), running: z.boolean(), line: z.string() }).strict().nullable(),
    /** The exact commands behind the guest's Stop and Delete, shown before they run. */
    guestCommands: z.object({ stop: Command, destroy: Command }).strict(),
    restartCommand: Command,
  })
  .strict();
export type UndoPreview = z.infer<typeof UndoPreview>;
