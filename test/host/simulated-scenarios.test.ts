import { describe, expect, it } from 'vitest';
import { catalogue } from '../../src/commands/catalogue';
import type { ParseResult } from '../../src/commands/parse-result';
import { parseDmesg } from '../../src/commands/parsers/dmesg';
import { parseKldstat } from '../../src/commands/parsers/kldstat';
import { parseNvidiaSmi } from '../../src/commands/parsers/nvidia-smi';
import { NvidiaSmiQueryField, parseNvidiaSmiCsv } from '../../src/commands/parsers/nvidia-smi-csv';
import { parsePciconf, type PciconfOutput } from '../../src/commands/parsers/pciconf';
import { parsePkgQuery } from '../../src/commands/parsers/pkg-query';
import { en } from '../../src/i18n/en';
import { zhCN } from '../../src/i18n/zh-CN';
import { loadScenario, scenarioNames } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';
import type { ExecRequest, ExecResult } from '../../src/host/types';

const host = (name: string): SimulatedHost => new SimulatedHost(loadScenario(name), { timeScale: 0 });

const run = (h: SimulatedHost, argv: string[], extra: Partial<ExecRequest> = {}): Promise<ExecResult> => h.exec({ argv, timeoutMs: 10_000, ...extra });

/** As root through sudo with the scenarios' password, the way the wizard's runner elevates. */
const sudo = (h: SimulatedHost, argv: string[]): Promise<ExecResult> => run(h, ['sudo', '-S', '-p', '', '-k', '--', ...argv], { stdin: 'demo\n' });

function ok<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected a parse, got ${result.error.code}: ${result.error.message} (line ${result.error.line})`);
  return result.value;
}

/** `sysctl -n KEY` exactly as the catalogue runs it, read by the catalogue's parser (null: unknown oid). */
async function sysctl(h: SimulatedHost, key: string): Promise<string | null> {
  const argv = catalogue.sysctl.argv({ key });
  expect(argv).toEqual(['sysctl', '-n', key]);
  return ok(catalogue.sysctl.parse(await run(h, argv), { key })).value;
}

/** Every `dev.` leaf as `sysctl dev` prints them (`name: value`). */
async function devTree(h: SimulatedHost): Promise<Map<string, string>> {
  const out = await run(h, ['sysctl', 'dev']);
  expect(out.exitCode).toBe(0);
  return new Map(out.stdout.split('\n').filter((l) => l !== '').map((l) => {
    const at = l.indexOf(': ');
    return [l.slice(0, at), l.slice(at + 2)] as [string, string];
  }));
}

const pciconf = async (h: SimulatedHost): Promise<PciconfOutput> => ok(parsePciconf((await sudo(h, ['pciconf', '-lvbc'])).stdout));
const gpuOf = (out: PciconfOutput) => out.devices.find((d) => d.vendorId === '0x10de' && d.class.startsWith('0x03'));
const expressCardPort = (out: PciconfOutput) => out.devices.find((d) => d.selector === 'pci0:0:28:3');

const FREEBSD_SCENARIOS = scenarioNames.filter((name) => loadScenario(name).os.sysname === 'FreeBSD');

describe('the new scenarios', () => {
  it('are registered, valid, and described in both languages', () => {
    expect(scenarioNames).toEqual(expect.arrayContaining(['x220-gen1-link', 'x220-hot', 'x220-hotplugged']));
    for (const name of scenarioNames) {
      expect(Object.hasOwn(en, `scenario.${name}`), `en scenario.${name}`).toBe(true);
      expect(Object.hasOwn(zhCN, `scenario.${name}`), `zh-CN scenario.${name}`).toBe(true);
    }
  });
});

describe('the device tree in sysctl dev.', () => {
  it('walks %parent from the GPU up through pci2, the ExpressCard port pcib3 and pci0 to acpi0', async () => {
    const h = host('x220-fresh');
    const chain: string[] = ['vgapci1'];
    for (let name = 'vgapci1'; name !== 'nexus0'; ) {
      const [, devclass, unit] = /^(.*?)(\d+)$/.exec(name) ?? [];
      const parent = await sysctl(h, `dev.${devclass}.${unit}.%parent`);
      expect(parent, name).not.toBeNull();
      name = parent ?? 'nexus0';
      chain.push(name);
    }
    expect(chain).toEqual(['vgapci1', 'pci2', 'pcib3', 'pci0', 'pcib0', 'acpi0', 'nexus0']);
    expect(await sysctl(h, 'dev.nexus.0.%parent')).toBe('root0');
  });

  it('answers %desc, %driver, %location and %pnpinfo the way FreeBSD formats them', async () => {
    const h = host('x220-fresh');
    expect(await sysctl(h, 'dev.vgapci.1.%desc')).toBe('VGA-compatible display');
    expect(await sysctl(h, 'dev.vgapci.1.%driver')).toBe('vgapci');
    expect(await sysctl(h, 'dev.vgapci.1.%location')).toBe('slot=0 function=0 dbsf=pci0:5:0:0 handle=\\_SB_.PCI0.EXP4.SLOT');
    expect(await sysctl(h, 'dev.vgapci.1.%pnpinfo')).toBe('vendor=0x10de device=0x1bb3 subvendor=0x10de subdevice=0x11d8 class=0x030200');
    expect(await sysctl(h, 'dev.pcib.3.%desc')).toBe('ACPI PCI-PCI bridge');
    expect(await sysctl(h, 'dev.pcib.3.%location')).toBe('slot=28 function=3 dbsf=pci0:0:28:3 handle=\\_SB_.PCI0.EXP4');
    expect(await sysctl(h, 'dev.pcib.3.secbus')).toBe('5');
    expect(await sysctl(h, 'dev.pci.2.%desc')).toBe('ACPI PCI bus');
    // An empty value prints as an empty line (which the catalogue's sysctl parser reports as 'empty').
    expect(await run(h, ['sysctl', '-n', 'dev.pci.2.%location'])).toMatchObject({ exitCode: 0, stdout: '\n' });
    expect(await sysctl(h, 'dev.pcib.0.%location')).toBe('handle=\\_SB_.PCI0');
    expect(await sysctl(h, 'dev.pcib.0.%pnpinfo')).toBe('_HID=PNP0A08 _UID=0 _CID=PNP0A03');
    // A device without a location handle (no ACPI node) ends after dbsf.
    expect(await sysctl(h, 'dev.sdhci_pci.0.%location')).toBe('slot=0 function=0 dbsf=pci0:13:0:0');
    expect(await sysctl(h, 'dev.sdhci_pci.0.%parent')).toBe('pci3');
  });

  it('does not know names outside the tree, nor driverless devices', async () => {
    const h = host('x220-fresh');
    expect(await run(h, ['sysctl', '-n', 'dev.x.9.%parent'])).toMatchObject({ exitCode: 1, stdout: '', stderr: "sysctl: unknown oid 'dev.x.9.%parent'\n" });
    expect(await run(h, ['sysctl', '-n', 'dev.none.0.%parent'])).toMatchObject({ exitCode: 1, stderr: "sysctl: unknown oid 'dev.none.0.%parent'\n" });
    expect(await sysctl(h, 'dev.nvidia.0.%parent')).toBeNull();
    expect(await sysctl(h, 'dev.vgapci.2.%parent')).toBeNull();
  });

  it('lists a node leaf by leaf, newest unit first, like sysctl does', async () => {
    const h = host('x220-fresh');
    const out = await run(h, ['sysctl', 'dev.vgapci']);
    expect(out.stdout.split('\n').slice(0, 6)).toEqual([
      'dev.vgapci.1.%parent: pci2',
      'dev.vgapci.1.%pnpinfo: vendor=0x10de device=0x1bb3 subvendor=0x10de subdevice=0x11d8 class=0x030200',
      'dev.vgapci.1.%location: slot=0 function=0 dbsf=pci0:5:0:0 handle=\\_SB_.PCI0.EXP4.SLOT',
      'dev.vgapci.1.%driver: vgapci',
      'dev.vgapci.1.%desc: VGA-compatible display',
      'dev.vgapci.0.%parent: pci0',
    ]);
    expect(out.stdout.endsWith('dev.vgapci.%parent: \n')).toBe(true);
    expect((await run(h, ['sysctl', '-n', 'dev.vgapci.1'])).stdout).toBe(
      'pci2\nvendor=0x10de device=0x1bb3 subvendor=0x10de subdevice=0x11d8 class=0x030200\nslot=0 function=0 dbsf=pci0:5:0:0 handle=\\_SB_.PCI0.EXP4.SLOT\nvgapci\nVGA-compatible display\n',
    );
  });

  it('without the eGPU the ExpressCard port has no bus, and the card reader gets pci2', async () => {
    const h = host('x220-unpowered');
    expect(await sysctl(h, 'dev.vgapci.1.%parent')).toBeNull();
    expect(await sysctl(h, 'dev.sdhci_pci.0.%parent')).toBe('pci2');
    expect(await sysctl(h, 'dev.pci.2.%parent')).toBe('pcib4');
    expect(await sysctl(h, 'dev.pci.3.%parent')).toBeNull();
  });

  for (const name of FREEBSD_SCENARIOS) {
    it(`agrees with every attach line of the boot messages on ${name}`, async () => {
      const h = host(name);
      // Install and load the driver where that works, so that nvidia0's line is there to check too.
      await sudo(h, ['pkg', 'install', '-y', 'nvidia-driver-580']);
      await sudo(h, ['kldload', '-n', 'nvidia']);
      const tree = await devTree(h);
      const messages = (await run(h, ['dmesg'])).stdout.split('\n');
      const failed = new Set(messages.map((l) => /^device_attach: (\S+) attach returned \d+$/.exec(l)?.[1]).filter((n) => n !== undefined));
      if (name === 'x220-error12') expect([...failed]).toEqual(['nvidia0']);
      let checked = 0;
      for (const line of messages) {
        const attach = /^([a-z][a-z0-9_]*?)(\d+): <([^>]*)>.*\bon ([a-z][a-z0-9_]*\d+)$/.exec(line);
        if (attach === null) continue;
        const [, devclass, unit, description, parent] = attach;
        const prefix = `dev.${devclass}.${unit}.`;
        if (failed.has(`${devclass}${unit}`)) {
          // A driver whose attach failed leaves only its class node behind.
          expect(tree.has(`${prefix}%parent`), line).toBe(false);
          expect(tree.has(`dev.${devclass}.%parent`), line).toBe(true);
          continue;
        }
        const onPciTree = /^(?:pci|pcib|vgapci)\d+$/.test(parent ?? '') || devclass === 'pcib';
        if (!tree.has(`${prefix}%parent`)) {
          expect(onPciTree, `${line}: no ${prefix}%parent`).toBe(false);
          continue;
        }
        expect(tree.get(`${prefix}%parent`), line).toBe(parent);
        expect(tree.get(`${prefix}%desc`), line).toBe(description);
        checked++;
      }
      expect(checked).toBeGreaterThanOrEqual(15);
    });
  }
});

describe('x220-gen1-link', () => {
  it('shows both ends of the link at 2.5 GT/s', async () => {
    const out = await pciconf(host('x220-gen1-link'));
    expect(gpuOf(out)?.pcie).toEqual({ linkWidth: 1, maxLinkWidth: 16, linkSpeedGTs: 2.5, maxLinkSpeedGTs: 8 });
    expect(expressCardPort(out)?.pcie).toEqual({ linkWidth: 1, maxLinkWidth: 1, linkSpeedGTs: 2.5, maxLinkSpeedGTs: 5 });
    const text = (await sudo(host('x220-gen1-link'), ['pciconf', '-lvbc'])).stdout;
    expect(text).toContain('                 link x1(x16) speed 2.5(8.0) ASPM disabled(L0s/L1) ClockPM disabled\n');
    expect(text).toContain('                 link x1(x1) speed 2.5(5.0) ASPM disabled(L0s/L1)\n');
  });

  it('is otherwise the healthy machine', async () => {
    const gen1 = await pciconf(host('x220-gen1-link'));
    const fresh = await pciconf(host('x220-fresh'));
    expect(gen1.devices.map((d) => [d.name, d.selector, d.bars])).toEqual(fresh.devices.map((d) => [d.name, d.selector, d.bars]));
  });
});

describe('x220-hot', () => {
  it('has the 580 driver installed, loaded and attached to the GPU', async () => {
    const h = host('x220-hot');
    const packages = ok(parsePkgQuery((await run(h, ['pkg', 'query', '%n\t%v'])).stdout)).packages;
    expect(packages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'nvidia-driver', version: '580.95.05' }),
        expect.objectContaining({ name: 'linux-nvidia-libs', version: '580.95.05' }),
      ]),
    );
    const modules = ok(parseKldstat((await run(h, ['kldstat'])).stdout)).modules.map((m) => m.name);
    expect(modules).toEqual(expect.arrayContaining(['nvidia.ko', 'nvidia-modeset.ko', 'linux64.ko']));
    expect(await sysctl(h, 'hw.nvidia.version')).toBe('NVIDIA UNIX x86_64 Kernel Module  580.95.05  Tue Sep 23 10:11:16 UTC 2025');
    expect((await run(h, ['dmesg'])).stdout).toContain('\nnvidia0: <Tesla P4> on vgapci1\n');
    expect(ok(parseDmesg((await run(h, ['dmesg'])).stdout)).attachments.find((a) => a.device === 'nvidia0')).toMatchObject({ parent: 'vgapci1' });
    expect(await sysctl(h, 'dev.nvidia.0.%parent')).toBe('vgapci1');
    expect(await sysctl(h, 'dev.nvidia.0.%desc')).toBe('Tesla P4');
  });

  it('reports the P4 hot and throttled in the nvidia-smi table', async () => {
    const smi = await run(host('x220-hot'), ['nvidia-smi']);
    expect(smi.exitCode).toBe(0);
    const table = ok(parseNvidiaSmi(smi.stdout));
    expect(table).toMatchObject({ status: 'ok', driverVersion: '580.95.05', cudaVersion: '13.0' });
    expect(table.gpus[0]).toMatchObject({ name: 'Tesla P4', temperatureC: 92, perfState: 'P0', powerDrawW: 70, powerCapW: 75, utilizationPercent: 100 });
  });

  it('answers every query field, in the order asked, in a form the real parser reads', async () => {
    const h = host('x220-hot');
    const expected: Record<NvidiaSmiQueryField, string | number> = {
      index: 0,
      name: 'Tesla P4',
      'pci.bus_id': '00000000:05:00.0',
      driver_version: '580.95.05',
      'memory.total': 7680,
      'memory.used': 5873,
      'temperature.gpu': 92,
      'power.draw': 70.18,
      'power.limit': 75,
      'clocks.sm': 1012,
      'clocks.max.sm': 1531,
      'clocks_throttle_reasons.active': '0x0000000000000048',
      'clocks_throttle_reasons.hw_thermal_slowdown': 'Active',
      'clocks_throttle_reasons.sw_thermal_slowdown': 'Not Active',
      'utilization.gpu': 100,
      'pcie.link.gen.current': 2,
      'pcie.link.gen.max': 2,
      'pcie.link.width.current': 1,
      'pcie.link.width.max': 1,
      uuid: 'GPU-5b2f0c3a-9d41-7e6f-a8b1-3c2d4e5f6a7b',
      vbios_version: '86.04.55.00.01',
      pstate: 'P0',
    };
    const all = [...NvidiaSmiQueryField.options];
    expect(Object.keys(expected).sort()).toEqual([...all].sort());
    for (const fields of [all, [...all].reverse(), ['pstate', 'temperature.gpu', 'clocks_throttle_reasons.hw_thermal_slowdown'] as NvidiaSmiQueryField[]]) {
      const out = await run(h, catalogue.nvidiaSmiQuery.argv({ fields }));
      expect(out.exitCode).toBe(0);
      expect(out.stdout.trimEnd().split(', ')).toHaveLength(fields.length);
      const rows = ok(parseNvidiaSmiCsv(out.stdout, fields)).rows;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toEqual(Object.fromEntries(fields.map((f) => [f, expected[f]])));
      expect(ok(catalogue.nvidiaSmiQuery.parse(out, { fields })).rows).toEqual(rows);
    }
    const fields: NvidiaSmiQueryField[] = ['temperature.gpu', 'clocks_throttle_reasons.hw_thermal_slowdown'];
    const row = ok(parseNvidiaSmiCsv((await run(h, catalogue.nvidiaSmiQuery.argv({ fields }))).stdout, fields)).rows[0];
    expect(row).toEqual({ 'temperature.gpu': 92, 'clocks_throttle_reasons.hw_thermal_slowdown': 'Active' });
  });

  it('comes back with the driver after a restart, from rc.conf', async () => {
    const h = host('x220-hot');
    expect((await sudo(h, ['shutdown', '-r', 'now'])).exitCode).toBe(0);
    expect(ok(parseKldstat((await run(h, ['kldstat'])).stdout)).modules.map((m) => m.name)).toContain('nvidia.ko');
    expect((await run(h, ['nvidia-smi'])).exitCode).toBe(0);
  });
});

describe('x220-hotplugged', () => {
  it('has power but no GPU on the bus until the machine restarts, then is x220-fresh', async () => {
    const h = host('x220-hotplugged');
    expect(h.snapshot().egpu).toEqual({ powered: true, enumerated: false });
    const before = await pciconf(h);
    expect(before.devices.some((d) => d.vendorId === '0x10de')).toBe(false);
    expect(expressCardPort(before)?.pcie).toMatchObject({ linkWidth: 0, linkSpeedGTs: 0 });
    expect((await run(h, ['dmesg'])).stdout).not.toContain('vgapci1');
    expect(await sysctl(h, 'dev.vgapci.1.%parent')).toBeNull();

    const restart = await sudo(h, catalogue.restart.argv({}));
    expect(catalogue.restart.argv({})).toEqual(['shutdown', '-r', 'now']);
    expect(restart).toMatchObject({ exitCode: 0, stdout: 'Shutdown NOW!\n' });

    const after = await pciconf(h);
    expect(gpuOf(after)).toMatchObject({ selector: 'pci0:5:0:0', deviceId: '0x1bb3' });
    expect(expressCardPort(after)?.pcie).toMatchObject({ linkWidth: 1, linkSpeedGTs: 5 });
    expect(await sysctl(h, 'dev.vgapci.1.%parent')).toBe('pci2');

    const fresh = host('x220-fresh');
    for (const argv of [['pciconf', '-lvbc'], ['cat', '/var/run/dmesg.boot'], ['kldstat'], ['sysctl', 'dev'], ['pkg', 'query', '%n\t%v']]) {
      expect((await sudo(h, argv)).stdout, argv.join(' ')).toBe((await sudo(fresh, argv)).stdout);
    }
  });

  it('refuses the restart without root and stays as it is', async () => {
    const h = host('x220-hotplugged');
    expect(await run(h, ['shutdown', '-r', 'now'])).toMatchObject({ exitCode: 1, stderr: 'shutdown: NOT super-user\n' });
    expect(gpuOf(await pciconf(h))).toBeUndefined();
  });
});
