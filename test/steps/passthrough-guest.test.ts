/**
 * Inside the passthrough route's guest, on the simulated X220 with VT-d: from `cuda` Running, the wizard logs
 * in at the address of vm-bhyve's network-config, installs NVIDIA's 580 driver from Ubuntu's archive, sees the
 * card with nvidia-smi and proves CUDA with deviceQuery. Also: no guest, no run; a stopped guest, no answer.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { renderGuestTemplate } from '../../src/bhyve/guest-template';
import { GUEST_NETWORK_CONFIG_PATH, TEMPLATE_PATH } from '../../src/bhyve/layout';
import { aptProgress, GUEST_CUDA_RUNFILE } from '../../src/commands/guest-commands';
import { CommandRunner } from '../../src/commands/runner';
import { LogEntry, type WizardState } from '../../src/contract/state';
import { VirtualClock } from '../../src/host/simulated/clock';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';
import { explainAptFailure, guestCudaCheck, guestDriverCheck, guestReachCheck } from '../../src/steps/cuda-jail/guest-checks';
import { CheckRound } from '../../src/wizard/run-checks';
import { atCudaJail } from './walk';

const STEP = 'cuda-jail';
const ADDRESS = '192.168.1.50';
/** The address the wizard plans on the simulated X220's LAN (the guest-host input's default). */
const WALK_ADDRESS = '192.168.1.200';
const check = (state: WizardState, id: string) => state.current.checks.find((c) => c.id === id);
const offered = (state: WizardState) => state.current.actions.filter((a) => a.offered).map((a) => a.id);
const lines = (state: WizardState, id: string) => check(state, id)?.evidence.flatMap((e) => e.lines.map((l) => l.text)) ?? [];

/** Runs argv as root on the simulated host through its sudo, as the tests of the VM do. */
const asRoot = (host: SimulatedHost) => async (argv: string[], stdin = '') => {
  const r = await host.exec({ argv: ['sudo', '-S', '-p', '', '-k', '--', ...argv], stdin: `demo\n${stdin}`, timeoutMs: 3_600_000 });
  expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
};

/** x220-vtd with vm-bhyve set up and the guest created with its fixed address, not started. */
async function createdGuest(root: (argv: string[], stdin?: string) => Promise<void>) {
  for (const argv of [['pkg', 'install', '-y', 'vm-bhyve', 'bhyve-firmware', 'qemu-tools'], ['mkdir', '-p', '/vm'], ['vm', 'init']]) await root(argv);
  await root(['tee', TEMPLATE_PATH], renderGuestTemplate({ passthru: '5/0/0', memoryGib: 5, cpus: 2 }));
  await root(['vm', 'create', '-t', 'egpu-cuda', '-C', '-n', `ip=${ADDRESS}/24;gateway=192.168.1.1;nameservers=192.168.1.1`, 'cuda']);
}

describe('inside the passthrough guest', () => {
  it('x220-vtd: from `cuda` Running to deviceQuery passing, each step proposed only when the one before passes', async () => {
    // apt's progress as the window sees it while the driver installs.
    const progress: string[] = [];
    const walk = await atCudaJail('x220-vtd', {
      onState: (seen) => {
        const shown = seen.current.actions.find((a) => a.id === 'guest-driver')?.progress;
        if (shown) progress.push(`${shown.done}/${shown.total} ${shown.label}`);
      },
    });
    const { call } = walk;
    const host = (): SimulatedHost => {
      const h = walk.host();
      if (h === null) throw new Error('no host');
      return h;
    };
    await call('wizard:runChecks', { stepId: STEP });
    await call('wizard:setInput', { stepId: STEP, inputId: 'route', value: 1 });
    for (const action of ['reserve', 'restart-reserve']) await call('wizard:runAction', { stepId: STEP, actionId: action, confirmed: true });
    let state = await call('wizard:runChecks', { stepId: STEP });
    // Before the guest exists the guest checks wait, and say what for.
    expect(check(state, 'guest-reach')).toMatchObject({ status: 'skip', reason: { key: 'guest.reach.later', params: { file: GUEST_NETWORK_CONFIG_PATH } } });
    expect(check(state, 'guest-cuda')).toMatchObject({ status: 'skip', reason: { key: 'guest.later' } });
    for (const action of ['vm-bhyve', 'vm-host', 'vm-template', 'vm-network', 'vm-guest']) {
      state = await call('wizard:runAction', { stepId: STEP, actionId: action, confirmed: true });
      expect(check(state, action)?.status, action).toBe('pass');
    }
    // Created but stopped: ssh finds nobody at the address.
    state = await call('wizard:runChecks', { stepId: STEP });
    expect(check(state, 'guest-reach')).toMatchObject({ status: 'error', reason: { key: 'ssh.error.unreachable', params: { host: `ubuntu@${WALK_ADDRESS}` } } });
    state = await call('wizard:runAction', { stepId: STEP, actionId: 'vm-running', confirmed: true });
    expect(check(state, 'vm-running')?.status).toBe('pass');

    // Logged in with the wizard's key; the evidence is the address in the network-config and os-release.
    expect(check(state, 'guest-reach')).toMatchObject({ status: 'pass', reason: { key: 'guest.reach.ok', params: { address: WALK_ADDRESS, user: 'ubuntu', key: 'bhyve/guest_ed25519', release: '24.04' } } });
    expect(lines(state, 'guest-reach')).toEqual(expect.arrayContaining([`      - ${WALK_ADDRESS}/24`, 'VERSION_ID="24.04"']));
    expect(check(state, 'guest-driver')).toMatchObject({ status: 'fail', reason: { key: 'guest.driver.missing', params: { missing: 'nvidia-headless-580-server, nvidia-utils-580-server' } } });
    expect(check(state, 'guest-smi')?.reason?.key).toBe('guest.smi.later');
    expect(offered(state)).toEqual(['guest-driver']);
    const driver = state.current.actions.find((a) => a.id === 'guest-driver');
    expect(driver?.commands.map((c) => c.argv.join(' '))).toEqual([
      'env DEBIAN_FRONTEND=noninteractive apt-get -y -o APT::Status-Fd=1 -o DPkg::Lock::Timeout=600 update',
      'env DEBIAN_FRONTEND=noninteractive apt-get -y -o APT::Status-Fd=1 -o DPkg::Lock::Timeout=600 install nvidia-headless-580-server nvidia-utils-580-server',
      'modprobe nvidia',
    ]);

    state = await call('wizard:runAction', { stepId: STEP, actionId: 'guest-driver', confirmed: true });
    expect(check(state, 'guest-driver')).toMatchObject({ status: 'pass', reason: { key: 'guest.driver.ok', params: { loaded: '580.95.05' } } });
    expect(progress).toEqual(expect.arrayContaining(['100/100 Retrieving file 10 of 10', '30/100 Installing nvidia-dkms-580-server (amd64)', '100/100 Installing nvidia-utils-580-server (amd64)']));
    expect(check(state, 'guest-smi')).toMatchObject({ status: 'pass', reason: { key: 'guest.smi.ok', params: { name: 'Tesla P4', memory: 7680, version: '580.95.05' } } });
    expect(check(state, 'guest-cuda')).toMatchObject({ status: 'fail', reason: { key: 'guest.cuda.noToolkit', params: { release: '12.4' } } });
    expect(offered(state)).toEqual(['guest-cuda']);

    state = await call('wizard:runAction', { stepId: STEP, actionId: 'guest-cuda', confirmed: true });
    expect(check(state, 'guest-cuda')).toMatchObject({ status: 'pass', reason: { key: 'guest.cuda.ok', params: { name: 'Tesla P4', memory: 7680, cc: '6.1', release: '12.4' } } });
    expect(lines(state, 'guest-cuda')).toEqual(expect.arrayContaining(['Device 0: "Tesla P4"', '  CUDA Capability Major/Minor version number:    6.1', 'Result = PASS']));
    expect(offered(state)).toEqual([]);

    // The guest's commands are audited with the guest as their host, and privileged ones ran through sudo -n.
    await walk.backend.audit.flush();
    const entries = (await readFile(join(walk.dataDir, 'audit.log'), 'utf8')).split('\n').filter((l) => l !== '').map((l): LogEntry => LogEntry.parse(JSON.parse(l)));
    const install = entries.find((e) => e.commandId === 'guestAptInstallDriver');
    expect(install).toMatchObject({ host: `ssh://ubuntu@${WALK_ADDRESS}`, outcome: 'ok', privileged: true });
    expect(install?.argv.slice(0, 3)).toEqual(['sudo', '-n', '--']);
    expect(entries.some((e) => e.commandId === 'vmGuestNetwork' && e.host === 'sim:x220-vtd')).toBe(true);

    // The guest keeps what was installed over the host's restart; the module loads at the guest's next boot.
    host().restart();
    state = await call('wizard:runChecks', { stepId: STEP });
    expect(check(state, 'guest-reach')?.reason?.key).toBe('ssh.error.unreachable');
    state = await call('wizard:runAction', { stepId: STEP, actionId: 'vm-running', confirmed: true });
    expect(check(state, 'guest-driver')?.status).toBe('pass');
    expect(check(state, 'guest-cuda')?.status).toBe('pass');
  });
});

/** A check on a simulated X220 whose guest `prepare` has set up, with a runner that has a data folder (or not). */
async function verdict(
  checkDef: typeof guestReachCheck,
  prepare: (root: (argv: string[], stdin?: string) => Promise<void>, host: SimulatedHost) => Promise<void>,
  dataDir: string | null,
  edit: (scenario: ReturnType<typeof loadScenario>) => void = () => {},
) {
  const scenario = loadScenario('x220-vtd');
  scenario.files['/etc/rc.conf'] = `${scenario.files['/etc/rc.conf'] ?? ''}vm_enable="YES"\nvm_dir="/vm"\n`;
  edit(scenario);
  const host = new SimulatedHost(scenario, { clock: new VirtualClock() });
  await prepare(asRoot(host), host);
  const audit = new AuditLog(null);
  const runner = new CommandRunner(host, audit, () => ({ method: 'sudo', password: 'demo' }), dataDir === null ? {} : { dataDir });
  return { runner, verdict: (await new CheckRound(runner, {}).check(checkDef, { passwordVerified: true, inputs: { route: 1 } })).verdict };
}

describe('when there is no guest to run in', () => {
  it('without the network-config the runner refuses, audited, and the login check waits for vm create', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'egpu-guest-'));
    const { runner, verdict: v } = await verdict(guestReachCheck, async () => {}, dataDir);
    expect(v).toMatchObject({ status: 'skip', reason: { key: 'guest.reach.later' } });
    const run = await runner.run('guestNvidiaSmi', {});
    expect(run).toMatchObject({ outcome: 'refused', refusal: 'no-guest', noGuest: 'no-network-config', exitCode: null });
  });

  it('a runner without a data folder has no key and refuses guest commands before reading anything', async () => {
    const { runner, verdict: v } = await verdict(guestReachCheck, async (root) => createdGuest(root), null);
    expect(v).toMatchObject({ status: 'error', reason: { key: 'guest.reach.noKey' } });
    expect((await runner.run('guestOsRelease', {})).noGuest).toBe('no-data-dir');
  });

  it('a network-config without a static address (DHCP) is named, with the way out', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'egpu-guest-'));
    const { verdict: v } = await verdict(
      guestReachCheck,
      async (root) => {
        await createdGuest(root);
        await root(['tee', GUEST_NETWORK_CONFIG_PATH], 'version: 2\nethernets:\n  id0:\n    dhcp4: true\n');
      },
      dataDir,
    );
    expect(v).toMatchObject({ status: 'fail', reason: { key: 'guest.reach.noStaticAddress' }, advice: [{ key: 'guest.reach.advice.recreate' }] });
  });

  it('while the VM is stopped the guest does not answer: unreachable, like ssh, naming the guest’s address', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'egpu-guest-'));
    const { runner, verdict: v } = await verdict(guestCudaCheck, async (root) => createdGuest(root), dataDir);
    expect(v).toMatchObject({ status: 'error', reason: { key: 'ssh.error.unreachable', params: { host: `ubuntu@${ADDRESS}` } } });
    const run = await runner.run('guestOsRelease', {});
    expect(run).toMatchObject({ outcome: 'connection-lost', transport: { kind: 'unreachable' }, host: `ssh://ubuntu@${ADDRESS}` });
  });

  it('cancelled while the guest’s address is read, a guest command ends cancelled, not refused', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'egpu-guest-'));
    const { runner } = await verdict(guestReachCheck, async (root) => createdGuest(root), dataDir);
    const controller = new AbortController();
    controller.abort();
    const run = await runner.run('guestAptInstallDriver', {}, { signal: controller.signal });
    expect(run).toMatchObject({ outcome: 'cancelled', refusal: null, argv: ['sudo', '-n', '--', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-y', '-o', 'APT::Status-Fd=1', '-o', 'DPkg::Lock::Timeout=600', 'install', 'nvidia-headless-580-server', 'nvidia-utils-580-server'] });
  });

  it('a guest at another address than the network-config says is not the wizard’s guest', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'egpu-guest-'));
    const scenario = loadScenario('x220-vtd');
    const host = new SimulatedHost(scenario, { clock: new VirtualClock() });
    const other = host.guest({ address: '192.168.1.51', user: 'ubuntu', identityFile: join(dataDir, 'k'), knownHostsFile: join(dataDir, 'h') });
    const result = await other.exec({ argv: ['true'], timeoutMs: 1000 });
    expect(result.transport?.kind).toBe('unreachable');
  });
});

describe('an install cut off half-way', () => {
  it('leaves the packages unpacked; the driver check has dpkg finish them, then the driver loads', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'egpu-guest-'));
    const running = (scenario: ReturnType<typeof loadScenario>) => {
      scenario.bhyveGuests = [{ name: 'cuda', pid: 4800 }];
    };
    const { runner } = await verdict(guestDriverCheck, async (root) => createdGuest(root), dataDir, running);
    await runner.run('guestAptUpdate', {});
    // The session drops once dpkg has begun: the run ends, dpkg's work is left half done.
    const controller = new AbortController();
    const cut = await runner.run('guestAptInstallDriver', {}, { signal: controller.signal, onLine: (_id, _c, _s, line) => void (line.startsWith('pmstatus:') && controller.abort()) });
    expect(cut.outcome).toBe('cancelled');
    const round = () => new CheckRound(runner, {}).check(guestDriverCheck, { passwordVerified: true, inputs: { route: 1 } });
    const after = (await round()).verdict;
    expect(after).toMatchObject({ status: 'fail', reason: { key: 'guest.driver.unfinished', params: { packages: 'nvidia-headless-580-server, nvidia-utils-580-server' } } });
    expect(after.evidence[0]?.lines.map((l) => l.text)).toEqual([expect.stringMatching(/^iU \tnvidia-headless-580-server\t580\./), expect.stringMatching(/^iU \tnvidia-utils-580-server\t/)]);
    // apt alone refuses, in words the action explains.
    const again = await runner.run('guestAptInstallDriver', {});
    expect(explainAptFailure(again)).toEqual({ key: 'guest.apt.interrupted' });
    for (const invocation of after.commands ?? []) expect((await runner.run(invocation.command, invocation.args as never)).outcome, invocation.command).toBe('ok');
    expect((await round()).verdict).toMatchObject({ status: 'pass', reason: { key: 'guest.driver.ok', params: { loaded: '580.95.05' } } });
  });
});

describe('CUDA in the guest', () => {
  it('a CUDA 13 toolkit is refused for the Pascal card, and 12.4 is proposed beside it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'egpu-guest-'));
    const { verdict: v } = await verdict(
      guestCudaCheck,
      // A running guest whose user installed CUDA 13 by hand (its state is the scenario's, set before the host exists).
      async (root) => createdGuest(root),
      dataDir,
      (scenario) => {
        scenario.bhyveGuests = [{ name: 'cuda', pid: 4800 }];
        scenario.ubuntuGuest = { aptUpdated: true, driver: '580.95.05-0ubuntu0.24.04.2', installedIn: null, loadedIn: null, downloads: [], cudaToolkit: '13.0' };
      },
    );
    expect(v).toMatchObject({ status: 'fail', reason: { key: 'guest.cuda.tooNew', params: { found: '13.0', release: '12.4' } }, advice: [{ key: 'jail.cuda.advice.pascal' }] });
    expect(v.commands?.map((c) => c.command)).toEqual(['guestFetchCuda', 'guestInstallCuda']);
    expect(v.evidence[0]?.lines.map((l) => l.text)).toEqual(['Cuda compilation tools, release 13.0, V13.0.131']);
  });
});

describe('apt’s progress', () => {
  it('reads APT::Status-Fd lines and nothing else', () => {
    expect(aptProgress('dlstatus:3:12.5:Retrieving file 3 of 42')).toEqual({ done: 13, total: 100, label: 'Retrieving file 3 of 42' });
    expect(aptProgress('pmstatus:nvidia-dkms-580-server:60.0000:Installing nvidia-dkms-580-server (amd64)')).toMatchObject({ done: 60 });
    expect(aptProgress('Setting up nvidia-dkms-580-server (580.95.05) ...')).toBeNull();
    expect(GUEST_CUDA_RUNFILE).toMatch(/^\/var\/tmp\/cuda_12\.4\.1_/);
  });
});
