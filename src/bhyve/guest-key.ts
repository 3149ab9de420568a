import { z } from 'zod';
import { TEMPLATE_NAME, VM_DIR } from './layout';

/**
 * The public half of the key the wizard reaches the guest with. `vm create -k` reads it on the host and
 * cloud-init puts it in the guest's authorized_keys; the private half never leaves the wizard's data folder.
 */
export const GUEST_KEY_PATH = `${VM_DIR}/.templates/${TEMPLATE_NAME}.pub` as const;

/** One OpenSSH public key line of the types ssh-keygen makes by default; a comment without control characters. */
export const GuestPublicKey = z
  .string()
  .regex(/^(ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/]{40,}={0,3}( [\x20-\x7e]{1,100})?$/, 'not an OpenSSH public key line');

/** The file's content: the key and a newline (vm-bhyve skips blank and # lines, so nothing else is needed). */
export const guestKeyFile = (key: string): string => `${GuestPublicKey.parse(key.trim())}\n`;

/** Where in the wizard's data folder the private half is kept (src/bhyve/guest-keypair.ts), as the user is told. */
export const GUEST_KEY_IN_DATA = 'bhyve/guest_ed25519';
