import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { catalogue, commandIds, type CommandId } from '../../src/commands/catalogue';
import type { ParseResult } from '../../src/commands/parse-result';
import { parseDmesg } from '../../src/commands/parsers/dmesg';
import { parseKldstat } from '../../src/commands/parsers/kldstat';
import { parseNvidiaSmi } from '../../src/commands/parsers/nvidia-smi';
import type { NvidiaSmiQueryField } from '../../src/commands/parsers/nvidia-smi-csv';
import { parsePciconf, type PciconfOutput } from '../../src/commands/parsers/pciconf';
import { parsePkgQuery } from '../../src/commands/parsers/pkg-query';
import type { CommandOutput, CommandSpec } from '../../src/commands/types';
import { VirtualClock } from '../../src/host/simulated/clock';
import { Scenario } from '../../src/host/simulated/scenario';
import { loadScenario, scenarioNames, scenarios } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';
import type { ExecRequest, ExecResult } from '../../src/host/types';

const host = (name: string, timeScale = 0): SimulatedHost => new SimulatedHost(loadScenario(name), { timeScale });

const run = (h: SimulatedHost, argv: string[], extra: Partial<ExecRequest> = {}): Promise<ExecResult> => h.exec({ argv, timeoutMs: 10_000, ...extra });

/** Runs a command as root through sudo with the scenarios' password. */
const sudo = (h: SimulatedHost, argv: string[], extra: Partial<ExecRequest> = {}): Promise<ExecResult> =>
  run(h, ['sudo', '-S', '-p', '', '-k', '--', ...argv], { stdin: 'demo\n', ...extra });

function ok<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected a parse, got ${result.error.code}: ${result.error.message} (line ${result.error.line})`);
  return result.value;
}

const pciconf = async (h: SimulatedHost, flags = '-lvbc'): Promise<PciconfOutput> => ok(parsePciconf((await sudo(h, ['pciconf', flags])).stdout));
const gpuOf = (out: PciconfOutput) => out.devices.find((d) => d.vendorId === '0x10de' && d.class.startsWith('0x03'));
const expressCardPort = (out: PciconfOutput) => out.devices.find((d) => d.selector === 'pci0:0:28:3');

/** Example arguments for the catalogue entries that take some; an entry added later without them fails here. */
const SAMPLE_ARGS: Partial<Record<CommandId, unknown>> = {
  pciconf: { verbose: true, bars: true },
  sysctl: { key: 'kern.osrelease' },
  sysctlTree: { roots: ['dev.pci', 'dev.pcib', 'dev.vgapci'] },
  nvidiaSmiQuery: { fields: ['index', 'name', 'pci.bus_id', 'driver_version', 'memory.total', 'temperature.gpu', 'power.draw', 'clocks_throttle_reasons.hw_thermal_slowdown', 'pstate'] },
  guestNvidiaSmiQuery: { fields: ['temperature.gpu', 'power.draw', 'clocks_throttle_reasons.hw_thermal_slowdown'] },
  which: { program: 'sudo' },
  readManaged: { path: '/boot/loader.conf' },
  statManaged: { path: '/boot/loader.conf' },
  stageManaged: { path: '/boot/loader.conf', content: 'nvidia_load="YES"\n' },
  ownStaged: { path: '/boot/loader.conf', owner: 'root', group: 'wheel' },
  modeStaged: { path: '/boot/loader.conf', mode: '644' },
  commitStaged: { path: '/boot/loader.conf' },
  discardStaged: { path: '/boot/loader.conf' },
  pkgInstall: { packages: ['nvidia-driver-580', 'linux-nvidia-libs-580'] },
  pkgUpgrade: { packages: ['nvidia-driver-580'] },
  pingAddress: { address: '192.168.1.200' },
  removeCreated: { path: '/vm/.templates/egpu-cuda.conf' },
  vmCreate: { network: { address: '192.168.1.200', prefix: 24, gateway: '192.168.1.1', nameservers: ['192.168.1.1'] } },
  kldload: { module: 'nvidia-modeset' },
  pkgInstallTool: { package: 'debootstrap' },
  listDir: { dir: '/dev' },
  fetchNvidiaInstaller: { version: '580.105.08' },
  jailInstallNvidia: { version: '580.105.08' },
  ollamaService: { verb: 'start' },
  detachedStart: { jobId: 'debootstrap-1', command: 'debootstrap' },
  detachedStatus: { jobId: 'debootstrap-1' },
  detachedLog: { jobId: 'debootstrap-1', offset: 0 },
  detachedStop: { pgid: 4100 },
  detachedBoot: { jobId: 'debootstrap-1' },
  detachedAlive: { pgid: 4100 },
  vmSwitchAdd: { iface: 'em0' },
};

/** One catalogue entry made concrete: its argv for the sample arguments and its parser bound to them. */
function concrete<A extends z.ZodType, R>(spec: CommandSpec<A, R>, raw: unknown) {
  const args = spec.args.parse(raw);
  return { argv: spec.argv(args), privileged: spec.privileged, parse: (out: CommandOutput): ParseResult<R> => spec.parse(out, args) };
}

const commandOf = (id: CommandId) => {
  const spec: CommandSpec<z.ZodType, unknown> = catalogue[id];
  return concrete(spec, SAMPLE_ARGS[id] ?? {});
};

describe('scenarios', () => {
  it('has the five the wizard names, each valid against the schema', () => {
    expect(scenarioNames).toEqual(expect.arrayContaining(['x220-fresh', 'x220-unpowered', 'x220-error12', 'not-freebsd', 'no-privilege']));
    for (const name of scenarioNames) expect(Scenario.safeParse(scenarios[name]).success, name).toBe(true);
  });

  it('hands out fresh copies', () => {
    const first = loadScenario('x220-fresh');
    first.packages.length = 0;
    first.egpu.powered = false;
    const second = loadScenario('x220-fresh');
    expect(second.packages.length).toBeGreaterThan(0);
    expect(second.egpu.powered).toBe(true);
    expect(() => loadScenario('nope')).toThrow(/x220-fresh/);
  });
});

describe('every catalogue command on every scenario', () => {
  for (const name of scenarioNames) {
    it(`answers all of them on ${name}, in forms the real parsers read`, async () => {
      const h = host(name);
      for (const id of commandIds) {
        const command = commandOf(id);
        const direct = await run(h, command.argv);
        expect(direct.timedOut || direct.cancelled, `${id}`).toBe(false);
        if (direct.spawnError !== null) {
          expect(direct.spawnError, `${id} on ${name}`).toBe('ENOENT');
          continue;
        }
        const parsed = command.parse(direct);
        if (direct.exitCode === 0) expect(parsed.ok, `${id} on ${name}: ${parsed.ok ? '' : parsed.error.message}`).toBe(true);
        // Elevated the way the runner does it for this scenario's user.
        const elevated = await sudo(h, command.argv);
        if (elevated.exitCode === 0) expect(command.parse(elevated).ok, `${id} as root on ${name}`).toBe(true);
      }
    });
  }

  it('covers every id of the catalogue with arguments it accepts', () => {
    for (const id of commandIds) expect(() => commandOf(id), id).not.toThrow();
  });
});

describe('tool formats', () => {
  it('prints uname, kenv and kldstat like FreeBSD', async () => {
    const h = host('x220-fresh');
    expect((await run(h, ['uname', '-rsm'])).stdout).toBe('FreeBSD 14.2-RELEASE amd64\n');
    const kenv = (await run(h, ['kenv'])).stdout;
    expect(kenv).toContain('smbios.system.maker="LENOVO"\n');
    expect(kenv).toContain('smbios.system.version="ThinkPad X220"\n');
    expect(kenv).toContain('smbios.bios.version="8DET76WW (1.46 )"\n');
    const kldstat = (await run(h, ['kldstat'])).stdout.split('\n');
    expect(kldstat[0]).toBe('Id Refs Address                Size Name');
    expect(kldstat[1]).toMatch(/^ 1 +\d+ 0xffffffff80200000 +[0-9a-f]+ kernel$/);
    expect(ok(parseKldstat(kldstat.join('\n'))).modules.map((m) => m.name)).toContain('zfs.ko');
  });

  it('prints pciconf headers with a tab, no blank lines, and none0 for a driverless device', async () => {
    const text = (await run(host('x220-fresh'), ['pciconf', '-lv'])).stdout;
    expect(text).not.toMatch(/\n\n/);
    expect(text).toContain('none0@pci0:0:22:0:\tclass=0x078000 rev=0x04 hdr=0x00 vendor=0x8086 device=0x1c3a subvendor=0x17aa subdevice=0x21da\n');
    expect(text).toContain("vgapci1@pci0:5:0:0:\tclass=0x030200 rev=0xa1 hdr=0x00 vendor=0x10de device=0x1bb3 subvendor=0x10de subdevice=0x11d8\n    vendor     = 'NVIDIA Corporation'\n    device     = 'GP104GL [Tesla P4]'\n    class      = display\n    subclass   = 3D\n");
  });

  it('accepts the flags in any order and split, and refuses what it does not model', async () => {
    const h = host('x220-fresh');
    const a = await run(h, ['pciconf', '-lvb']);
    const b = await run(h, ['pciconf', '-bl', '-v']);
    expect(b.stdout).toBe(a.stdout);
    const bad = await run(h, ['pciconf', '-lx']);
    expect(bad.exitCode).toBe(64);
    expect(bad.stderr).toMatch(/^usage: pciconf -l/);
  });

  it('lists capabilities only for root, since pciconf -c opens /dev/pci read-write', async () => {
    const h = host('x220-fresh');
    const user = await run(h, ['pciconf', '-lvbc']);
    expect(user).toMatchObject({ exitCode: 1, stdout: '', stderr: 'pciconf: /dev/pci: Permission denied\n' });
    expect((await sudo(h, ['pciconf', '-lvbc'])).exitCode).toBe(0);
  });

  it('draws the nvidia-smi table 91 columns wide', async () => {
    const h = host('x220-fresh');
    await sudo(h, ['pkg', 'install', '-y', 'nvidia-driver-580']);
    await sudo(h, ['kldload', 'nvidia']);
    const lines = (await run(h, ['nvidia-smi'])).stdout.split('\n').filter((l) => /^[|+]/.test(l));
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line, line).toHaveLength(91);
  });

  it('answers sysctl names it does not know the way FreeBSD does', async () => {
    const out = await run(host('x220-fresh'), ['sysctl', '-n', 'hw.nvidia.version']);
    expect(out).toMatchObject({ exitCode: 1, stdout: '', stderr: "sysctl: unknown oid 'hw.nvidia.version'\n" });
    expect(catalogue.sysctl.parse(out, { key: 'hw.nvidia.version' })).toEqual({ ok: true, value: { value: null } });
  });
});

describe('the eGPU on the bus', () => {
  it('x220-fresh shows the Tesla P4 with its memory assigned and a one-lane link', async () => {
    const out = await pciconf(host('x220-fresh'));
    const gpu = gpuOf(out);
    expect(gpu).toMatchObject({ selector: 'pci0:5:0:0', vendorId: '0x10de', deviceId: '0x1bb3', class: '0x030200', device: 'GP104GL [Tesla P4]' });
    expect(gpu?.bars.map((b) => [b.reg, b.size, b.enabled])).toEqual([
      ['0x10', 16 * 2 ** 20, true],
      ['0x14', 256 * 2 ** 20, true],
      ['0x1c', 32 * 2 ** 20, true],
    ]);
    expect(gpu?.pcie).toEqual({ linkWidth: 1, maxLinkWidth: 16, linkSpeedGTs: 5, maxLinkSpeedGTs: 8 });
    expect(expressCardPort(out)?.pcie).toMatchObject({ linkWidth: 1, linkSpeedGTs: 5 });
  });

  it('x220-unpowered shows no NVIDIA device and the ExpressCard port without a link', async () => {
    const out = await pciconf(host('x220-unpowered'));
    expect(out.devices.some((d) => d.vendorId === '0x10de')).toBe(false);
    expect(expressCardPort(out)?.pcie).toMatchObject({ linkWidth: 0, linkSpeedGTs: 0 });
  });

  it('x220-error12 shows the GPU with unassigned BARs, and dmesg the allocation failures', async () => {
    const h = host('x220-error12');
    const gpu = gpuOf(await pciconf(h));
    expect(gpu?.bars).toHaveLength(3);
    for (const bar of gpu?.bars ?? []) expect(bar).toMatchObject({ base: '0x0', enabled: false });
    const boot = ok(parseDmesg((await run(h, ['cat', '/var/run/dmesg.boot'])).stdout));
    const kinds = boot.allocationFailures.map((f) => f.kind);
    expect(kinds).toEqual(expect.arrayContaining(['memory-window', 'prefetch-window', 'bar']));
    expect(boot.allocationFailures.filter((f) => f.kind === 'bar').map((f) => [f.selector, f.bar])).toEqual([
      ['pci0:5:0:0', '0x10'],
      ['pci0:5:0:0', '0x14'],
      ['pci0:5:0:0', '0x1c'],
    ]);
  });

  it('dmesg names the GPU where newbus attached it', async () => {
    const boot = ok(parseDmesg((await run(host('x220-fresh'), ['dmesg'])).stdout));
    const vga = boot.attachments.find((a) => a.device === 'vgapci1');
    expect(vga).toMatchObject({ parent: 'pci2' });
    expect(vga?.text).toContain('mem 0xd2000000-0xd2ffffff,0xc0000000-0xcfffffff,0xd0000000-0xd1ffffff');
  });
});

describe('packages', () => {
  const names = async (h: SimulatedHost) => ok(parsePkgQuery((await run(h, ['pkg', 'query', '%n\t%v'])).stdout)).packages.map((p) => p.name);

  it('installs from the repository as root, dependencies first, streaming pkg output', async () => {
    const h = host('x220-fresh');
    expect(await names(h)).not.toContain('nvidia-driver-580');
    const seen: string[] = [];
    const out = await sudo(h, ['pkg', 'install', '-y', 'nvidia-driver-580'], { onLine: (_s, line) => seen.push(line) });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('\tnvidia-driver-580: 580.105.08 [FreeBSD]\n');
    expect(out.stdout).toContain('[2/2] Installing nvidia-driver-580-580.105.08...\n');
    expect(seen).toContain('[1/2] Installing libglvnd-1.7.0...');
    expect(await names(h)).toEqual(expect.arrayContaining(['nvidia-driver-580', 'libglvnd']));
    expect((await run(h, ['which', 'nvidia-smi'])).stdout).toBe('/usr/local/bin/nvidia-smi\n');
    const again = await sudo(h, ['pkg', 'install', '-y', 'nvidia-driver-580']);
    expect(again.stdout).toContain('The most recent versions of packages are already installed');
  });

  it('refuses without privileges and names a package it cannot find', async () => {
    const h = host('x220-fresh');
    const before = h.snapshot();
    expect(await run(h, ['pkg', 'install', '-y', 'nvidia-driver-580'])).toMatchObject({
      exitCode: 77,
      stderr: 'pkg: Insufficient privileges to install packages\n',
    });
    const missing = await sudo(h, ['pkg', 'install', '-y', 'nvidia-driver', 'cuda-toolkit']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe("pkg: No packages available to install matching 'cuda-toolkit' have been found in the repositories\n");
    expect(h.snapshot()).toEqual(before);
  });
});

describe('kernel modules and the driver', () => {
  it('loads only what is installed, only as root, and nvidia-smi follows', async () => {
    const h = host('x220-fresh');
    expect((await run(h, ['nvidia-smi'])).spawnError).toBe('ENOENT');
    expect(await sudo(h, ['kldload', 'nvidia'])).toMatchObject({ exitCode: 1, stderr: "kldload: can't load nvidia: No such file or directory\n" });
    await sudo(h, ['pkg', 'install', '-y', 'nvidia-driver-580']);

    const smi = await run(h, ['nvidia-smi']);
    expect(smi.exitCode).toBe(9);
    expect(ok(parseNvidiaSmi(smi.stdout)).status).toBe('no-driver');

    expect(await run(h, ['kldload', 'nvidia-modeset'])).toMatchObject({ exitCode: 1, stderr: "kldload: can't load nvidia-modeset: Operation not permitted\n" });
    expect((await sudo(h, ['kldload', 'nvidia-modeset'])).exitCode).toBe(0);
    const modules = ok(parseKldstat((await run(h, ['kldstat'])).stdout)).modules;
    expect(modules.find((m) => m.name === 'nvidia.ko')).toMatchObject({ refs: 2 });
    expect(modules.map((m) => m.name)).toContain('nvidia-modeset.ko');
    expect((await sudo(h, ['kldload', 'nvidia'])).stderr).toBe("kldload: can't load nvidia: module already loaded or in kernel\n");

    const table = ok(parseNvidiaSmi((await run(h, ['nvidia-smi'])).stdout));
    expect(table).toMatchObject({ status: 'ok', driverVersion: '580.105.08', cudaVersion: '13.0' });
    expect(table.gpus[0]).toMatchObject({ name: 'Tesla P4', busId: '00000000:05:00.0', memoryTotalMiB: 7680, powerCapW: 75 });

    const fields: NvidiaSmiQueryField[] = ['name', 'temperature.gpu', 'power.draw', 'clocks_throttle_reasons.hw_thermal_slowdown'];
    const query = await run(h, catalogue.nvidiaSmiQuery.argv({ fields }));
    expect(query.stdout).toBe('Tesla P4, 38, 6.44, Not Active\n');
    expect(ok(catalogue.nvidiaSmiQuery.parse(query, { fields })).rows[0]).toEqual({
      name: 'Tesla P4',
      'temperature.gpu': 38,
      'power.draw': 6.44,
      'clocks_throttle_reasons.hw_thermal_slowdown': 'Not Active',
    });
    expect((await run(h, ['sysctl', '-n', 'hw.nvidia.gpus.0.model'])).stdout).toBe('Tesla P4\n');
    expect((await run(h, ['dmesg'])).stdout).toContain('nvidia0: <Tesla P4> on vgapci1\n');
  });

  it('on x220-error12 the module loads but no GPU attaches', async () => {
    const h = host('x220-error12');
    await sudo(h, ['pkg', 'install', '-y', 'nvidia-driver-580']);
    expect((await sudo(h, ['kldload', 'nvidia'])).exitCode).toBe(0);
    const smi = await run(h, ['nvidia-smi']);
    expect(smi).toMatchObject({ exitCode: 6, stdout: 'No devices were found\n' });
    const messages = ok(parseDmesg((await run(h, ['dmesg'])).stdout));
    expect(messages.nvrm).toEqual([]);
    expect((await run(h, ['dmesg'])).stdout).toContain('nvidia0: NVRM: NVIDIA MEM resource alloc failed, BAR0 @ 0x10.\n');
  });
});

describe('reboot', () => {
  it('needs root', async () => {
    const h = host('x220-fresh');
    expect(await run(h, ['reboot'])).toMatchObject({ exitCode: 1, stderr: 'reboot: Operation not permitted\n' });
    expect(h.snapshot().boots).toBe(1);
  });

  it('with the adapter switched off, the GPU is gone and runtime-loaded modules with it', async () => {
    const h = host('x220-fresh');
    await sudo(h, ['pkg', 'install', '-y', 'nvidia-driver-580']);
    await sudo(h, ['kldload', 'nvidia']);
    h.setEgpuPower(false);
    expect(gpuOf(await pciconf(h))).toBeDefined();
    expect((await sudo(h, ['reboot'])).exitCode).toBe(0);
    expect(h.snapshot().boots).toBe(2);
    const out = await pciconf(h);
    expect(gpuOf(out)).toBeUndefined();
    expect(expressCardPort(out)?.pcie?.linkWidth).toBe(0);
    expect((await run(h, ['kldstat'])).stdout).not.toContain('nvidia');
    const boot = (await run(h, ['cat', '/var/run/dmesg.boot'])).stdout;
    expect(boot).not.toContain('vgapci1');
    expect(boot).toContain('at device 0.0 on pci2\nsdhci_pci0: 1 slot(s) allocated');
  });

  it('re-applies loader.conf and rc.conf, and a powered adapter appears at the next boot', async () => {
    const scenario = loadScenario('x220-unpowered');
    scenario.files['/boot/loader.conf'] += 'nvidia_load="YES"\n';
    scenario.files['/etc/rc.conf'] += 'kld_list="nvidia-modeset linux64"\n';
    const h = new SimulatedHost(scenario, { timeScale: 0 });
    await sudo(h, ['pkg', 'install', '-y', 'nvidia-driver-580']);
    expect(gpuOf(await pciconf(h))).toBeUndefined();
    h.setEgpuPower(true);
    await sudo(h, ['reboot']);
    expect(gpuOf(await pciconf(h))).toBeDefined();
    const names = ok(parseKldstat((await run(h, ['kldstat'])).stdout)).modules.map((m) => m.name);
    expect(names).toEqual(['kernel', 'cryptodev.ko', 'zfs.ko', 'nvidia.ko', 'acpi_ibm.ko', 'iwn6000g2afw.ko', 'nvidia-modeset.ko', 'linux_common.ko', 'linux64.ko']);
    expect((await run(h, ['cat', '/var/run/dmesg.boot'])).stdout).toContain('nvidia0: <Tesla P4> on vgapci1\n');
    expect((await run(h, ['nvidia-smi'])).exitCode).toBe(0);
  });
});

describe('elevation', () => {
  it('checks the sudo password read from stdin', async () => {
    const h = host('x220-fresh');
    const wrong = await run(h, ['sudo', '-S', '-p', '', '-k', '--', 'id', '-u'], { stdin: 'guess\n' });
    expect(wrong).toMatchObject({ exitCode: 1, stdout: '', stderr: 'Sorry, try again.\nsudo: 1 incorrect password attempt\n' });
    const right = await run(h, ['sudo', '-S', '-p', '', '-k', '--', 'id', '-u'], { stdin: 'demo\n' });
    expect(right).toMatchObject({ exitCode: 0, stdout: '0\n' });
    expect((await run(h, ['id', '-u'])).stdout).toBe('1001\n');
    expect((await run(h, ['sudo', '-n', 'true'])).stderr).toBe('sudo: a password is required\n');
  });

  it('does not install anything with a wrong password', async () => {
    const h = host('x220-fresh');
    const before = h.snapshot();
    const out = await run(h, ['sudo', '-S', '-p', '', '-k', '--', 'pkg', 'install', '-y', 'nvidia-driver'], { stdin: 'nope\n' });
    expect(out.exitCode).toBe(1);
    expect(h.snapshot()).toEqual(before);
  });

  it('no-privilege has neither sudo nor doas', async () => {
    const h = host('no-privilege');
    expect(await run(h, ['which', 'sudo'])).toMatchObject({ exitCode: 1, stdout: '', stderr: '' });
    expect(await run(h, ['which', 'doas'])).toMatchObject({ exitCode: 1, stdout: '' });
    expect((await run(h, ['sudo', '-n', 'true'])).spawnError).toBe('ENOENT');
    expect((await run(h, ['doas', '-n', 'true'])).spawnError).toBe('ENOENT');
    expect((await run(h, ['id', '-u'])).stdout).toBe('1001\n');
  });

  it('sudo NOPASSWD and doas nopass/denied behave like the real ones', async () => {
    const scenario = loadScenario('no-privilege');
    scenario.elevation = { sudo: 'nopasswd', doas: 'denied' };
    const h = new SimulatedHost(scenario, { timeScale: 0 });
    expect((await run(h, ['sudo', '-n', 'true'])).exitCode).toBe(0);
    expect(await run(h, ['sudo', '-n', '--', 'id', '-u'])).toMatchObject({ exitCode: 0, stdout: '0\n' });
    expect(await run(h, ['doas', '-n', 'true'])).toMatchObject({ exitCode: 1, stderr: 'doas: Operation not permitted\n' });
    scenario.elevation = { sudo: 'absent', doas: 'nopass' };
    const d = new SimulatedHost(scenario, { timeScale: 0 });
    expect(await run(d, ['doas', '-n', 'kldload', 'vmm'])).toMatchObject({ exitCode: 0 });
    expect((await run(d, ['which', 'doas'])).stdout).toBe('/usr/local/bin/doas\n');
  });
});

describe('the host contract', () => {
  it('reports unknown programs as ENOENT and misuse of known ones as usage errors', async () => {
    const h = host('x220-fresh');
    expect((await run(h, ['lspci'])).spawnError).toBe('ENOENT');
    expect((await run(h, ['/usr/bin/lspci'])).spawnError).toBe('ENOENT');
    expect((await run(h, ['/usr/sbin/pciconf', '-l'])).exitCode).toBe(0);
    expect((await run(h, [])).spawnError).toBe('EINVAL');
    const misuse = await run(h, ['kldstat', '-v']);
    expect(misuse.exitCode).toBe(64);
    expect(misuse.stderr).toMatch(/^usage: kldstat/);
  });

  it('not-freebsd is Linux without FreeBSD tools', async () => {
    const h = host('not-freebsd');
    expect((await run(h, ['uname', '-rsm'])).stdout).toBe('Linux 6.8.0-49-generic x86_64\n');
    for (const program of ['kenv', 'pciconf', 'kldstat', 'pkg', 'kldload', 'nvidia-smi', 'doas']) {
      expect((await run(h, [program])).spawnError, program).toBe('ENOENT');
    }
    expect((await run(h, ['dmesg'])).stderr).toBe('dmesg: read kernel buffer failed: Operation not permitted\n');
  });

  it('is simulated and named after its scenario', () => {
    const h = host('x220-error12');
    expect(h.spec).toBe('sim:x220-error12');
    expect(h.simulated).toBe(true);
  });

  it('plays a long command over simulated time, shows its lines as they come, and changes nothing when stopped half-way', async () => {
    const clock = new VirtualClock({ paused: true });
    const h = new SimulatedHost(loadScenario('x220-fresh'), { clock });
    const before = h.snapshot();
    const controller = new AbortController();
    const seen: string[] = [];
    const pending = sudo(h, ['pkg', 'install', '-y', 'nvidia-driver-580'], { signal: controller.signal, onLine: (_s, l) => seen.push(l) });
    await clock.whenSleeping();
    expect(seen).toEqual([]);
    // The install takes 1.2 s per package in simulated time: 600 ms in, its first lines are out, not its end.
    await clock.advance(600);
    expect(seen.length).toBeGreaterThan(0);
    const halfWay = seen.length;
    controller.abort();
    const out = await pending;
    expect(out).toMatchObject({ cancelled: true, timedOut: false, exitCode: null, spawnError: null, durationMs: 600 });
    expect(seen).toHaveLength(halfWay);
    expect(out.stdout).toBe(seen.map((l) => `${l}\n`).join(''));
    expect(out.stdout).not.toContain('Extracting nvidia-driver-580');
    expect(h.snapshot()).toEqual(before);
    expect(clock.pending).toBe(0);
  });

  it('stops at the deadline in simulated time without changing anything, and refuses an already-cancelled request', async () => {
    const h = host('x220-fresh');
    const before = h.snapshot();
    const out = await sudo(h, ['pkg', 'install', '-y', 'nvidia-driver-580'], { timeoutMs: 200 });
    expect(out).toMatchObject({ timedOut: true, cancelled: false, exitCode: null, durationMs: 200 });
    expect(h.snapshot()).toEqual(before);
    const aborted = await run(h, ['uname', '-rsm'], { signal: AbortSignal.abort() });
    expect(aborted).toMatchObject({ cancelled: true, stdout: '' });
  });

  it('completes a long command when left alone, taking its simulated duration', async () => {
    const clock = new VirtualClock();
    const h = new SimulatedHost(loadScenario('x220-fresh'), { clock });
    const out = await sudo(h, ['pkg', 'install', '-y', 'nvidia-driver-580']);
    expect(out.exitCode).toBe(0);
    const packages = out.stdout.split('\n').filter((l) => /^\[\d+\/\d+\] Installing /.test(l)).length;
    expect(packages).toBeGreaterThan(0);
    expect(out.durationMs).toBe(1200 * packages);
    expect(clock.now()).toBe(1200 * packages);
    expect(h.snapshot().packages.map((p) => p.name)).toContain('nvidia-driver-580');
  });

  it('can still play in real time, for demos', async () => {
    const h = host('x220-fresh', 0.05);
    const out = await sudo(h, ['pkg', 'install', '-y', 'nvidia-driver-580']);
    expect(out.exitCode).toBe(0);
    // Real time only bounds it from below here: a busy machine makes it slower, never faster.
    expect(out.durationMs).toBeGreaterThanOrEqual(1150);
  });

  it('caps output, and survives a listener that throws', async () => {
    const h = host('x220-fresh');
    const out = await run(h, ['kenv'], { maxOutputBytes: 100, onLine: () => { throw new Error('listener'); } });
    expect(out.truncated).toBe(true);
    expect(Buffer.byteLength(out.stdout)).toBe(100);
    expect(out.exitCode).toBe(0);
  });

  it('applies failure knobs to the exact command line, as often as asked', async () => {
    const scenario = loadScenario('x220-fresh');
    scenario.failures.push({ argv: ['kldstat'], exitCode: 1, stdout: '', stderr: 'kldstat: simulated failure\n', durationMs: 0, times: 1 });
    const h = new SimulatedHost(scenario, { timeScale: 0 });
    expect(await run(h, ['kldstat'])).toMatchObject({ exitCode: 1, stderr: 'kldstat: simulated failure\n' });
    expect((await run(h, ['kldstat'])).exitCode).toBe(0);
  });

  it('keeps its own copy of the scenario, and snapshots are copies too', async () => {
    const scenario = loadScenario('x220-fresh');
    const h = new SimulatedHost(scenario, { timeScale: 0 });
    scenario.packages.length = 0;
    const snap = h.snapshot();
    snap.modules.length = 0;
    expect((await run(h, ['pkg', 'query', '%n\t%v'])).stdout).toContain('sudo\t');
    expect((await run(h, ['kldstat'])).stdout).toContain('zfs.ko');
  });
});

describe('driver branches in the repository', () => {
  it('offers every branch to rquery, with globs, sorted by name', async () => {
    const h = host('x220-fresh');
    const out = await sudo(h, catalogue.pkgRquery.argv({}));
    const offered = ok(catalogue.pkgRquery.parse(out, {})).packages;
    expect(offered.map((p) => p.name)).toEqual([
      'linux-nvidia-libs',
      'linux-nvidia-libs-470',
      'linux-nvidia-libs-580',
      'nvidia-driver',
      'nvidia-driver-470',
      'nvidia-driver-580',
    ]);
    expect(offered).toContainEqual({ name: 'nvidia-driver-580', version: '580.105.08' });
    const none = await run(h, ['pkg', 'rquery', '-g', '%n', 'cuda*']);
    expect(none).toMatchObject({ exitCode: 1, stdout: '' });
    expect(ok(catalogue.pkgRquery.parse(none, {})).packages).toEqual([]);
  });

  it('a driver newer than the card\'s last branch prints the legacy notice and finds no GPU', async () => {
    const h = host('x220-fresh');
    await sudo(h, ['pkg', 'install', '-y', 'nvidia-driver']);
    expect((await sudo(h, ['kldload', 'nvidia'])).exitCode).toBe(0);
    const dmesg = (await run(h, ['dmesg'])).stdout;
    expect(dmesg).toContain('NVRM:  supported through the NVIDIA 580.xx Legacy drivers. Please\n');
    expect(dmesg).toContain('NVRM:  information.  The 595.58.03 NVIDIA driver will ignore\n');
    expect(dmesg).not.toMatch(/^nvidia0: </m);
    expect((await run(h, ['nvidia-smi'])).stdout).toBe('No devices were found\n');
  });

  it('upgrades an installed package to the repository\'s version, numbering the steps like pkg', async () => {
    const h = host('x220-mismatch');
    const before = ok(parsePkgQuery((await run(h, ['pkg', 'query', '%n\t%v'])).stdout)).packages;
    expect(before).toContainEqual({ name: 'linux-nvidia-libs-580', version: '580.95.05' });
    const out = await sudo(h, ['pkg', 'upgrade', '-y', 'linux-nvidia-libs-580']);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('\tlinux-nvidia-libs-580: 580.95.05 -> 580.105.08 [FreeBSD]\n');
    expect(out.stdout).toContain('[1/1] Upgrading linux-nvidia-libs-580 from 580.95.05 to 580.105.08...\n');
    const after = ok(parsePkgQuery((await run(h, ['pkg', 'query', '%n\t%v'])).stdout)).packages;
    expect(after).toContainEqual({ name: 'linux-nvidia-libs-580', version: '580.105.08' });
    expect((await sudo(h, ['pkg', 'upgrade', '-y', 'linux-nvidia-libs-580'])).stdout).toContain('Your packages are up to date.');
  });
});
