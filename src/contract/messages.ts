import { z } from 'zod';

/** A translatable message: a dictionary key plus the values it interpolates. The backend never sends prose. */
export const Message = z
  .object({
    key: z.string().min(1).max(200),
    params: z.record(z.string(), z.union([z.string().max(2000), z.number()])).optional(),
  })
  .strict();
export type Message = z.infer<typeof Message>;

export const msg = (key: string, params?: Record<string, string | number>): Message =>
  params ? { key, params } : { key };
