/**
 * A stand-in for a CLI command over SSH: runs one command through an SshHost (and, given a guest's access,
 * one on that guest through it), prints the masters' sockets and exits with process.exit, as bin/egpu-wizard
 * does, without closing the hosts itself.
 * Usage: exit-child.ts '{"target":…,"options":…[,"guest":…]}'
 */
import { SshHost } from '../../../src/host/ssh/ssh-host';

const { target, options, guest: access } = JSON.parse(process.argv[2] ?? '{}');
const host = new SshHost(target, options);
const result = await host.exec({ argv: ['uname', '-s'], timeoutMs: 60_000 });
const guest = access === undefined ? null : host.guest(access);
const onGuest = guest === null ? null : await guest.exec({ argv: ['which-machine'], timeoutMs: 60_000 });
process.stdout.write(`${JSON.stringify({ socket: host.masterSocket, stdout: result.stdout, guestSocket: guest?.masterSocket ?? null, guestStdout: onGuest?.stdout ?? null })}\n`);
process.exit(0);
