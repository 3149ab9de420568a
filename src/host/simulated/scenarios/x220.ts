import { bootMachine } from '../machine';
import type { KernelModule, NvidiaGpu, Package, PlatformDevice, Scenario } from '../scenario';
import { freebsdRepository, gettextRuntime, indexinfo, pkgTool, sudoPkg } from './freebsd-packages';
import { P4_BARS_ASSIGNED, x220Devices, type LinkSpeed } from './x220-devices';
import { x220Dmesg } from './x220-dmesg';

/** The parts every ThinkPad X220 scenario shares; the scenarios differ in the eGPU's state and in privileges. */

const kenv: Record<string, string> = {
  LINES: '24',
  'acpi.oem': 'LENOVO',
  'acpi.revision': '2',
  'acpi.rsdp': '0x000f0100',
  'acpi.rsdt': '0xdae3e000',
  'acpi.xsdt': '0xdae3e0c0',
  'acpi.xsdt_length': '36',
  autoboot_delay: '3',
  bootenv_autolist: 'YES',
  console: 'vidconsole',
  currdev: 'zfs:zroot/ROOT/default:',
  'hint.acpi_throttle.0.disabled': '1',
  'hint.atkbd.0.at': 'atkbdc',
  'hint.atkbd.0.irq': '1',
  'hint.atkbdc.0.at': 'isa',
  'hint.atkbdc.0.port': '0x060',
  'hint.psm.0.at': 'atkbdc',
  'hint.psm.0.irq': '12',
  'hint.uart.0.at': 'isa',
  'hint.uart.0.flags': '0x10',
  'hint.uart.0.irq': '4',
  'hint.uart.0.port': '0x3F8',
  'kern.geom.label.disk_ident.enable': '0',
  'kern.geom.label.gptid.enable': '0',
  'kern.vty': 'vt',
  kernel: 'kernel',
  kernel_options: '',
  kernelname: '/boot/kernel/kernel',
  loaddev: 'disk0p2:',
  mac_ifoff: 'NO',
  module_path: '/boot/kernel;/boot/modules;/boot/dtb;/boot/dtb/overlays',
  prompt: '${interpret}',
  'smbios.bios.reldate': '10/18/2017',
  'smbios.bios.vendor': 'LENOVO',
  'smbios.bios.version': '8DET76WW (1.46 )',
  'smbios.chassis.maker': 'LENOVO',
  'smbios.chassis.serial': 'Not Available',
  'smbios.chassis.tag': 'No Asset Information',
  'smbios.chassis.type': 'Notebook',
  'smbios.chassis.version': 'Not Available',
  'smbios.memory.enabled': '8388608',
  'smbios.planar.maker': 'LENOVO',
  'smbios.planar.product': '4291WF5',
  'smbios.planar.serial': '1ZSFB27M3RT',
  'smbios.planar.version': 'Not Defined',
  'smbios.socket.enabled': '1',
  'smbios.socket.populated': '1',
  'smbios.system.family': 'ThinkPad X220',
  'smbios.system.maker': 'LENOVO',
  'smbios.system.product': '4291WF5',
  'smbios.system.serial': 'R9T4K2L',
  'smbios.system.sku': 'LENOVO_MT_4291',
  'smbios.system.uuid': '3c0d7a81-5263-11cb-a9f2-e0c5a8b7d901',
  'smbios.system.version': 'ThinkPad X220',
  'smbios.version': '2.6',
  'vfs.root.mountfrom': 'zfs:zroot/ROOT/default',
  'vfs.root.mountfrom.options': 'rw',
  'vfs.zfs.boot.primary_pool': 'zroot',
};

const sysctls: Record<string, string> = {
  'kern.ostype': 'FreeBSD',
  'kern.osrelease': '14.2-RELEASE',
  'kern.osreldate': '1402000',
  'kern.hostname': 'x220',
  'kern.securelevel': '-1',
  'kern.vm_guest': 'none',
  'kern.bootfile': '/boot/kernel/kernel',
  'hw.machine': 'amd64',
  'hw.machine_arch': 'amd64',
  'hw.model': 'Intel(R) Core(TM) i5-2520M CPU @ 2.50GHz',
  'hw.ncpu': '4',
  'hw.physmem': '8365944832',
  'hw.realmem': '8589934592',
  'hw.pagesize': '4096',
  'hw.pci.enable_msi': '1',
  'hw.pci.enable_msix': '1',
  'security.bsd.unprivileged_read_msgbuf': '1',
};

const mod = (file: string, size: number, depends: string[] = [], moduleSysctls: Record<string, string> = {}): KernelModule => ({
  file,
  size,
  depends,
  sysctls: moduleSysctls,
  messages: [],
});

/** Some of /boot/kernel: what loader.conf, rc.conf and devmatch load here, and the Linux ABI CUDA needs. */
const baseModules: KernelModule[] = [
  mod('zfs.ko', 0x5fa2e8),
  mod('cryptodev.ko', 0x7a50),
  mod('acpi_ibm.ko', 0x91f8),
  mod('iwn6000g2afw.ko', 0x6d330),
  mod('linux_common.ko', 0x4048),
  mod('linux.ko', 0x5f540, ['linux_common.ko'], { 'compat.linux.osrelease': '5.15.0' }),
  mod('linux64.ko', 0x63d40, ['linux_common.ko'], { 'compat.linux.osrelease': '5.15.0' }),
  mod('fusefs.ko', 0x20b68),
  mod('vmm.ko', 0x3455e0),
];

const files: Record<string, string> = {
  '/boot/loader.conf': ['kern.geom.label.disk_ident.enable="0"', 'kern.geom.label.gptid.enable="0"', 'cryptodev_load="YES"', 'zfs_load="YES"', ''].join('\n'),
  '/etc/rc.conf': [
    'clear_tmp_enable="YES"',
    'syslogd_flags="-ss"',
    'hostname="x220"',
    'ifconfig_em0="DHCP"',
    'ifconfig_em0_ipv6="inet6 accept_rtadv"',
    'sshd_enable="YES"',
    'ntpd_enable="YES"',
    'ntpd_sync_on_start="YES"',
    'moused_nondefault_enable="NO"',
    'dumpdev="AUTO"',
    'zfs_enable="YES"',
    '',
  ].join('\n'),
  '/etc/os-release': [
    'NAME=FreeBSD',
    'VERSION="14.2-RELEASE"',
    'VERSION_ID="14.2"',
    'ID=freebsd',
    'ANSI_COLOR="0;31"',
    'PRETTY_NAME="FreeBSD 14.2-RELEASE"',
    'CPE_NAME="cpe:/o:freebsd:freebsd:14.2"',
    'HOME_URL="https://FreeBSD.org/"',
    'BUG_REPORT_URL="https://bugs.FreeBSD.org/"',
    '',
  ].join('\n'),
};

/**
 * The newbus devices above the PCI bus: the ACPI host bridge \\_SB_.PCI0 (a PCI Express root, PNP0A08,
 * compatible with plain PCI, PNP0A03) on acpi0, which names itself after the ACPI tables' OEM and table ids.
 */
const platformDevices: PlatformDevice[] = [
  { name: 'nexus0', description: '', parent: 'root0', location: '', pnpinfo: '' },
  { name: 'acpi0', description: 'LENOVO TP-8D', parent: 'nexus0', location: '', pnpinfo: '' },
  { name: 'pcib0', description: 'ACPI Host-PCI bridge', parent: 'acpi0', location: 'handle=\\_SB_.PCI0', pnpinfo: '_HID=PNP0A08 _UID=0 _CID=PNP0A03' },
];

/**
 * What the Tesla P4 reports once the driver attaches: idle, 8 GiB board with ECC on (so 7680 MiB usable),
 * passively cooled but with the fan the user mounted. At idle (P8) the GPU drops its link to 2.5 GT/s, so
 * the current generation reads 1; the maximum is the X220 port's 5 GT/s (gen 2) on one lane.
 */
export const teslaP4: NvidiaGpu = {
  name: 'Tesla P4',
  lastBranch: 580,
  selector: 'pci0:5:0:0',
  uuid: 'GPU-5b2f0c3a-9d41-7e6f-a8b1-3c2d4e5f6a7b',
  vbios: '86.04.55.00.01',
  memoryTotalMiB: 7680,
  memoryUsedMiB: 0,
  temperatureC: 38,
  powerDrawW: 6.44,
  powerLimitW: 75,
  pstate: 'P8',
  persistence: false,
  utilizationPercent: 0,
  ecc: '0',
  clocksSmMHz: 405,
  clocksMaxSmMHz: 1531,
  throttleReasons: '0x0000000000000001',
  hwThermalSlowdown: false,
  swThermalSlowdown: false,
  pcie: { genCurrent: 1, genMax: 2, widthCurrent: 1, widthMax: 1 },
};

/**
 * The P4 a few seconds into llama.cpp with the fan the user mounted: P0, near its 75 W limit, warm but below
 * 80 °C, no thermal slowdown; the link at its full 5 GT/s (gen 2).
 */
export const P4_UNDER_LOAD: Partial<NvidiaGpu> = {
  temperatureC: 71,
  powerDrawW: 66.84,
  pstate: 'P0',
  utilizationPercent: 100,
  memoryUsedMiB: 5411,
  clocksSmMHz: 1417,
  throttleReasons: '0x0000000000000000',
  pcie: { genCurrent: 2, genMax: 2, widthCurrent: 1, widthMax: 1 },
};

export interface X220Options {
  name: string;
  description: string;
  /**
   * healthy: the GPU's BARs get addresses; error12: they do not, until hw.pci.realloc_bars=1 and a reboot;
   * error12-stubborn: they never do (the firmware's PCI root window is too small).
   */
  gpu: 'healthy' | 'error12' | 'error12-stubborn';
  /** The adapter has power now. */
  powered: boolean;
  /** The GPU was on the bus at the last boot; by default, when the adapter has power. */
  enumerated?: boolean;
  /** The speed the adapter's link trained at; by default 5 GT/s. */
  link?: LinkSpeed;
  user: Scenario['user'];
  elevation: Scenario['elevation'];
  /** Installed besides pkg itself. */
  packages: Package[];
  /** What `pkg install` finds; by default the 2025Q1 repository. */
  repository?: Package[];
  /** Lines added to /etc/rc.conf, e.g. a kld_list. */
  rcConf?: string[];
  /** What nvidia-smi reports once the driver attaches; by default the idle P4. */
  nvidia?: NvidiaGpu;
  /** What changes once llama.cpp has worked the card; by default a well-cooled P4. */
  underLoad?: Partial<NvidiaGpu>;
  /** VT-d as the BIOS has it; by default enabled, so the firmware provides its DMAR table. */
  vtd?: boolean;
}

/**
 * The tables of an X220's firmware (1.42), as a verbose boot of a real one lists them; DMAR appears only while
 * “Intel (R) VT-d Feature” is enabled.
 */
const X220_ACPI_TABLES = ['DSDT', 'FACP', 'SLIC', 'SSDT', 'SSDT', 'SSDT', 'HPET', 'APIC', 'MCFG', 'ECDT', 'ASF!', 'TCPA', 'SSDT', 'SSDT', 'DMAR', 'UEFI', 'UEFI', 'UEFI'];

/**
 * A ThinkPad X220 4291WF5 with FreeBSD 14.2 on ZFS, a Tesla P4 in the EXP GDC Beast on its ExpressCard slot,
 * just booted: the modules and their messages are those the boot brings (see bootMachine).
 */
export function x220Scenario(options: X220Options): Scenario {
  const scenario: Scenario = {
    name: options.name,
    description: options.description,
    os: { sysname: 'FreeBSD', release: '14.2-RELEASE', machine: 'amd64', hostname: 'x220' },
    kenv,
    user: options.user,
    elevation: options.elevation,
    egpu:
      options.gpu === 'healthy'
        ? { powered: options.powered, enumerated: options.powered }
        : { powered: options.powered, enumerated: options.powered, barPlacement: options.gpu === 'error12' ? 'realloc' : 'never' },
    // Where the kernel would put them; bootMachine decides whether they get there (see barsOf).
    pciDevices: x220Devices(P4_BARS_ASSIGNED, options.link),
    platformDevices,
    modules: [
      { file: 'kernel', size: 0x1f4e5c0, refs: 23, origin: 'boot' },
      { file: 'cryptodev.ko', size: 0x7a50, refs: 1, origin: 'loader' },
      { file: 'zfs.ko', size: 0x5fa2e8, refs: 1, origin: 'loader' },
      { file: 'acpi_ibm.ko', size: 0x91f8, refs: 1, origin: 'boot' },
      { file: 'iwn6000g2afw.ko', size: 0x6d330, refs: 1, origin: 'boot' },
    ],
    availableModules: baseModules,
    packages: [pkgTool, ...options.packages],
    repository: options.repository ?? freebsdRepository,
    files: options.rcConf === undefined ? files : { ...files, '/etc/rc.conf': `${files['/etc/rc.conf'] ?? ''}${options.rcConf.join('\n')}\n` },
    sysctls,
    dmesg: x220Dmesg(options.gpu),
    messages: { loader: [], runtime: [] },
    failures: [],
    nvidia: options.nvidia ?? teslaP4,
    underLoad: options.underLoad ?? P4_UNDER_LOAD,
    acpiTables: options.vtd === false ? X220_ACPI_TABLES.filter((t) => t !== 'DMAR') : X220_ACPI_TABLES,
    boots: 1,
  };
  bootMachine(scenario);
  // Hot-plugged after the boot: the adapter has power, but the bus was scanned without it.
  if (options.enumerated !== undefined) scenario.egpu.enumerated = options.enumerated;
  return scenario;
}

/** sudo from packages, as a fresh install with sudo added has it. */
export const sudoPackages: Package[] = [gettextRuntime, indexinfo, sudoPkg];
