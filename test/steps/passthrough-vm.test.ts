/**
 * The passthrough route's virtual machine, walked through the backend on the simulated X220 with VT-d:
 * passthrough chosen, the card reserved, a restart, then every VM action in order to `cuda` Running.
 */
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { GUEST_KEY_PATH } from '../../src/bhyve/guest-key';
import { guestPublicKey } from '../../src/bhyve/guest-keypair';
import { renderGuestTemplate } from '../../src/bhyve/guest-template';
import { TEMPLATE_PATH } from '../../src/bhyve/layout';
import { CommandRunner } from '../../src/commands/runner';
import type { WizardState } from '../../src/contract/state';
import { VirtualClock } from '../../src/host/simulated/clock';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';
import { lastStart, vmNetworkCheck, vmRunningCheck } from '../../src/steps/cuda-jail/vm-checks';
import { wizardSteps } from '../../src/steps';
import { CheckRound } from '../../src/wizard/run-checks';
import { vmAddressCheck } from '../../src/steps/cuda-jail/vm-address';
import { atCudaJail, atFirstModel, files } from './walk';

const STEP = 'cuda-jail';
const check = (state: WizardState, id: string) => state.current.checks.find((c) => c.id === id);
const offered = (state: WizardState) => state.current.actions.filter((a) => a.offered).map((a) => a.id);
const lines = (state: WizardState, id: string) => check(state, id)?.evidence.flatMap((e) => e.lines.map((l) => l.text)) ?? [];

/** x220-vtd at the jail step, passthrough chosen, the card reserved and the machine restarted. */
async function reserved() {
  const walk = await atCudaJail('x220-vtd');
  const { call } = walk;
  await call('wizard:runChecks', { stepId: STEP });
  await call('wizard:setInput', { stepId: STEP, inputId: 'route', value: 1 });
  await call('wizard:runAction', { stepId: STEP, actionId: 'reserve', confirmed: true });
  await call('wizard:runAction', { stepId: STEP, actionId: 'restart-reserve', confirmed: true });
  const state = await call('wizard:runChecks', { stepId: STEP });
  expect(check(state, 'reserve')?.status).toBe('pass');
  return { ...walk, state };
}

describe('the passthrough route builds and starts the virtual machine', () => {
  it('x220-vtd: every piece previewed, then run in order, to `cuda` Running with vm list’s line as proof', async () => {
    const { call, host, dataDir, state: start } = await reserved();
    // Nothing of the VM is there yet; only its first piece is offered.
    expect(check(start, 'vm-bhyve')).toMatchObject({ status: 'fail', reason: { key: 'vm.bhyve.missing', params: { packages: 'vm-bhyve, bhyve-firmware, qemu-tools' } } });
    expect(check(start, 'vm-host')?.reason?.key).toBe('vm.host.planned');
    expect(check(start, 'vm-template')).toMatchObject({ status: 'skip', reason: { key: 'vm.template.later' } });
    expect(check(start, 'vm-running')?.status).toBe('skip');
    expect(offered(start)).toEqual(['vm-bhyve']);
    const install = start.current.actions.find((a) => a.id === 'vm-bhyve');
    expect(install?.commands.map((c) => c.argv.join(' '))).toEqual(['pkg install -y vm-bhyve bhyve-firmware qemu-tools']);

    let state = await call('wizard:runAction', { stepId: STEP, actionId: 'vm-bhyve', confirmed: true });
    expect(check(state, 'vm-bhyve')?.status).toBe('pass');
    expect(offered(state)).toEqual(['vm-host']);
    // rc.conf is previewed as a diff, then /vm is made and vm init runs.
    const hostAction = state.current.actions.find((a) => a.id === 'vm-host');
    const rcDiff = hostAction?.files.find((f) => f.path === '/etc/rc.conf')?.diff ?? '';
    expect(rcDiff).toContain('+vm_enable="YES"');
    expect(rcDiff).toContain('+vm_dir="/vm"');
    expect(rcDiff).toContain('+vm_list="cuda"');
    expect(hostAction?.commands.map((c) => c.argv.join(' '))).toEqual(expect.arrayContaining(['mkdir -p /vm', 'vm init']));

    state = await call('wizard:runAction', { stepId: STEP, actionId: 'vm-host', confirmed: true });
    expect(check(state, 'vm-host')?.status).toBe('pass');
    // The template carries the card's bus/slot/function and guestMemory()'s size; the key is the wizard's own.
    expect(check(state, 'vm-template')).toMatchObject({ status: 'fail', reason: { key: 'vm.template.planned', params: { entry: '5/0/0', memory: 5 } } });
    expect(offered(state)).toEqual(['vm-template']);
    state = await call('wizard:runAction', { stepId: STEP, actionId: 'vm-template', confirmed: true });
    const written = files(host());
    expect(written[TEMPLATE_PATH]).toMatch(/^passthru0="5\/0\/0"$/m);
    expect(written[TEMPLATE_PATH]).toMatch(/^memory="5G"$/m);
    expect(written[GUEST_KEY_PATH]).toBe(`${await guestPublicKey(dataDir)}\n`);
    expect(check(state, 'vm-template')?.status).toBe('pass');

    // The switch goes on em0, the X220's Intel Ethernet port, named from pciconf's line.
    expect(check(state, 'vm-network')).toMatchObject({ status: 'fail', reason: { key: 'vm.network.planned', params: { iface: 'em0', switch: 'public' } } });
    expect(lines(state, 'vm-network')).toEqual([expect.stringMatching(/^em0@pci0:0:25:0:\tclass=0x020000 /)]);
    expect(state.current.actions.find((a) => a.id === 'vm-network')?.commands.map((c) => c.argv.join(' '))).toEqual(['vm switch create public', 'vm switch add public em0']);
    state = await call('wizard:runAction', { stepId: STEP, actionId: 'vm-network', confirmed: true });
    expect(check(state, 'vm-network')?.status).toBe('pass');

    // The guest's fixed address: em0's network, the host number chosen (.200 by default), nothing there.
    expect(check(state, 'vm-address')).toMatchObject({ status: 'pass', reason: { key: 'vm.address.free', params: { address: '192.168.1.200', prefix: 24, gateway: '192.168.1.1', nameservers: '192.168.1.1', host: '192.168.1.23' } } });
    expect(lines(state, 'vm-address')).toContain('2 packets transmitted, 0 packets received, 100.0% packet loss');
    expect(state.current.inputs.map((i) => i.id)).toEqual(['route', 'guest-host']);
    for (const [value, key] of [[20, 'vm.address.taken'], [23, 'vm.address.isHost'], [1, 'vm.address.isGateway']] as const) {
      state = await call('wizard:setInput', { stepId: STEP, inputId: 'guest-host', value });
      expect(check(state, 'vm-address')?.reason?.key, String(value)).toBe(key);
      // Whatever is wrong with the address, the guest is not offered: its action waits for every earlier check.
      expect(offered(state)).not.toContain('vm-guest');
      if (key !== 'vm.address.taken') expect(check(state, 'vm-guest')?.reason?.key).toBe('vm.guest.noAddress');
    }
    // The evidence for a taken address is the ARP table's line for it.
    state = await call('wizard:setInput', { stepId: STEP, inputId: 'guest-host', value: 20 });
    expect(lines(state, 'vm-address')).toEqual([expect.stringMatching(/^\? \(192\.168\.1\.20\) at 00:11:32:8f:0c:d4 on em0 /)]);
    state = await call('wizard:setInput', { stepId: STEP, inputId: 'guest-host', value: 200 });
    expect(check(state, 'vm-guest')?.reason?.key).toBe('vm.guest.missing');
    expect(state.current.actions.find((a) => a.id === 'vm-guest')?.commands.map((c) => c.argv[1])).toEqual(['img', 'create']);
    expect(state.current.actions.find((a) => a.id === 'vm-guest')?.commands[1]?.argv).toEqual(expect.arrayContaining(['-n', 'ip=192.168.1.200/24;gateway=192.168.1.1;nameservers=192.168.1.1']));
    state = await call('wizard:runAction', { stepId: STEP, actionId: 'vm-guest', confirmed: true });
    // Made, the guest's address is the one vm-bhyve wrote for cloud-init, and no longer tried with ping.
    expect(check(state, 'vm-address')).toMatchObject({ status: 'pass', reason: { key: 'vm.address.ok', params: { address: '192.168.1.200' } } });
    expect(check(state, 'vm-guest')).toMatchObject({ status: 'pass', reason: { key: 'vm.guest.ok', params: { memory: '5G', cpus: 2 } } });
    expect(check(state, 'vm-running')?.reason?.key).toBe('vm.running.stopped');

    state = await call('wizard:runAction', { stepId: STEP, actionId: 'vm-running', confirmed: true });
    expect(check(state, 'vm-running')).toMatchObject({ status: 'pass', reason: { key: 'vm.running.ok', params: { name: 'cuda', pid: 4800 } } });
    expect(lines(state, 'vm-running')).toEqual([expect.stringMatching(/^NAME /), expect.stringMatching(/^cuda\s+default\s+uefi\s+2\s+5G\s+-\s+Yes \[1\]\s+Running \(4800\)$/)]);
    // What comes next is inside the guest, its driver first (test/steps/passthrough-guest.test.ts).
    expect(offered(state)).toEqual(['guest-driver']);

    // "Undo changes" takes the autostart back with the rest of rc.conf, once the guest no longer holds the card
    // (test/steps/passthrough-undo.test.ts walks the whole back-out).
    expect(files(host())['/etc/rc.conf']).toMatch(/^vm_list="cuda"$/m);
    await call('changes:guest', { action: 'stop', confirmed: true });
    const undone = (await call('changes:undo', { confirmed: true })) as unknown as { restored: string[] };
    expect(undone.restored).toEqual(expect.arrayContaining(['/etc/rc.conf', '/boot/loader.conf']));
    expect(files(host())['/etc/rc.conf']).not.toMatch(/^vm_(list|enable)=/m);
  });
});

/** A check run on a simulated X220 after `prepare` has run some commands as root. */
async function verdictOn(scenario: ReturnType<typeof loadScenario>, check: typeof vmRunningCheck | typeof vmAddressCheck, prepare: (root: (argv: string[], stdin?: string) => Promise<void>) => Promise<void>) {
  const host = new SimulatedHost(scenario, { clock: new VirtualClock() });
  const root = async (argv: string[], stdin = '') => {
    const r = await host.exec({ argv: ['sudo', '-S', '-p', '', '-k', '--', ...argv], stdin: `demo\n${stdin}`, timeoutMs: 3_600_000 });
    expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
  };
  await prepare(root);
  const runner = new CommandRunner(host, new AuditLog(null), () => ({ method: 'sudo', password: 'demo' }));
  return (await new CheckRound(runner, {}).check(check, { passwordVerified: true, inputs: { route: 1 } })).verdict;
}

describe('when the guest does not run', () => {
  it('the card not reserved: the log’s fatal line is shown with what it means, and a start is proposed again', async () => {
    const scenario = loadScenario('x220-vtd');
    scenario.files['/etc/rc.conf'] = `${scenario.files['/etc/rc.conf'] ?? ''}vm_enable="YES"\nvm_dir="/vm"\n`;
    const verdict = await verdictOn(scenario, vmRunningCheck, async (root) => {
      for (const argv of [['pkg', 'install', '-y', 'vm-bhyve', 'bhyve-firmware', 'qemu-tools'], ['mkdir', '-p', '/vm'], ['vm', 'init']]) await root(argv);
      await root(['tee', TEMPLATE_PATH], renderGuestTemplate({ passthru: '5/0/0', memoryGib: 5, cpus: 2 }));
      await root(['vm', 'create', '-t', 'egpu-cuda', 'cuda']);
      await root(['vm', 'start', 'cuda']);
    });
    expect(verdict).toMatchObject({
      status: 'fail',
      reason: { key: 'vm.running.fatal', params: { line: 'Dec 03 14:00:00: fatal; pci device 5/0/0 is not reserved for passthrough (no ppt device)' } },
      advice: [{ key: 'vm.fatal.notReserved' }],
    });
    expect(verdict.evidence.find((e) => e.commandId === 'vmLog')?.lines.map((l) => l.text)).toEqual(['Dec 03 14:00:00: fatal; pci device 5/0/0 is not reserved for passthrough (no ppt device)']);
    expect(verdict.commands?.map((c) => c.command)).toEqual(['vmStart']);
  });

  it('only the last start counts: an old fatal line after a later good start is not shown', () => {
    expect(lastStart(['a: initialising', 'a: fatal; x', 'b: initialising', 'b: starting bhyve (run 1)'])).toEqual(['b: initialising', 'b: starting bhyve (run 1)']);
  });
});

describe('the guest’s network', () => {
  it('with Wi-Fi only, says plainly that Wi-Fi cannot be bridged and proposes nothing', async () => {
    const scenario = loadScenario('x220-vtd');
    scenario.pciDevices = scenario.pciDevices.filter((d) => !d.class.startsWith('0x0200'));
    scenario.files['/etc/rc.conf'] = `${scenario.files['/etc/rc.conf'] ?? ''}vm_enable="YES"\nvm_dir="/vm"\n`;
    const verdict = await verdictOn(scenario, vmNetworkCheck, async (root) => {
      for (const argv of [['pkg', 'install', '-y', 'vm-bhyve', 'bhyve-firmware', 'qemu-tools'], ['mkdir', '-p', '/vm'], ['vm', 'init']]) await root(argv);
    });
    expect(verdict).toMatchObject({ status: 'fail', reason: { key: 'vm.network.wifiOnly', params: { wifi: 'iwn0' } }, advice: [{ key: 'vm.network.advice.plugIn' }] });
    expect(verdict.commands ?? []).toEqual([]);
    expect(verdict.evidence[0]?.lines.map((l) => l.text)).toEqual([expect.stringMatching(/^iwn0@pci0:3:0:0:\tclass=0x028000 /)]);
  });
});

describe('the first model on the passthrough route', () => {
  it('runs the first model inside the running guest; ollama, chosen there, is said to be jail-only', async () => {
    const { call } = await reserved();
    for (const action of ['vm-bhyve', 'vm-host', 'vm-template', 'vm-network', 'vm-guest', 'vm-running', 'guest-driver', 'guest-cuda']) {
      await call('wizard:runAction', { stepId: STEP, actionId: action, confirmed: true });
    }
    await call('wizard:next', { stepId: STEP, continueAnyway: false });
    let state = await call('wizard:runChecks', { stepId: 'first-model' });
    expect(state.current.id).toBe('first-model');
    expect(state.current.checks.map((c) => c.id)).toEqual(['guest-route', 'guest-llama', 'guest-model', 'guest-generation', 'guest-benchmark', 'guest-thermal-load']);
    expect(check(state, 'guest-route')).toMatchObject({ status: 'pass', reason: { key: 'model.guest.running', params: { name: 'cuda', pid: 4800 } }, advice: [] });
    expect(lines(state, 'guest-route')[1]).toMatch(/^cuda .*Running \(4800\)$/);
    expect(offered(state)).toEqual(['guest-build', 'guest-download']);

    await call('wizard:setInput', { stepId: 'first-model', inputId: 'runtime', value: 1 });
    state = await call('wizard:runChecks', { stepId: 'first-model' });
    expect(state.current.checks.map((c) => c.id)).not.toContain('ollama');
    expect(check(state, 'guest-route')).toMatchObject({ status: 'warn', advice: [{ key: 'model.guest.ollamaJailOnly' }] });
    expect(check(state, 'guest-llama')?.status).toBe('fail');
  });

  it('on the jail route, the first model’s checks are the jail’s as before', async () => {
    const { call } = await atFirstModel('x220-vtd');
    const state = await call('wizard:runChecks', { stepId: 'first-model' });
    expect(state.current.id).toBe('first-model');
    expect(state.current.checks.map((c) => c.id)).not.toContain('guest-route');
    expect(state.current.checks.map((c) => c.id)).toContain('llama');
  });
});

describe('inputs across steps', () => {
  it('have ids unique over the whole wizard, since every step’s checks see them all', () => {
    const ids = wizardSteps.flatMap((s) => (s.inputs ?? []).map((i) => i.id));
    expect(ids).toContain('route');
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the guest’s address', () => {
  it('is taken when something answers pings there, even if the ARP table has not seen it', async () => {
    const scenario = loadScenario('x220-vtd');
    if (!scenario.lan) throw new Error('x220-vtd has no LAN');
    scenario.lan.neighbours.push({ address: '192.168.1.200', mac: '3c:22:fb:10:20:30', unseen: true });
    const verdict = await verdictOn(scenario, vmAddressCheck, async () => {});
    expect(verdict).toMatchObject({ status: 'fail', reason: { key: 'vm.address.answers', params: { address: '192.168.1.200' } } });
    expect(verdict.evidence.flatMap((e) => e.lines.map((l) => l.text))).toContain('64 bytes from 192.168.1.200: icmp_seq=0 ttl=64 time=0.412 ms');
  });

  it('waits for a network the laptop reaches the Internet through', async () => {
    const scenario = loadScenario('x220-vtd');
    if (!scenario.lan) throw new Error('x220-vtd has no LAN');
    scenario.lan.gateway = '10.0.0.1';
    const verdict = await verdictOn(scenario, vmAddressCheck, async () => {});
    expect(verdict).toMatchObject({ status: 'fail', reason: { key: 'vm.address.noGateway', params: { iface: 'em0' } } });
  });
});
