export type ElevationMethod = 'root' | 'sudo' | 'doas' | 'none';

export type Elevated = { argv: string[]; stdin?: string } | { error: 'no-elevation' | 'password-required' };

/**
 * Wraps a catalogue argv so it runs as root. A sudo password goes to stdin, never into argv, where any
 * local user could read it from the process list.
 */
export function elevate(argv: readonly string[], method: ElevationMethod, password?: string): Elevated {
  switch (method) {
    case 'root':
      return { argv: [...argv] };
    case 'sudo':
      if (password === undefined) return { argv: ['sudo', '-n', '--', ...argv] };
      // sudo reads the password up to the first newline; anything after it would reach the privileged
      // command's stdin, and an empty one can never be right, so the caller must ask again.
      if (password === '' || /[\n\r\0]/.test(password)) return { error: 'password-required' };
      // -p '': no prompt text in stderr; -k: always read the password we send, not a cached credential.
      return { argv: ['sudo', '-S', '-p', '', '-k', '--', ...argv], stdin: `${password}\n` };
    case 'doas':
      // doas reads passwords only from a terminal, so it works here only with `permit nopass`.
      return { argv: ['doas', '-n', ...argv] };
    case 'none':
      return { error: 'no-elevation' };
  }
}

export class InvalidUserNameError extends Error {
  readonly code = 'invalid-user-name';

  constructor() {
    super('not a valid user name for doas.conf');
    this.name = 'InvalidUserNameError';
  }
}

// FreeBSD login names: up to 32 characters, no leading hyphen. Deliberately narrower than what
// pw(8) accepts, because the line is shown to the user to paste into a root-owned config file.
const USER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

// doas.conf keywords: as an identity they would change the meaning of the rule or not parse.
const DOAS_KEYWORDS = new Set(['permit', 'deny', 'as', 'cmd', 'args', 'nopass', 'nolog', 'persist', 'keepenv', 'setenv']);

/** The line to add to /usr/local/etc/doas.conf so `doas -n` works for `user`. */
export function doasConfLine(user: string): string {
  if (!USER_NAME.test(user) || DOAS_KEYWORDS.has(user)) throw new InvalidUserNameError();
  return `permit nopass ${user} as root`;
}
