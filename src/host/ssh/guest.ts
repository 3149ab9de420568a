import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { Ipv4 } from '../../bhyve/guest-network';
import type { SshTarget } from '../../contract/ssh-spec';
import type { GuestAccess } from '../types';
import { quoteArgv } from './quote';
import type { SshHostOptions } from './ssh-host';

/** Login names as useradd and cloud-init accept them: no leading `-`, nothing a shell reads. */
const GuestUser = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/, 'not a login name');
/** A file of the wizard's data folder: absolute, one line, no NUL. */
const WizardPath = z
  .string()
  .min(2)
  .refine((p) => isAbsolute(p) && !/[\0\n\r]/.test(p), 'not an absolute path on one line');

export const GuestAccessSchema = z
  .object({
    address: Ipv4,
    user: GuestUser,
    identityFile: WizardPath,
    knownHostsFile: WizardPath,
    port: z.number().int().min(1).max(65535).optional(),
  })
  .strict();

/** Checks the access once more where it becomes ssh's arguments; a bad one is a programming error and throws. */
export function guestTarget(access: GuestAccess): SshTarget {
  const { address, user, port } = GuestAccessSchema.parse(access);
  return { user, host: address, port: port ?? 22 };
}

/** One SshHost per guest login: a host asked for the same guest twice hands back the same master. */
export const guestKey = (access: GuestAccess): string =>
  JSON.stringify([access.user, access.address, access.port ?? 22, access.identityFile, access.knownHostsFile]);

/**
 * `ProxyCommand=<command>` for ssh. ssh hands the command to `/bin/sh -c` (the wizard's children get no
 * SHELL, see sanitizedEnv, so it is never the user's fish or csh). That is safe here because every word is
 * one of the X220's ssh arguments, built from fixed option names, wizard paths, the X220's validated
 * `user@host` and the zod-checked guest IPv4 and port, and each word is single-quoted by quoteArgv, where
 * the shell gives no character a meaning. ssh expands `%` tokens in the command before the shell sees it,
 * so a `%` in a path is doubled to arrive as itself.
 */
export const proxyCommandOption = (argv: readonly string[]): string[] => ['-o', `ProxyCommand=${quoteArgv(argv).replaceAll('%', '%%')}`];

/**
 * A guest's options: its own key only (no agent, not the user's keys or config), its key learned into the
 * wizard's guest known_hosts, and the rest (timeouts, multiplexing, socket folders) as for the host it is
 * reached from.
 */
export function guestOptions(access: GuestAccess, from: Partial<SshHostOptions> = {}): SshHostOptions {
  const { sshBinary, connectTimeoutSeconds, multiplex, socketDirs, retryDelaysMs, persistSeconds } = from;
  return {
    ...(sshBinary !== undefined ? { sshBinary } : {}),
    ...(connectTimeoutSeconds !== undefined ? { connectTimeoutSeconds } : {}),
    ...(multiplex !== undefined ? { multiplex } : {}),
    ...(socketDirs !== undefined ? { socketDirs } : {}),
    ...(retryDelaysMs !== undefined ? { retryDelaysMs } : {}),
    ...(persistSeconds !== undefined ? { persistSeconds } : {}),
    knownHostsFile: access.knownHostsFile,
    userKnownHostsFiles: [],
    identityFile: access.identityFile,
    learnHostKeys: true,
    ownConfigOnly: true,
  };
}
