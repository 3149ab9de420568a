/**
 * SshHost against a real OpenSSH server on 127.0.0.1 (see support/sshd.ts), whose FreeBSD tools are played
 * by the sim shim. Skipped only where sshd is not installed; in CI (.ci/run installs it) a missing sshd fails.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { GUEST_KEY_PATH, guestKeyFile } from '../../src/bhyve/guest-key';
import { renderGuestTemplate } from '../../src/bhyve/guest-template';
import { TEMPLATE_PATH } from '../../src/bhyve/layout';
import { PlanApplier } from '../../src/config/apply';
import { journalFile } from '../../src/config/journal';
import { fileChange, type FileChange } from '../../src/config/plan';
import { catalogue, isCommandId, type CommandId } from '../../src/commands/catalogue';
import { CommandRunner, type CommandRun, type Elevation } from '../../src/commands/runner';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';
import { probeSsh, trustAndProbe } from '../../src/host/ssh/connect';
import { SshHost } from '../../src/host/ssh/ssh-host';
import { ensureSshReady } from '../../src/host/ssh/cli';
import { Backend } from '../../src/app/backend';
import { createHost } from '../../src/host/create-host';
import { hostileArgs, hostileWord } from '../host/ssh/hostile';
import { ARGV_PRINTER, findSshd, printedArgv, sshdMissingReason, startSshd, type TestSshd } from './support/sshd';

const haveSshd = findSshd() !== null;
const sudo: Elevation = { method: 'sudo', password: 'demo' };
const LOADER = '/boot/loader.conf';
const RC = '/etc/rc.conf';

// In CI the tests run even without sshd, and fail with the reason: .ci/run must have installed it.
describe.skipIf(!haveSshd && process.env.CI === undefined)(haveSshd ? 'SshHost over a real sshd' : `SshHost over a real sshd — SKIPPED: ${sshdMissingReason}`, () => {
  let sshd: TestSshd;
  let dir: string;
  let userKnownHosts: string;

  /** Every host made here, so that their master connections end with the tests. */
  const made: SshHost[] = [];

  /** A host as the wizard makes it, with the test's client key and a stand-in for the user's known_hosts. */
  const hostFor = (knownHostsFile: string): SshHost => {
    const host = new SshHost(
      { user: sshd.user, host: '127.0.0.1', port: sshd.port },
      { knownHostsFile, userKnownHostsFiles: [userKnownHosts], identityFile: sshd.clientKey, connectTimeoutSeconds: 5 },
    );
    made.push(host);
    return host;
  };

  /** A host whose key is already trusted, as after the user accepted it. */
  let trusted: SshHost;

  beforeAll(async () => {
    sshd = await startSshd(loadScenario('x220-fresh'));
    dir = await mkdtemp(join(tmpdir(), 'egpu-ssh-test-'));
    userKnownHosts = join(dir, 'user_known_hosts');
    await writeFile(userKnownHosts, '# the user\'s own file, never written by the wizard\n');
    trusted = hostFor(join(dir, 'trusted_known_hosts'));
    const probe = await probeSsh(trusted);
    expect(probe.status).toBe('unknown-key');
    expect((await trustAndProbe(trusted, probe.key?.fingerprint ?? '')).status).toBe('ok');
  }, 60_000);

  afterAll(async () => {
    for (const host of made) await host.close();
    await sshd?.stop();
  }, 60_000);

  beforeEach(async () => {
    await sshd.setScenario(loadScenario('x220-fresh'));
    await writeFile(sshd.dropPath, '{}');
  });

  describe('host keys', () => {
    it('shows an unknown key with its fingerprint and trusts only the one the user accepted', async () => {
      const knownHosts = join(dir, 'wizard_known_hosts');
      const host = hostFor(knownHosts);
      const probe = await probeSsh(host);
      expect(probe).toEqual({ spec: host.spec, status: 'unknown-key', key: { type: 'ssh-ed25519', fingerprint: sshd.hostFingerprint }, problem: null });
      expect(existsSync(knownHosts)).toBe(false);

      // A fingerprint the host does not offer (a mistyped or stale one) writes nothing.
      const wrong = `SHA256:${'A'.repeat(43)}`;
      expect(await trustAndProbe(host, wrong)).toMatchObject({ status: 'failed', problem: { key: 'ssh.error.key-mismatch' } });
      expect(existsSync(knownHosts)).toBe(false);

      expect(await trustAndProbe(host, sshd.hostFingerprint)).toMatchObject({ status: 'ok', key: null, problem: null });
      const lines = (await readFile(knownHosts, 'utf8')).trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd.port} ssh-ed25519 AAAA`));
      // The user's known_hosts was read, never written.
      expect(await readFile(userKnownHosts, 'utf8')).toBe('# the user\'s own file, never written by the wizard\n');
    }, 60_000);

    it('refuses a changed host key with a clear error and never overwrites the known one', async () => {
      const knownHosts = join(dir, 'changed_known_hosts');
      const other = join(dir, 'other_key');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
      const [type, blob] = (await readFile(`${other}.pub`, 'utf8')).split(' ');
      const before = `[127.0.0.1]:${sshd.port} ${type} ${blob}\n`;
      await writeFile(knownHosts, before);
      const host = hostFor(knownHosts);
      const probe = await probeSsh(host);
      expect(probe).toMatchObject({ status: 'failed', key: null, problem: { key: 'ssh.error.host-key-changed' } });
      const run = await new CommandRunner(host, new AuditLog(null), () => sudo).run('uname', {});
      expect(run.outcome).toBe('connection-lost');
      expect(run.transport?.kind).toBe('host-key-changed');
      expect(await readFile(knownHosts, 'utf8')).toBe(before);
    }, 60_000);
  });

  describe('argv quoting', () => {
    const remoteArgv = async (args: readonly string[]): Promise<string[]> => {
      const result = await trusted.exec({ argv: [ARGV_PRINTER, ...args], timeoutMs: 20_000 });
      expect(result.exitCode, result.stderr).toBe(0);
      return printedArgv(result.stdout);
    };

    it('delivers the hostile examples to the remote program exactly', async () => {
      expect(await remoteArgv(hostileArgs)).toEqual(hostileArgs);
      expect(await remoteArgv([])).toEqual([]);
    }, 30_000);

    it('delivers any argv exactly (property, through ssh and the remote shell)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(hostileWord, { maxLength: 10 }), async (args) => {
          expect(await remoteArgv(args)).toEqual(args);
        }),
        { numRuns: 25 },
      );
    }, 120_000);
  });

  describe('the catalogue through SshHost and the shim', () => {
    /** Every catalogue command, in an order that also changes the machine (a file written, a restart). */
    const sequence: { id: CommandId; args: Record<string, unknown> }[] = [
      { id: 'uname', args: {} },
      { id: 'kenv', args: {} },
      { id: 'pciconf', args: { verbose: true, bars: true } },
      { id: 'pciconfCaps', args: {} },
      { id: 'acpiTables', args: {} },
      { id: 'kldstat', args: {} },
      { id: 'sysctl', args: { key: 'hw.model' } },
      { id: 'sysctl', args: { key: 'no.such.oid' } },
      { id: 'sysctlTree', args: { roots: ['dev.pcib', 'dev.vgapci'] } },
      { id: 'pkgQuery', args: {} },
      { id: 'nvidiaSmi', args: {} },
      { id: 'nvidiaSmiQuery', args: { fields: ['index', 'name'] } },
      { id: 'dmesg', args: {} },
      { id: 'dmesgBoot', args: {} },
      { id: 'idUid', args: {} },
      { id: 'idName', args: {} },
      { id: 'which', args: { program: 'sudo' } },
      { id: 'which', args: { program: 'doas' } },
      { id: 'sudoProbe', args: {} },
      { id: 'doasProbe', args: {} },
      { id: 'privilegeProbe', args: {} },
      { id: 'readManaged', args: { path: LOADER } },
      { id: 'statManaged', args: { path: LOADER } },
      { id: 'stageManaged', args: { path: LOADER, content: "# it's $(id) `x` ;|&*\nnvidia_load=\"YES\"\n中文\n" } },
      { id: 'ownStaged', args: { path: LOADER, owner: 'root', group: 'wheel' } },
      { id: 'modeStaged', args: { path: LOADER, mode: '644' } },
      { id: 'commitStaged', args: { path: LOADER } },
      { id: 'readManaged', args: { path: LOADER } },
      { id: 'discardStaged', args: { path: RC } },
      { id: 'pkgRquery', args: {} },
      { id: 'pkgInstall', args: { packages: ['nvidia-driver-580', 'linux-nvidia-libs-580'] } },
      { id: 'pkgUpgrade', args: { packages: ['nvidia-driver-580'] } },
      { id: 'kldload', args: { module: 'nvidia-modeset' } },
      { id: 'nvidiaSmiQuery', args: { fields: ['name', 'driver_version'] } },
      { id: 'pkgInstallTool', args: { package: 'debootstrap' } },
      { id: 'debootstrap', args: {} },
      { id: 'readOsRelease', args: {} },
      { id: 'listDir', args: { dir: '/usr/local/jails/cuda' } },
      { id: 'listDir', args: { dir: '/dev' } },
      { id: 'serviceLinuxStart', args: {} },
      { id: 'serviceDevfsRestart', args: {} },
      { id: 'serviceJailStart', args: {} },
      { id: 'serviceJailRestart', args: {} },
      { id: 'jls', args: {} },
      { id: 'mounts', args: {} },
      { id: 'jailLibcuda', args: {} },
      { id: 'fetchNvidiaInstaller', args: { version: '580.105.08' } },
      { id: 'jailInstallNvidia', args: { version: '580.105.08' } },
      { id: 'jailNvidiaSmi', args: {} },
      { id: 'fetchCudaToolkit', args: {} },
      { id: 'jailInstallCuda', args: {} },
      { id: 'jailNvcc', args: {} },
      { id: 'jailDeviceQuery', args: {} },
      { id: 'pkgInstallTool', args: { package: 'libc6-shim' } },
      { id: 'nvSglrunSmi', args: {} },
      { id: 'removeJailRoot', args: {} },
      { id: 'listDir', args: { dir: '/usr/local/jails/cuda/dev' } },
      { id: 'llamaSource', args: {} },
      { id: 'llamaVersion', args: {} },
      { id: 'llamaFetchSource', args: {} },
      { id: 'llamaConfigure', args: {} },
      { id: 'llamaBuild', args: {} },
      { id: 'modelSize', args: {} },
      { id: 'modelFetch', args: {} },
      { id: 'llamaGenerate', args: {} },
      { id: 'llamaBench', args: {} },
      { id: 'ollamaVersion', args: {} },
      { id: 'ollamaLibs', args: {} },
      { id: 'ollamaLog', args: {} },
      { id: 'jailCurl', args: {} },
      { id: 'jailAptUpdate', args: {} },
      { id: 'jailInstallCurl', args: {} },
      { id: 'ollamaFetchRelease', args: {} },
      { id: 'ollamaCheckArchive', args: {} },
      { id: 'ollamaRemoveLibs', args: {} },
      { id: 'ollamaExtract', args: {} },
      { id: 'ollamaService', args: { verb: 'start' } },
      { id: 'ollamaService', args: { verb: 'restart' } },
      { id: 'ollamaList', args: {} },
      { id: 'ollamaPull', args: {} },
      { id: 'ollamaGenerate', args: {} },
      { id: 'ollamaPs', args: {} },
      { id: 'pkgRqueryRuntimes', args: {} },
      { id: 'vulkaninfoSummary', args: {} },
      { id: 'pkgInstallVmBhyve', args: {} },
      { id: 'vmSystemConf', args: {} },
      { id: 'mkdirVmDir', args: {} },
      { id: 'vmInit', args: {} },
      { id: 'vmImages', args: {} },
      { id: 'vmSwitchCreate', args: {} },
      { id: 'vmSwitchAdd', args: { iface: 'em0' } },
      { id: 'vmImgFetch', args: {} },
      { id: 'ifconfigInet', args: {} },
      { id: 'routeDefault', args: {} },
      { id: 'resolvConf', args: {} },
      { id: 'arpTable', args: {} },
      { id: 'pingAddress', args: { address: '192.168.1.200' } },
      { id: 'vmCreate', args: { network: { address: '192.168.1.200', prefix: 24, gateway: '192.168.1.1', nameservers: ['192.168.1.1'] } } },
      { id: 'vmGuestNetwork', args: {} },
      { id: 'vmStart', args: {} },
      { id: 'vmList', args: {} },
      { id: 'vmLog', args: {} },
      { id: 'vmStop', args: {} },
      { id: 'vmDestroy', args: {} },
      { id: 'detachedStatus', args: { jobId: 'debootstrap-1' } },
      { id: 'detachedStop', args: { pgid: 99999 } },
      { id: 'hostBootTime', args: {} },
      { id: 'detachedBoot', args: { jobId: 'debootstrap-1' } },
      { id: 'detachedAlive', args: { pgid: 99999 } },
      // The passthrough route's guest, as far as this X220 lets it get (its card is not reserved: the log says so).
      { id: 'pkgInstallVmBhyve', args: {} },
      { id: 'vmList', args: {} },
      { id: 'stageManaged', args: { path: RC, content: 'vm_enable="YES"\nvm_dir="/vm"\n' } },
      { id: 'commitStaged', args: { path: RC } },
      { id: 'mkdirVmDir', args: {} },
      { id: 'vmInit', args: {} },
      { id: 'vmSwitchCreate', args: {} },
      { id: 'vmSwitchAdd', args: { iface: 'em0' } },
      { id: 'stageManaged', args: { path: TEMPLATE_PATH, content: renderGuestTemplate({ passthru: '5/0/0', memoryGib: 5, cpus: 2 }) } },
      { id: 'commitStaged', args: { path: TEMPLATE_PATH } },
      { id: 'stageManaged', args: { path: GUEST_KEY_PATH, content: guestKeyFile(`ssh-ed25519 ${'C'.repeat(68)} egpu-wizard-guest`) } },
      { id: 'commitStaged', args: { path: GUEST_KEY_PATH } },
      { id: 'vmImgFetch', args: {} },
      { id: 'vmCreate', args: { network: { address: '192.168.1.200', prefix: 24, gateway: '192.168.1.1', nameservers: ['192.168.1.1'] } } },
      { id: 'vmStart', args: {} },
      { id: 'vmList', args: {} },
      { id: 'vmStop', args: {} },
      { id: 'vmDestroy', args: {} },
      { id: 'vmList', args: {} },
      { id: 'removeCreated', args: { path: TEMPLATE_PATH } },
      { id: 'restart', args: {} },
      { id: 'kldstat', args: {} },
    ];
    /** Started and read in test/ssh/detached-sshd.test.ts: a real detached job ends when it ends, not in this order. */
    const elsewhere: CommandId[] = [
      'detachedStart',
      'detachedLog',
      // Run inside the passthrough guest, not on the host (test/steps/passthrough-guest.test.ts).
      ...Object.values(catalogue)
        .filter((spec) => 'target' in spec && spec.target === 'guest')
        .map((spec) => spec.id)
        .filter(isCommandId),
    ];

    const summary = (run: CommandRun<unknown>) => ({ outcome: run.outcome, exitCode: run.exitCode, argv: run.argv, parsed: run.parsed });

    it('covers every catalogue entry', () => {
      expect(new Set([...sequence.map((s) => s.id), ...elsewhere])).toEqual(new Set(Object.keys(catalogue)));
    });

    it('parses to what the SimulatedHost gives directly, and leaves the same machine', async () => {
      const direct = new SimulatedHost(loadScenario('x220-fresh'), { timeScale: 0 });
      const local = new CommandRunner(direct, new AuditLog(null), () => sudo);
      const remote = new CommandRunner(trusted, new AuditLog(null), () => sudo);
      for (const { id, args } of sequence) {
        const expected = summary(await local.run(id, args as never));
        const got = summary(await remote.run(id, args as never));
        expect(got, `${id} ${JSON.stringify(args)} ${JSON.stringify(got.parsed)}`).toEqual(expected);
      }
      expect(await sshd.readScenario()).toEqual(direct.snapshot());
    }, 180_000);
  });

  describe('a lost connection', () => {
    /** Cuts the connection at the `nth` call of `argv0` (once), before or after its effect. */
    const dropOn = (argv0: string, when: 'before' | 'after', nth = 1) =>
      writeFile(sshd.dropPath, JSON.stringify({ argv0, when, skip: nth - 1, times: 1 }));

    it('is a connection-lost outcome, and the same command works when retried', async () => {
      const runner = new CommandRunner(trusted, new AuditLog(null), () => sudo);
      await dropOn('kldstat', 'before');
      const lost = await runner.run('kldstat', {});
      expect(lost.outcome).toBe('connection-lost');
      expect(lost.transport?.kind).toBe('connection-lost');
      expect(lost.parsed.ok).toBe(false);
      const retried = await runner.run('kldstat', {});
      expect(retried.outcome).toBe('ok');
      expect(retried.parsed.ok).toBe(true);
    }, 60_000);

    /** Applies loader.conf and rc.conf changes with the connection cut at one command; returns what is left. */
    async function applyWithDrop(argv0: string, when: 'before' | 'after', nth: number) {
      const start = loadScenario('x220-fresh');
      const loader = start.files[LOADER] ?? null;
      const rc = start.files[RC] ?? null;
      const changes = [
        fileChange(LOADER, loader, `${loader ?? ''}hw.pci.realloc_bars="1"\n`, []),
        fileChange(RC, rc, `${rc ?? ''}linux_enable="YES"\n`, []),
      ].filter((c): c is FileChange => c !== null);
      const runner = new CommandRunner(trusted, new AuditLog(null), () => sudo);
      const journal = journalFile(await mkdtemp(join(tmpdir(), 'egpu-ssh-apply-')));
      await dropOn(argv0, when, nth);
      const outcome = await new PlanApplier(runner, journal).apply(changes);
      const files = (await sshd.readScenario()).files;
      const saved = await journal.load();
      return { outcome, files, loader, rc, states: saved.status === 'loaded' ? saved.value.entries.map((e) => e.state) : [] };
    }

    it.each([
      ['mv', 'before', 1, { status: 'not-applied', path: LOADER, rolledBack: [] }],
      // The rename happened but its answer was lost: the original is put back.
      ['mv', 'after', 1, { status: 'restored', path: LOADER, rolledBack: [] }],
      ['tee', 'after', 1, { status: 'not-applied', path: LOADER, rolledBack: [] }],
      // The second file's rename: the first file, already replaced, is put back too.
      ['mv', 'after', 2, { status: 'restored', path: RC, rolledBack: [LOADER] }],
    ] as const)('during an apply (cut at %s, %s its effect, call %i) leaves nothing half-applied', async (argv0, when, nth, expected) => {
      const { outcome, files, loader, rc, states } = await applyWithDrop(argv0, when, nth);
      expect(outcome).toMatchObject(expected);
      if (outcome.status !== 'applied') expect(outcome.reason).toContain('connection');
      expect(files[LOADER] ?? null).toBe(loader);
      expect(files[RC] ?? null).toBe(rc);
      expect(Object.keys(files).filter((f) => f.endsWith('.egpu-new'))).toEqual([]);
      expect(states).not.toContain('applied');
      expect(states).not.toContain('applying');
    }, 120_000);
  });

  describe('in the app and the CLI', () => {
    it('probes and trusts through the contract, switches only to a trusted host, and reports a lost connection per check', async () => {
      const madeBefore = made.length;
      const dataDir = await mkdtemp(join(tmpdir(), 'egpu-ssh-backend-'));
      const knownHosts = join(dataDir, 'known_hosts');
      const backend = await Backend.create({
        dataDir,
        hostSpec: 'sim:x220-fresh',
        mode: 'browser',
        version: 'test',
        hostFactory: (spec) => (spec.startsWith('ssh://') ? hostFor(knownHosts) : createHost(spec)),
      });
      const spec = `ssh://${sshd.user}@127.0.0.1:${sshd.port}`;
      expect(await backend.dispatch('ssh:probe', { spec: 'local' })).toMatchObject({ ok: false, error: { code: 'invalid-state' } });
      expect(await backend.dispatch('ssh:probe', { spec: 'ssh://x@-oProxyCommand=id' })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
      expect(await backend.dispatch('ssh:probe', { spec })).toEqual({
        ok: true,
        data: { spec, status: 'unknown-key', key: { type: 'ssh-ed25519', fingerprint: sshd.hostFingerprint }, problem: null },
      });
      // Not before the key is accepted.
      expect(await backend.dispatch('host:select', { spec })).toMatchObject({ ok: false, error: { code: 'invalid-state' } });
      expect(await backend.dispatch('ssh:trust', { spec, fingerprint: sshd.hostFingerprint })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
      expect(await backend.dispatch('ssh:trust', { spec, fingerprint: sshd.hostFingerprint, confirmed: true })).toMatchObject({ ok: true, data: { status: 'ok' } });
      const selected = await backend.dispatch('host:select', { spec });
      expect(selected).toMatchObject({ ok: true, data: { host: { spec, simulated: false, label: { key: 'ssh.host.label' } }, hostPickerReason: null } });

      await writeFile(sshd.dropPath, JSON.stringify({ argv0: 'uname', when: 'before', skip: 0, times: 1 }));
      const state = backend.state();
      const checked = await backend.dispatch('wizard:runChecks', { stepId: state.current.id });
      expect(checked.ok).toBe(true);
      const reasons = backend.state().current.checks.map((c) => c.reason?.key);
      expect(reasons).toContain('ssh.error.connection-lost');
      // Running the checks again works: the connection is back.
      await backend.dispatch('wizard:runChecks', { stepId: state.current.id });
      expect(backend.state().current.checks.map((c) => c.reason?.key)).not.toContain('ssh.error.connection-lost');

      // The session's host has its master; the probes' hosts ended theirs.
      const [inUse, ...others] = made.slice(madeBefore).filter((h) => h.masterSocket !== null);
      expect(others).toEqual([]);
      const socket = inUse?.masterSocket ?? '';
      expect(existsSync(socket)).toBe(true);
      // Switching to another host ends the master connection.
      expect(await backend.dispatch('host:select', { spec: 'sim:x220-fresh' })).toMatchObject({ ok: true });
      expect(inUse?.masterSocket).toBeNull();
      expect(existsSync(socket)).toBe(false);
      await backend.close();
    }, 120_000);

    it('tells the CLI user the fingerprint and the command that accepts it', async () => {
      const host = hostFor(join(dir, 'cli_known_hosts'));
      await expect(ensureSshReady(host)).rejects.toThrow(`egpu-wizard trust-host ${host.spec} ${sshd.hostFingerprint}`);
      await ensureSshReady(trusted);
    }, 60_000);
  });
});
