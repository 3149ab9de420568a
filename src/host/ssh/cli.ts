import { parseArgs } from 'node:util';
import { defaultDataDir } from '../../app/data-dir';
import { parseSshAddress } from '../../contract/ssh-spec';
import type { SshProbe } from '../../contract/ssh';
import { translateMessage, type Locale } from '../../i18n/translate';
import type { Host } from '../types';
import { createSshHost, probeSsh, trustAndProbe } from './connect';
import { SshHost } from './ssh-host';

export const TRUST_HOST_HELP = `Usage: egpu-wizard trust-host ssh://user@host[:port] [SHA256:FINGERPRINT] [--data DIR]

Without a fingerprint: connects once and prints the host key's fingerprint if the key is not known yet.
Compare it with "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub" run on that machine. With the fingerprint
you compared: adds exactly that key to the wizard's own known_hosts (<data>/ssh/known_hosts; your
~/.ssh/known_hosts is never written) and connects again. A changed key is never replaced.`;

/** An SSH host that cannot be used yet; the message says what to do. */
export class SshNotReadyError extends Error {}

const howToTrust = (probe: SshProbe): string =>
  [
    `the host key of ${probe.spec} is not known yet.`,
    `  ${probe.key?.type ?? ''} key fingerprint: ${probe.key?.fingerprint ?? ''}`,
    'Compare it with "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub" run on that machine; if it is the same, run:',
    `  egpu-wizard trust-host ${probe.spec} ${probe.key?.fingerprint ?? ''}`,
  ].join('\n');

/** Before a CLI command uses an SSH host: it must answer, with a key the user accepted. Other hosts pass. */
export async function ensureSshReady(host: Host, locale: Locale = 'en'): Promise<void> {
  if (!(host instanceof SshHost)) return;
  const probe = await probeSsh(host);
  if (probe.status === 'ok') return;
  if (probe.status === 'unknown-key') throw new SshNotReadyError(howToTrust(probe));
  throw new SshNotReadyError(probe.problem ? translateMessage(locale, probe.problem) : `${probe.spec}: cannot connect`);
}

/**
 * Ends an SSH host's master connection (`ssh -O exit`); other hosts have nothing to end. A CLI command may
 * call it when done; if it does not, the master is ended when the process exits, or after 5 idle minutes.
 */
export async function releaseHost(host: Host): Promise<void> {
  if (host instanceof SshHost) await host.close();
}

/** `egpu-wizard trust-host`: exit 0 when the host is usable afterwards. */
export async function trustHostCommand(argv: string[], out: (text: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean' }, data: { type: 'string' } } });
  if (values.help) {
    out(`${TRUST_HOST_HELP}\n`);
    return 0;
  }
  const [spec = '', fingerprint, extra] = positionals;
  const parsed = parseSshAddress(spec);
  if (!spec.startsWith('ssh://') || !parsed.ok || extra !== undefined || (fingerprint !== undefined && !/^SHA256:[A-Za-z0-9+/]{43}$/.test(fingerprint))) {
    throw new SshNotReadyError(`usage: egpu-wizard trust-host ssh://user@host[:port] [SHA256:FINGERPRINT]`);
  }
  const host = createSshHost(parsed.target, values.data ?? defaultDataDir());
  const probe = fingerprint === undefined ? await probeSsh(host) : await trustAndProbe(host, fingerprint);
  await host.close();
  if (probe.status === 'ok') {
    out(`${host.spec}: connected; its host key is known.\n`);
    return 0;
  }
  if (probe.status === 'unknown-key') throw new SshNotReadyError(howToTrust(probe));
  throw new SshNotReadyError(probe.problem ? translateMessage('en', probe.problem) : `${host.spec}: cannot connect`);
}
