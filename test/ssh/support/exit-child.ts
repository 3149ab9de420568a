/**
 * A stand-in for a CLI command over SSH: runs one command through an SshHost, prints the master's socket and
 * exits with process.exit, as bin/egpu-wizard does, without closing the host itself.
 * Usage: exit-child.ts '{"target":…,"options":…}'
 */
import { SshHost } from '../../../src/host/ssh/ssh-host';

const { target, options } = JSON.parse(process.argv[2] ?? '{}');
const host = new SshHost(target, options);
const result = await host.exec({ argv: ['uname', '-s'], timeoutMs: 60_000 });
process.stdout.write(`${JSON.stringify({ socket: host.masterSocket, stdout: result.stdout })}\n`);
process.exit(0);
