import { z } from 'zod';
import { Message } from './messages';
import { HostSpec } from './state';

/**
 * What connecting to an SSH host found. `unknown-key`: the host answered with a key neither the user's
 * known_hosts nor the wizard's knows; it is shown for the user to compare before anything is trusted.
 */
export const SshProbe = z
  .object({
    spec: HostSpec,
    status: z.enum(['ok', 'unknown-key', 'failed']),
    /** The host key offered, for `unknown-key`. */
    key: z.object({ type: z.string().max(80), fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/) }).strict().nullable(),
    /** Why it failed, for `failed`. */
    problem: Message.nullable(),
  })
  .strict();
export type SshProbe = z.infer<typeof SshProbe>;

export const SshTrustRequest = z
  .object({ spec: HostSpec, fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/), confirmed: z.literal(true) })
  .strict();
