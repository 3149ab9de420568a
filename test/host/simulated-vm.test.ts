/**
 * The simulated vm-bhyve: what the passthrough route's commands find on the X220, step by step, read back
 * with the parsers the route uses. Every command goes through the catalogue's argv.
 */
import { describe, expect, it } from 'vitest';
import { guestKeyFile } from '../../src/bhyve/guest-key';
import { renderGuestTemplate } from '../../src/bhyve/guest-template';
import { GUEST_CONFIG_PATH, GUEST_NETWORK_CONFIG_PATH, TEMPLATE_PATH } from '../../src/bhyve/layout';
import { parseGuestNetworkConfig } from '../../src/bhyve/guest-network';
import { GUEST_KEY_PATH } from '../../src/bhyve/guest-key';
import { bhyveCommands } from '../../src/commands/bhyve-commands';
import { parseVmList } from '../../src/commands/parsers/vm-list';
import { getValue, parseShellVars } from '../../src/config/formats/shell-vars';
import { VirtualClock } from '../../src/host/simulated/clock';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';
import type { ExecResult } from '../../src/host/types';

const KEY = `ssh-ed25519 ${'B'.repeat(68)} egpu-wizard-guest`;
const NETWORK = { address: '192.168.1.200', prefix: 24, gateway: '192.168.1.1', nameservers: ['192.168.1.1'] };
const GPU = 'pci0:5:0:0';

/** An X220 whose GPU is reserved for ppt(4) (or not), with the wizard's rc.conf lines (or not). */
function x220(name: 'x220-vtd' | 'x220-no-vtd', { reserved = true, rc = true } = {}) {
  const scenario = loadScenario(name);
  const gpu = scenario.pciDevices.find((d) => d.vendorId === '0x10de');
  if (gpu === undefined) throw new Error('no GPU in the scenario');
  expect(gpu.selector).toBe(GPU);
  if (reserved) gpu.driver = 'ppt0';
  if (rc) scenario.files['/etc/rc.conf'] = `${scenario.files['/etc/rc.conf'] ?? ''}vm_enable="YES"\nvm_dir="/vm"\n`;
  const clock = new VirtualClock({ paused: false });
  const host = new SimulatedHost(scenario, { clock });
  const asRoot = (argv: readonly string[], stdin?: string): Promise<ExecResult> =>
    host.exec({ argv: ['sudo', '-S', '-p', '', '-k', '--', ...argv], stdin: `demo\n${stdin ?? ''}`, timeoutMs: 3_600_000 });
  const write = (path: string, content: string) => asRoot(['tee', path], content);
  const list = async () => {
    const result = await asRoot(bhyveCommands.vmList.argv({}));
    const parsed = bhyveCommands.vmList.parse(result, {});
    if (!parsed.ok) throw new Error(`${parsed.error.message}: ${result.stderr}`);
    return parsed.value.guests.map((g) => [g.name, g.state, g.memory]);
  };
  return { host, asRoot, write, list };
}

/** The route up to a created guest: packages, vm_dir, init, switch, template, key, image, create. */
async function createdGuest(m: ReturnType<typeof x220>) {
  for (const argv of [bhyveCommands.pkgInstallVmBhyve.argv({}), bhyveCommands.mkdirVmDir.argv({}), bhyveCommands.vmInit.argv({}), bhyveCommands.vmSwitchCreate.argv({}), bhyveCommands.vmSwitchAdd.argv({ iface: 'em0' })]) {
    expect((await m.asRoot(argv)).exitCode, argv.join(' ')).toBe(0);
  }
  expect((await m.write(TEMPLATE_PATH, renderGuestTemplate({ passthru: '5/0/0', memoryGib: 5, cpus: 2 }))).exitCode).toBe(0);
  expect((await m.write(GUEST_KEY_PATH, guestKeyFile(KEY))).exitCode).toBe(0);
  expect((await m.asRoot(bhyveCommands.vmImgFetch.argv({}))).exitCode).toBe(0);
  const created = await m.asRoot(bhyveCommands.vmCreate.argv({ network: NETWORK }));
  expect(created.stderr).toBe('');
  expect(created.exitCode).toBe(0);
}

describe('vm-bhyve on the simulated X220', () => {
  it('is not there before pkg installs it', async () => {
    const m = x220('x220-vtd');
    expect((await m.asRoot(['vm', 'list'])).exitCode).not.toBe(0);
    expect((await m.host.exec({ argv: ['vm', 'list'], timeoutMs: 1000 })).spawnError).toBe('ENOENT');
  });

  it('says what rc.conf lacks, then that vm_dir is missing, then that it needs root', async () => {
    const bare = x220('x220-vtd', { rc: false });
    await bare.asRoot(bhyveCommands.pkgInstallVmBhyve.argv({}));
    expect((await bare.asRoot(['vm', 'list'])).stderr).toBe('/usr/local/sbin/vm: ERROR: $vm_enable is not enabled in /etc/rc.conf!\n');
    const m = x220('x220-vtd');
    await m.asRoot(bhyveCommands.pkgInstallVmBhyve.argv({}));
    expect((await m.asRoot(['vm', 'list'])).stderr).toContain('$vm_dir has not been configured or is not a valid directory');
    await m.asRoot(bhyveCommands.mkdirVmDir.argv({}));
    expect((await m.host.exec({ argv: ['vm', 'list'], timeoutMs: 1000 })).stderr).toContain('virtual machines can only be managed by root');
    expect((await m.asRoot(['vm', 'list'])).stderr).toContain("run 'vm init'");
    await m.asRoot(bhyveCommands.vmInit.argv({}));
    expect(await m.list()).toEqual([]);
  });

  it('creates the guest from the template: the card, wired memory, the cloud-init disk, no leftover size', async () => {
    const m = x220('x220-vtd');
    await createdGuest(m);
    expect(await m.list()).toEqual([['cuda', 'stopped', '5G']]);
    const state = m.host.snapshot();
    expect(state.files['/vm/.config/system.conf']).toBe('switch_list="public"\ntype_public="standard"\nports_public="em0"\n');
    const conf = parseShellVars(state.files[GUEST_CONFIG_PATH] ?? '', { dialect: 'rc' });
    if (!conf.ok) throw new Error(conf.error.message);
    expect(['passthru0', 'wired_memory', 'disk1_name', 'disk0_size'].map((k) => getValue(conf.value, k))).toEqual(['5/0/0', 'yes', 'seed.iso', null]);
    expect(state.files['/vm/cuda/seed.iso']).toContain(KEY);
    // The static address, as vm-bhyve writes it for cloud-init, reads back as given.
    expect(parseGuestNetworkConfig(state.files[GUEST_NETWORK_CONFIG_PATH] ?? '')).toEqual(NETWORK);
    // A second create of the same name is refused, and nothing changes.
    expect((await m.asRoot(bhyveCommands.vmCreate.argv({ network: NETWORK }))).stderr).toContain('already exists');
  });

  it('runs the guest only with the card on ppt(4) and VT-d on; otherwise the log says why', async () => {
    const cases = [
      { name: 'x220-vtd', reserved: true, state: 'running', log: /starting bhyve/ },
      { name: 'x220-vtd', reserved: false, state: 'stopped', log: /fatal; pci device 5\/0\/0 is not reserved for passthrough/ },
      { name: 'x220-no-vtd', reserved: true, state: 'stopped', log: /fatal; pci passthrough not supported on this system \(no VT-d or amdvi\)/ },
    ] as const;
    for (const c of cases) {
      const m = x220(c.name, { reserved: c.reserved });
      await createdGuest(m);
      const started = await m.asRoot(bhyveCommands.vmStart.argv({}));
      expect(started.exitCode).toBe(0);
      expect(started.stdout).toContain('* booting...');
      expect((await m.list())[0]?.[1], `${c.name} reserved=${c.reserved}`).toBe(c.state);
      expect(m.host.snapshot().files['/vm/cuda/vm-bhyve.log']).toMatch(c.log);
    }
  });

  it('stops, is destroyed only when stopped, and a restart ends a running guest', async () => {
    const m = x220('x220-vtd');
    await createdGuest(m);
    await m.asRoot(bhyveCommands.vmStart.argv({}));
    expect((await m.asRoot(bhyveCommands.vmDestroy.argv({}))).stderr).toContain('Please stop it first');
    expect((await m.asRoot(bhyveCommands.vmStop.argv({}))).exitCode).toBe(0);
    expect(await m.list()).toEqual([['cuda', 'stopped', '5G']]);
    await m.asRoot(bhyveCommands.vmStart.argv({}));
    expect((await m.list())[0]?.[1]).toBe('running');
    await m.asRoot(['shutdown', '-r', 'now']);
    expect((await m.list())[0]?.[1]).toBe('stopped');
    expect((await m.asRoot(bhyveCommands.vmDestroy.argv({}))).exitCode).toBe(0);
    expect(await m.list()).toEqual([]);
    expect(Object.keys(m.host.snapshot().files).filter((f) => f.startsWith('/vm/cuda/'))).toEqual([]);
  });

  it('prints vm list as column(1) does, which the parser reads', async () => {
    const m = x220('x220-vtd');
    await createdGuest(m);
    const out = (await m.asRoot(['vm', 'list'])).stdout;
    expect(out.split('\n')[0]).toMatch(/^NAME {2,}DATASTORE {2,}LOADER {2,}CPU {2,}MEMORY {2,}VNC {2,}AUTO {2,}STATE$/);
    expect(parseVmList(out)).toMatchObject({ ok: true, value: { guests: [{ name: 'cuda', loader: 'uefi', cpus: 2, autostart: null }] } });
  });
});
