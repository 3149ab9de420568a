/**
 * A throwaway OpenSSH server for the SSH tests: on 127.0.0.1 and a free port, with a host key and a client
 * key made for this run, public-key login only, as the current user (authorized_keys in the temp folder), in
 * the foreground (`sshd -D -e -f config`). The remote FreeBSD tools are the sim shim: wrappers named after
 * each tool come first in the session's PATH and play a simulated scenario kept in a state file.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
// esbuild comes with tsx (a dependency): one bundled shim starts in a fraction of tsx's time per call.
import { build } from 'esbuild';
import { tools } from '../../../src/host/simulated/tools';
import type { Scenario } from '../../../src/host/simulated/scenario';

const root = resolve(import.meta.dirname, '../../..');
const SSHD_PATHS = ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/usr/bin/sshd'];

export interface TestSshd {
  dir: string;
  port: number;
  user: string;
  /** The client's private key (for SshHost's identityFile, or to add to an agent). */
  clientKey: string;
  /** The server's host key fingerprint, `SHA256:…`, as ssh-keygen prints it. */
  hostFingerprint: string;
  /** The simulated machine the shim plays; replaced by `setScenario`. */
  statePath: string;
  /** Where a test asks the shim to cut the connection (see sim-shim.ts). */
  dropPath: string;
  /** Detached jobs (see sim-shim.ts): the host's job root, the file that holds a job half-way, the runs. */
  jobsDir: string;
  holdPath: string;
  runsPath: string;
  /** A directory on the remote PATH for extra helpers (the argv printer). */
  binDir: string;
  /** The server's public host key file (`type base64 comment`). */
  hostPublicKey: string;
  /** Logins sshd accepted so far (one per connection), from its log. */
  acceptedLogins(): number;
  /** Everything sshd printed so far (with `logLevel: 'DEBUG1'`, the channels it opened). */
  log(): string;
  /** What this sshd enforces, read back with `sshd -T`: `maxstartups` and `maxsessions`. */
  stockLimits(): { maxstartups: string; maxsessions: string };
  setScenario(scenario: Scenario): Promise<void>;
  readScenario(): Promise<Scenario>;
  stop(): Promise<void>;
}

/** Where sshd is, or null; the SSH tests skip with this reason only when it is missing. */
export function findSshd(): string | null {
  return SSHD_PATHS.find((p) => existsSync(p)) ?? null;
}

/** The remote helper that prints its argv; split its output with `printedArgv`. */
export const ARGV_PRINTER = 'argv-print';
export const printedArgv = (stdout: string): string[] => stdout.split('\0').slice(1, -1);

export const sshdMissingReason = 'sshd not found (apt-get install openssh-server openssh-client)';

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const keygen = (file: string): void => {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'egpu-wizard-test', '-f', file], { stdio: 'ignore' });
};

/** Waits until sshd accepts connections, or fails with what it printed. */
async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${log()}`);
    const open = await new Promise<boolean>((done) => {
      const socket = createServer().listen(port, '127.0.0.1');
      socket.once('listening', () => socket.close(() => done(false)));
      socket.once('error', () => done(true));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not start listening on ${port}: ${log()}`);
}

/**
 * The login for the tests. As root: a dedicated system user with /bin/sh and no dot files, so no shell
 * start-up file runs commands through the shim; created once with useradd. Otherwise the current user.
 */
const TEST_USER = 'egpu-sshtest';

function testAccount(): { user: string; uid: number; gid: number } {
  if (process.getuid?.() !== 0) {
    const me = userInfo();
    return { user: me.username, uid: me.uid, gid: me.gid };
  }
  if (spawnSync('id', ['-u', TEST_USER]).status !== 0) {
    // Password `*`: no password can match, yet the account is not locked (sshd without PAM refuses a locked one).
    execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', '/', '--shell', '/bin/sh', '--password', '*', TEST_USER], { stdio: 'ignore' });
  }
  const id = (flag: string): number => Number(execFileSync('id', [flag, TEST_USER], { encoding: 'utf8' }).trim());
  return { user: TEST_USER, uid: id('-u'), gid: id('-g') };
}

export interface SshdOptions {
  /** sshd's LogLevel; DEBUG1 logs each stdio forward (`server_request_direct_tcpip`) a client asked for. */
  logLevel?: 'INFO' | 'VERBOSE' | 'DEBUG1';
}

export async function startSshd(initial: Scenario, options: SshdOptions = {}): Promise<TestSshd> {
  const sshd = findSshd();
  if (sshd === null) throw new Error(sshdMissingReason);
  const dir = await mkdtemp(join(tmpdir(), 'egpu-sshd-'));
  const binDir = join(dir, 'bin');
  await mkdir(binDir);
  const hostKey = join(dir, 'host_key');
  const clientKey = join(dir, 'client_key');
  keygen(hostKey);
  keygen(clientKey);
  await writeFile(join(dir, 'authorized_keys'), await readFile(`${clientKey}.pub`));
  // The remote user's own folder: the shim replaces the state file atomically (a new file, then rename).
  const remoteDir = join(dir, 'remote');
  await mkdir(remoteDir);
  const statePath = join(remoteDir, 'machine.json');
  const dropPath = join(remoteDir, 'drop.json');
  const jobsDir = join(remoteDir, 'jobs');
  const holdPath = join(remoteDir, 'hold');
  const runsPath = join(remoteDir, 'runs.log');
  await mkdir(jobsDir);
  await writeFile(statePath, JSON.stringify(initial));

  const account = testAccount();
  // One wrapper per simulated tool, all running the bundled shim under this very node.
  const shim = join(dir, 'sim-shim.mjs');
  await build({
    entryPoints: [join(root, 'test', 'ssh', 'support', 'sim-shim.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: shim,
    logLevel: 'error',
  });
  for (const tool of tools) {
    const wrapper = `#!/bin/sh\nexec '${process.execPath}' '${shim}' '${tool.program}' "$@"\n`;
    await writeFile(join(binDir, tool.program), wrapper, { mode: 0o755 });
  }
  // Prints the words it was given, NUL-separated, after a marker (so that no words prints no word).
  await writeFile(join(binDir, ARGV_PRINTER), `#!/bin/sh\nprintf '%s\\0' argv: "$@"\n`, { mode: 0o755 });

  const port = await freePort();
  const config = [
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${hostKey}`,
    'PidFile none',
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    // The keys live in a temp folder under /tmp (world-writable), which StrictModes would refuse.
    'StrictModes no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    `AllowUsers ${account.user}`,
    'UsePAM no',
    'PrintMotd no',
    `LogLevel ${options.logLevel ?? 'INFO'}`,
    // MaxStartups and MaxSessions are deliberately NOT set: the tests meet sshd's stock limits (10:30:100
    // unauthenticated connections, 10 sessions per connection), as on a stock FreeBSD or Debian server. A
    // harness that raised them would hide the very drops the wizard must survive. `stockLimits` reads them back.
    // The remote side: the shim's tools first, then the system's (env, sh).
    `SetEnv PATH=${binDir}:/usr/bin:/bin EGPU_SIM_STATE=${statePath} EGPU_SIM_DROP=${dropPath} EGPU_SIM_JOBS=${jobsDir} EGPU_SIM_HOLD=${holdPath} EGPU_SIM_RUNS=${runsPath}`,
  ].join('\n');
  const configPath = join(dir, 'sshd_config');
  await writeFile(configPath, `${config}\n`);
  // Debian's package leaves the privilege separation directory to systemd, which a container lacks.
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  await chmod(dir, 0o755);
  // The remote user reads and writes the machine's state and the drop file.
  await writeFile(dropPath, '{}');
  for (const path of [remoteDir, statePath, dropPath, jobsDir]) await chown(path, account.uid, account.gid);

  let output = '';
  const child = spawn(sshd, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitForPort(port, child, () => output);

  const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', `${hostKey}.pub`], { encoding: 'utf8' }).split(' ')[1] ?? '';
  return {
    dir,
    port,
    user: account.user,
    clientKey,
    hostFingerprint: fingerprint,
    statePath,
    dropPath,
    jobsDir,
    holdPath,
    runsPath,
    binDir,
    hostPublicKey: `${hostKey}.pub`,
    log: () => output,
    acceptedLogins: () => output.match(/^Accepted publickey for /gm)?.length ?? 0,
    stockLimits: () => {
      const settings = execFileSync(sshd, ['-T', '-f', configPath, '-C', `user=${account.user},host=localhost,addr=127.0.0.1`], { encoding: 'utf8' });
      const value = (key: string): string => new RegExp(`^${key} (.*)$`, 'm').exec(settings)?.[1] ?? '';
      return { maxstartups: value('maxstartups'), maxsessions: value('maxsessions') };
    },
    setScenario: async (scenario) => {
      await writeFile(statePath, JSON.stringify(scenario));
      await chown(statePath, account.uid, account.gid);
    },
    readScenario: async () => JSON.parse(await readFile(statePath, 'utf8')) as Scenario,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
