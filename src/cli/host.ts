import { createHost, UnknownHostError } from '../host/create-host';
import { ensureSshReady, releaseHost } from '../host/ssh/cli';
import type { Host } from '../host/types';
import type { Locale } from '../i18n/translate';
import { UsageError } from './errors';

export interface HostOptions {
  /** Holds the wizard's own known_hosts for SSH hosts. */
  dataDir?: string | undefined;
  locale: Locale;
}

/** `local`, `ssh://…` or `sim:NAME`; an unknown one is a usage error listing what exists. */
export function hostFromSpec(spec: string, dataDir?: string): Host {
  try {
    return createHost(spec, dataDir !== undefined ? { dataDir } : {});
  } catch (error) {
    if (error instanceof UnknownHostError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The one place a CLI command gets a host and lets go of it: created from its spec, made ready (an SSH host
 * must answer with a key the user accepted), used, and released when the command ends, however it ends.
 * Anything a host keeps open for the length of a command (an SSH master connection) is closed in `finally`.
 */
export async function withHost<T>(spec: string, options: HostOptions, use: (host: Host) => Promise<T>): Promise<T> {
  const host = hostFromSpec(spec, options.dataDir);
  try {
    await ensureSshReady(host, options.locale);
    return await use(host);
  } finally {
    await releaseHost(host);
  }
}
