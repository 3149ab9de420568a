import { describe, expect, it } from 'vitest';
import type { WizardState } from '../../src/contract/state';
import { JAIL_FSTAB, JAIL_ROOT } from '../../src/jail/layout';
import { VirtualClock } from '../../src/host/simulated/clock';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';
import { atCudaJail, files } from './walk';

const check = (state: WizardState, id: string) => state.current.checks.find((c) => c.id === id);
const action = (state: WizardState, id: string) => state.current.actions.find((a) => a.id === id);
const statuses = (state: WizardState) => Object.fromEntries(state.current.checks.map((c) => [c.id, c.status]));
const offered = (state: WizardState) => state.current.actions.filter((a) => a.offered).map((a) => a.id);

describe('the Linux jail step on x220-fresh', () => {
  it('builds the userland, writes fstab, devfs.rules and jail.conf, starts the jail, and proves CUDA inside it', async () => {
    const { call, host } = await atCudaJail('x220-fresh');
    let state = await call('wizard:runChecks', { stepId: 'cuda-jail' });
    expect(state.current.id).toBe('cuda-jail');
    expect(statuses(state)).toEqual({ route: 'pass', linux: 'pass', userland: 'fail', mounts: 'fail', devfs: 'fail', jail: 'fail', 'nvidia-userland': 'skip', 'jail-smi': 'skip', cuda: 'skip', shim: 'skip' });
    expect(check(state, 'userland')?.reason).toMatchObject({ key: 'jail.userland.none', params: { root: JAIL_ROOT, suite: 'jammy' } });
    expect(action(state, 'build')?.commands.map((c) => c.argv.join(' '))).toEqual(['pkg install -y debootstrap', `debootstrap --arch=amd64 jammy ${JAIL_ROOT} http://archive.ubuntu.com/ubuntu/`]);
    expect(offered(state)).not.toContain('remove');

    state = await call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'build', confirmed: true });
    expect(check(state, 'userland')).toMatchObject({ status: 'pass', reason: { key: 'jail.userland.ok', params: { name: 'Ubuntu 22.04.5 LTS' } } });

    state = await call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'mounts', confirmed: true });
    expect(files(host())[JAIL_FSTAB]?.split('\n').map((l) => l.split('\t').slice(0, 3).join(' '))).toEqual([
      `devfs ${JAIL_ROOT}/dev devfs`,
      `tmpfs ${JAIL_ROOT}/dev/shm tmpfs`,
      `linprocfs ${JAIL_ROOT}/proc linprocfs`,
      `linsysfs ${JAIL_ROOT}/sys linsysfs`,
      '',
    ]);
    const devfs = action(state, 'devfs');
    expect(devfs?.files.map((f) => f.path)).toEqual(['/etc/devfs.rules']);
    state = await call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'devfs', confirmed: true });
    const rules = files(host())['/etc/devfs.rules'] ?? '';
    expect(rules).toContain('[devfsrules_jail_cuda=61]');
    expect(rules.split('\n').filter((l) => l.startsWith('add'))).toEqual([
      'add include $devfsrules_hide_all',
      'add include $devfsrules_unhide_basic',
      'add path nvidiactl unhide',
      "add path 'nvidia[0-9]*' unhide",
      'add path nvidia-modeset unhide',
    ]);
    expect(check(state, 'devfs')?.reason?.key).toBe('jail.devfs.okNotRunning');

    expect(action(state, 'jail')?.commands.map((c) => c.argv.join(' '))).toContain('service jail start cuda');
    state = await call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'jail', confirmed: true });
    expect(files(host())['/etc/jail.conf']).toMatch(/^cuda \{\n[\s\S]*path = "\/usr\/local\/jails\/cuda";[\s\S]*mount\.fstab = "\/etc\/fstab\.cuda";[\s\S]*devfs_ruleset = 61;[\s\S]*persist;\n\}\n$/);
    expect(files(host())['/etc/rc.conf']).toMatch(/jail_enable="YES"\njail_list="cuda"\n$/);
    expect(check(state, 'jail')?.evidence[0]?.lines.map((l) => l.text)).toEqual([`cuda ${JAIL_ROOT}`]);
    expect(check(state, 'devfs')).toMatchObject({ status: 'pass', reason: { params: { nodes: 'nvidia-modeset, nvidia0, nvidiactl', number: 61 } } });
    expect(check(state, 'mounts')).toMatchObject({ status: 'pass', reason: { params: { count: 4 } } });

    expect(check(state, 'nvidia-userland')?.reason).toMatchObject({ key: 'jail.nvidiaUserland.none', params: { version: '580.105.08' } });
    expect(action(state, 'nvidia')?.commands.map((c) => c.argv.slice(0, 4).join(' '))).toEqual([
      `fetch -o ${JAIL_ROOT}/root/NVIDIA-Linux-x86_64-580.105.08.run https://download.nvidia.com/XFree86/Linux-x86_64/580.105.08/NVIDIA-Linux-x86_64-580.105.08.run`,
      'jexec cuda sh /root/NVIDIA-Linux-x86_64-580.105.08.run',
    ]);
    expect(action(state, 'nvidia')?.commands[1]?.argv).toContain('--no-kernel-module');
    state = await call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'nvidia', confirmed: true });
    expect(check(state, 'jail-smi')).toMatchObject({ status: 'pass', reason: { key: 'jail.smi.ok', params: { name: 'Tesla P4', memory: 7680, version: '580.105.08' } } });
    expect(check(state, 'jail-smi')?.advice[0]).toMatchObject({ key: 'jail.smi.cudaVersionNote', params: { cuda: '13.0' } });

    expect(check(state, 'cuda')?.reason?.key).toBe('jail.cuda.noToolkit');
    state = await call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'cuda', confirmed: true });
    expect(check(state, 'cuda')).toMatchObject({ status: 'pass', reason: { key: 'jail.cuda.ok', params: { name: 'Tesla P4', memory: 7680, cc: '6.1', release: '12.4' } } });

    state = await call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'shim', confirmed: true });
    expect(check(state, 'shim')).toMatchObject({ status: 'pass', reason: { key: 'jail.shim.ok', params: { name: 'Tesla P4' } } });
    expect(state.current.canContinue).toBe(true);

    // After a restart the jail comes back by itself, with the NVIDIA nodes.
    await host()?.exec({ argv: ['sudo', '-S', '-p', '', '--', 'shutdown', '-r', 'now'], stdin: 'demo\n', timeoutMs: 10_000 });
    state = await call('wizard:runChecks', { stepId: 'cuda-jail' });
    expect(Object.values(statuses(state)).every((s) => s === 'pass')).toBe(true);
  });

  it('says CUDA 13 cannot build for Pascal and keeps the toolkit on 12.x', async () => {
    const { call, host } = await atCudaJail('x220-jail-no-devfs');
    const h = host();
    if (h === null) throw new Error('no host');
    // Pretend the user installed CUDA 13 in the jail: nvcc reports it.
    (h as unknown as { state: { linux: { cudaToolkit: string } } }).state.linux.cudaToolkit = '13.0';
    const state = await call('wizard:runChecks', { stepId: 'cuda-jail' });
    expect(check(state, 'cuda')).toMatchObject({ status: 'fail', reason: { key: 'jail.cuda.tooNew', params: { found: '13.0', release: '12.4' } } });
    expect(check(state, 'cuda')?.advice[0]?.key).toBe('jail.cuda.advice.pascal');
    expect(action(state, 'cuda')?.commands.map((c) => c.argv[0])).toEqual(['fetch', 'jexec']);
  });
});

describe('x220-jail-no-devfs: the jail runs but its /dev hides the NVIDIA nodes', () => {
  it('says why nvidia-smi in the jail finds nothing and fixes the ruleset', async () => {
    const { call, host } = await atCudaJail('x220-jail-no-devfs');
    let state = await call('wizard:runChecks', { stepId: 'cuda-jail' });
    expect(statuses(state)).toMatchObject({ userland: 'pass', jail: 'fail', devfs: 'fail', 'jail-smi': 'fail', 'nvidia-userland': 'pass' });
    expect(check(state, 'jail-smi')).toMatchObject({ reason: { key: 'jail.smi.nodesHidden', params: { nodes: 'nvidia-modeset, nvidia0, nvidiactl', jail: 'cuda' } } });
    expect(check(state, 'jail-smi')?.advice[0]?.key).toBe('jail.smi.advice.devfs');
    expect(check(state, 'jail-smi')?.evidence[0]?.lines.map((l) => l.text).join('\n')).toContain("couldn't communicate with the NVIDIA driver");
    expect(check(state, 'devfs')?.reason).toMatchObject({ key: 'jail.devfs.hidden', params: { ruleset: 4 } });
    const fix = action(state, 'devfs');
    expect(fix?.offered).toBe(true);
    expect(fix?.files.map((f) => f.path)).toEqual(['/etc/devfs.rules', JAIL_FSTAB]);
    expect(fix?.files[1]?.diff).toContain('+devfs\t/usr/local/jails/cuda/dev\tdevfs\trw,ruleset=61\t0\t0');
    expect(fix?.commands.map((c) => c.argv.join(' '))).toEqual(expect.arrayContaining(['service devfs restart', 'service jail restart cuda']));

    state = await call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'devfs', confirmed: true });
    expect(statuses(state)).toMatchObject({ devfs: 'pass', 'jail-smi': 'pass', cuda: 'pass' });
    // The hand-written fstab keeps its header comment and its other lines.
    expect(files(host())[JAIL_FSTAB]).toMatch(/^# Device/);
    // jail.conf still says devfs_ruleset = 4: the jail check brings it in line.
    expect(check(state, 'jail')?.reason?.key).toBe('jail.jail.configChanged');
    expect(action(state, 'jail')?.files[0]?.diff).toContain('+    devfs_ruleset = 61;');
    state = await call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'jail', confirmed: true });
    expect(statuses(state)).toMatchObject({ jail: 'pass', devfs: 'pass', 'jail-smi': 'pass' });
  });
});

describe('an interrupted debootstrap', () => {
  it('leaves a half-built root when it is stopped part-way', async () => {
    const { host } = await atCudaJail('x220-fresh');
    const h = host();
    if (h === null) throw new Error('no host');
    await h.exec({ argv: ['sudo', '-S', '-p', '', '--', 'pkg', 'install', '-y', 'debootstrap'], stdin: 'demo\n', timeoutMs: 60_000 });
    // Stopped at a line it printed: simulated time lets every earlier line out first, whatever the machine's speed.
    const slow = new SimulatedHost(h.snapshot(), { clock: new VirtualClock() });
    const controller = new AbortController();
    const stopped = await slow.exec({
      argv: ['sudo', '-S', '-p', '', '--', 'debootstrap', '--arch=amd64', 'jammy', JAIL_ROOT, 'http://archive.ubuntu.com/ubuntu/'],
      stdin: 'demo\n',
      timeoutMs: 60_000,
      signal: controller.signal,
      onLine: (_s, line) => {
        if (line.startsWith('I: Extracting')) controller.abort();
      },
    });
    expect(stopped.cancelled).toBe(true);
    expect(stopped.stdout).toContain('I: Retrieving libc6 2.35-0ubuntu3');
    expect(slow.snapshot().linux?.userland).toBe('half-built');
    expect(slow.snapshot().files[`${JAIL_ROOT}/etc/os-release`]).toBeUndefined();
    expect(loadScenario('x220-fresh').linux).toBeUndefined();
  });

  it('on the wizard: the half-built root can be finished, or removed only when nothing is mounted under it', async () => {
    const { call, host } = await atCudaJail('x220-fresh');
    const h = host() as unknown as { state: { linux?: { userland: string; handMounts: { device: string; mountPoint: string; type: string }[] } } } | null;
    if (h === null) throw new Error('no host');
    let state = await call('wizard:runChecks', { stepId: 'cuda-jail' });
    await call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'build', confirmed: true });
    const linux = h.state.linux;
    if (linux === undefined) throw new Error('no linux state');
    linux.userland = 'half-built';
    linux.handMounts.push({ device: 'linprocfs', mountPoint: `${JAIL_ROOT}/proc`, type: 'linprocfs' });
    state = await call('wizard:runChecks', { stepId: 'cuda-jail' });
    expect(check(state, 'userland')).toMatchObject({ status: 'fail', reason: { key: 'jail.userland.halfBuiltMounted', params: { mounts: `${JAIL_ROOT}/proc` } } });
    expect(offered(state)).toContain('finish');
    expect(offered(state)).not.toContain('remove');

    linux.handMounts.length = 0;
    state = await call('wizard:runChecks', { stepId: 'cuda-jail' });
    expect(check(state, 'userland')?.reason?.key).toBe('jail.userland.halfBuilt');
    expect(offered(state)).toEqual(expect.arrayContaining(['finish', 'remove']));
    expect(action(state, 'remove')?.commands).toEqual([{ argv: ['rm', '-r', '-f', '-x', JAIL_ROOT], privileged: true }]);
    state = await call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'remove', confirmed: true });
    state = await call('wizard:runChecks', { stepId: 'cuda-jail' });
    expect(check(state, 'userland')?.reason?.key).toBe('jail.userland.none');

    linux.userland = 'half-built';
    state = await call('wizard:runChecks', { stepId: 'cuda-jail' });
    state = await call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'finish', confirmed: true });
    expect(check(state, 'userland')?.status).toBe('pass');
  });
});
