import { attachPassthrough } from './ppt';
import type { DeepReadonly, KernelModule, MachineView, NvidiaGpu, PciBar, PciDevice, Scenario } from './scenario';
import { formatBootTime, type BootTime } from '../../detached/boot-time';

/** What the tools read off the state: every value here is derived, so nothing can disagree with it. */

type DeviceView = DeepReadonly<PciDevice>;

function selectorKey(selector: string): number[] {
  return selector.replace(/^pci/, '').split(':').map(Number);
}

function compareSelectors(a: string, b: string): number {
  const ka = selectorKey(a);
  const kb = selectorKey(b);
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    const d = (ka[i] ?? 0) - (kb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Devices on the bus now, in the kernel's (bus, slot, function) order. */
export function visibleDevices(m: MachineView): DeviceView[] {
  return m.pciDevices.filter((d) => !d.egpu || m.egpu.enumerated).sort((a, b) => compareSelectors(a.selector, b.selector));
}

export function capsOf(m: MachineView, device: DeviceView): readonly string[] {
  return !m.egpu.enumerated && device.capsWithoutEgpu !== null ? device.capsWithoutEgpu : device.caps;
}

/** Modules kldload can find: the base system's plus those installed packages brought. */
export function moduleCatalogue(m: MachineView): DeepReadonly<KernelModule>[] {
  return [...m.availableModules, ...m.packages.flatMap((p) => p.modules)];
}

/** `nvidia`, `nvidia.ko` and `/boot/modules/nvidia.ko` all name the file nvidia.ko. */
export function moduleFileName(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return base.endsWith('.ko') ? base : `${base}.ko`;
}

export const isLoaded = (m: MachineView, file: string): boolean => m.modules.some((row) => row.file === file);

export const hasProgram = (m: MachineView, program: string): boolean => m.packages.some((p) => p.programs.includes(program));

/** The installed package that carries nvidia.ko, whose version is the driver version. */
export function driverPackage(m: MachineView): DeepReadonly<Scenario['packages'][number]> | undefined {
  return m.packages.find((p) => p.modules.some((mod) => mod.file === 'nvidia.ko'));
}

/** "550.127.05_1" → "550.127.05": pkg's port revision is not part of NVIDIA's version. */
export const driverVersion = (pkgVersion: string): string => pkgVersion.replace(/[_,].*$/, '');

/** Whether the eGPU's memory ranges got addresses at the last boot (always, without a placement knob). */
export const egpuBarsAssigned = (m: MachineView): boolean => m.egpu.barsAssigned ?? true;

/** A device's BARs as the kernel left them: the eGPU's lose their addresses when they could not be placed. */
export function barsOf(m: MachineView, device: DeviceView): readonly DeepReadonly<PciBar>[] {
  if (!device.egpu || egpuBarsAssigned(m)) return device.bars;
  return device.bars.map((bar) => (bar.type === 'I/O Port' ? bar : { ...bar, base: '0x0', enabled: false }));
}

const unassigned = (bar: DeepReadonly<PciBar>): boolean => bar.type !== 'I/O Port' && (!bar.enabled || BigInt(bar.base) === 0n);

type NvidiaState =
  | { status: 'no-module' }
  | { status: 'no-device' }
  /** The loaded driver is a branch newer than the last one that supports the card. */
  | { status: 'unsupported'; device: DeviceView; gpu: DeepReadonly<NvidiaGpu>; branch: number }
  | { status: 'bar-failure'; device: DeviceView; bar: DeepReadonly<PciBar> }
  | { status: 'attached'; device: DeviceView; gpu: DeepReadonly<NvidiaGpu> };

/** The NVIDIA display device on the bus, if any. */
function nvidiaDevice(m: MachineView): DeviceView | undefined {
  // One held by ppt(4) for bhyve is not there for the host's driver.
  return visibleDevices(m).find((d) => d.vendorId === '0x10de' && d.class.startsWith('0x03') && !/^ppt\d+$/.test(d.driver ?? ''));
}

/**
 * Whether nvidia.ko could attach to the GPU: it must be loaded, the GPU on the bus, and every memory BAR
 * placed (the driver maps all of them and gives up on the first it cannot get).
 */
export function nvidiaState(m: MachineView): NvidiaState {
  if (!isLoaded(m, 'nvidia.ko')) return { status: 'no-module' };
  const device = nvidiaDevice(m);
  if (device === undefined || m.nvidia === null || m.nvidia.selector !== device.selector) return { status: 'no-device' };
  const branch = Number.parseInt(driverVersion(driverPackage(m)?.version ?? '0'), 10);
  if (m.nvidia.lastBranch !== null && branch > m.nvidia.lastBranch) return { status: 'unsupported', device, gpu: m.nvidia, branch };
  const bad = barsOf(m, device).find(unassigned);
  if (bad !== undefined) return { status: 'bar-failure', device, bar: bad };
  // Right after llama.cpp has worked it, the card reads as it does under load (warmer, at P0, drawing power).
  const gpu = m.linux?.loadRan === true && m.underLoad !== undefined ? { ...m.nvidia, ...m.underLoad } : m.nvidia;
  return { status: 'attached', device, gpu };
}

/** What the kernel prints when nvidia.ko probes the GPU (see nvidia_pci.c in the FreeBSD driver). */
function nvidiaAttachMessages(m: MachineView): string[] {
  const state = nvidiaState(m);
  if (state.status === 'no-module' || state.status === 'no-device') return [];
  if (state.status === 'unsupported') {
    // nv.c's legacy notice, printed for each probe; the probe then goes on without the card.
    const version = driverVersion(driverPackage(m)?.version ?? '');
    return [
      `NVRM: The NVIDIA ${state.gpu.name} GPU installed in this system is`,
      `NVRM:  supported through the NVIDIA ${state.gpu.lastBranch ?? ''}.xx Legacy drivers. Please`,
      'NVRM:  visit http://www.nvidia.com/object/unix.html for more',
      `NVRM:  information.  The ${version} NVIDIA driver will ignore`,
      'NVRM:  this GPU.  Continuing probe...',
      'NVRM: No NVIDIA GPU found.',
    ];
  }
  const probed = `nvidia0: <${m.nvidia?.name ?? 'Unknown'}> on ${state.device.driver ?? 'vgapci1'}`;
  if (state.status === 'attached') return [probed];
  return [
    probed,
    `nvidia0: NVRM: NVIDIA MEM resource alloc failed, BAR${state.device.bars.findIndex((b) => b.reg === state.bar.reg)} @ ${state.bar.reg}.`,
    'device_attach: nvidia0 attach returned 6',
  ];
}

/** sysctl's view: the base values, those of loaded modules, and the per-GPU nodes of an attached driver. */
/**
 * When the machine last started: an hour after the last boot per boot since, from a fixed first one (the
 * simulated clock has no calendar). Only that it changes at each boot matters to the wizard.
 */
const FIRST_BOOT_SEC = 1764576000;
export const bootTimeOf = (m: MachineView): BootTime => ({ sec: FIRST_BOOT_SEC + (m.boots - 1) * 3600, usec: 0 });

export function sysctlView(m: MachineView): Map<string, string> {
  const view = new Map<string, string>(Object.entries(m.sysctls));
  if (m.os.sysname === 'FreeBSD') view.set('kern.boottime', formatBootTime(bootTimeOf(m)));
  const catalogue = moduleCatalogue(m);
  for (const row of m.modules) {
    const mod = catalogue.find((c) => c.file === row.file);
    for (const [key, value] of Object.entries(mod?.sysctls ?? {})) view.set(key, value);
  }
  const state = nvidiaState(m);
  if (state.status === 'attached') {
    view.set('hw.nvidia.gpus.0.model', state.gpu.name);
    view.set('hw.nvidia.gpus.0.vbios', state.gpu.vbios);
    view.set('hw.nvidia.gpus.0.type', 'PCIe');
  }
  for (const [key, value] of deviceSysctls(m)) view.set(key, value);
  return view;
}

/** One device of the newbus tree, with what its `dev.<driver>.<unit>.` sysctl node shows. */
export interface NewbusDevice {
  /** The name and unit, `vgapci1`. */
  name: string;
  description: string;
  /** The parent's name and unit (`pci2`), root0 for nexus0. */
  parent: string;
  location: string;
  pnpinfo: string;
  /** Leaves the driver adds itself (a PCI-PCI bridge's bus numbers), in the order it adds them. */
  leaves: ReadonlyArray<readonly [string, string]>;
}

/** `sdhci_pci0` → devclass `sdhci_pci`, unit 0. */
function splitNameUnit(name: string): { devclass: string; unit: number } {
  const match = /^(.*?)(\d+)$/.exec(name);
  return { devclass: match?.[1] ?? name, unit: Number(match?.[2] ?? 0) };
}

const busNumber = (selector: string): number => Number(selector.split(':')[1]);

/** pciconf's selector `pci0:5:0:0` → domain 0, bus 5, slot 0, function 0. */
function selectorParts(selector: string): { domain: number; bus: number; slot: number; func: number } {
  const [domain = 0, bus = 0, slot = 0, func = 0] = selector.replace(/^pci/, '').split(':').map(Number);
  return { domain, bus, slot, func };
}

/**
 * The newbus tree in attach order, as FreeBSD builds it at boot: the platform devices down to the host
 * bridge pcib0, then pci0 on it and every PCI device with a driver on its bus, in slot order. A PCI-PCI
 * bridge gets a pci bus only when something is on its secondary bus (real X220 boots show none behind the
 * empty ports, the ExpressCard slot included), and that bus attaches while the bridge does, before the
 * bridge's siblings; so pci buses are numbered in attach order, not by bus number, exactly as the boot
 * messages show them. Devices without a driver have no node. Only FreeBSD has this tree.
 */
export function newbusDevices(m: MachineView): NewbusDevice[] {
  if (m.os.sysname !== 'FreeBSD') return [];
  const nodes: NewbusDevice[] = m.platformDevices.map((d) => ({ ...d, leaves: [] }));
  const host = m.platformDevices.find((d) => d.name === 'pcib0');
  if (host === undefined) return nodes;
  const visible = visibleDevices(m);
  let nextBus = 0;
  const attachBus = (bus: number, bridge: string, acpi: boolean): void => {
    const name = `pci${nextBus++}`;
    // acpi_pci takes a bus whose bridge has an ACPI node; plain pci the others.
    nodes.push({ name, description: acpi ? 'ACPI PCI bus' : 'PCI bus', parent: bridge, location: '', pnpinfo: '', leaves: [] });
    for (const device of visible.filter((d) => busNumber(d.selector) === bus)) {
      if (device.driver === null) continue;
      const { domain, slot, func } = selectorParts(device.selector);
      const handle = device.acpiHandle === null ? '' : ` handle=${device.acpiHandle}`;
      const { bridge: buses } = device;
      nodes.push({
        name: device.driver,
        description: device.description ?? '',
        parent: name,
        location: `slot=${slot} function=${func} dbsf=${device.selector}${handle}`,
        pnpinfo: `vendor=${device.vendorId} device=${device.deviceId} subvendor=${device.subvendorId} subdevice=${device.subdeviceId} class=${device.class}`,
        leaves:
          buses === null
            ? []
            : [
                ['domain', String(domain)],
                ['pribus', String(bus)],
                ['secbus', String(buses.secondaryBus)],
                ['subbus', String(buses.subordinateBus)],
              ],
      });
      if (buses !== null && visible.some((d) => busNumber(d.selector) === buses.secondaryBus)) {
        attachBus(buses.secondaryBus, device.driver, device.acpiHandle !== null);
      }
    }
  };
  attachBus(0, host.name, host.location.startsWith('handle='));
  const state = nvidiaState(m);
  if (state.status === 'attached' && state.device.driver !== null) {
    nodes.push({ name: 'nvidia0', description: state.gpu.name, parent: state.device.driver, location: '', pnpinfo: '', leaves: [] });
  }
  return nodes;
}

/**
 * The `dev.` sysctl tree in the order sysctl lists it: each driver's units newest first, in each unit the
 * driver's own leaves and then %parent, %pnpinfo, %location, %driver, %desc (the reverse of the order they
 * were added), and the driver's own `dev.<driver>.%parent` (empty) last. A driver whose only device failed to
 * attach keeps that last node: the kernel adds it before attaching and never takes it away.
 */
function deviceSysctls(m: MachineView): Array<[string, string]> {
  const nodes = newbusDevices(m);
  const devclasses = [...new Set(nodes.map((n) => splitNameUnit(n.name).devclass))];
  if (nvidiaState(m).status === 'bar-failure' && !devclasses.includes('nvidia')) devclasses.push('nvidia');
  const entries: Array<[string, string]> = [];
  for (const devclass of devclasses) {
    const units = nodes
      .map((node) => ({ node, unit: splitNameUnit(node.name) }))
      .filter(({ unit }) => unit.devclass === devclass)
      .sort((a, b) => b.unit.unit - a.unit.unit);
    for (const { node, unit } of units) {
      const prefix = `dev.${devclass}.${unit.unit}.`;
      for (const [leaf, value] of [...node.leaves].reverse()) entries.push([`${prefix}${leaf}`, value]);
      entries.push(
        [`${prefix}%parent`, node.parent],
        [`${prefix}%pnpinfo`, node.pnpinfo],
        [`${prefix}%location`, node.location],
        [`${prefix}%driver`, devclass],
        [`${prefix}%desc`, node.description],
      );
    }
    entries.push([`dev.${devclass}.%parent`, '']);
  }
  return entries;
}

/** The boot messages as saved in /var/run/dmesg.boot. */
export function bootMessages(m: MachineView): string[] {
  const lines: string[] = [];
  for (const entry of m.dmesg) {
    if (typeof entry === 'string') lines.push(entry);
    else if (entry.when === 'egpu' || entry.when === 'no-egpu') {
      if ((entry.when === 'egpu') === m.egpu.enumerated) lines.push(...entry.lines);
    } else if (m.egpu.enumerated && (entry.when === 'egpu-bars-assigned') === egpuBarsAssigned(m)) {
      lines.push(...entry.lines);
    }
  }
  return [...lines, ...m.messages.loader];
}

/** The kernel message buffer: boot messages and everything printed since. */
export const messageBuffer = (m: MachineView): string[] => [...bootMessages(m), ...m.messages.runtime];

/** Loads a module after what it depends on, as the loader, rc or kldload would; false if a file is missing. */
export function loadModule(state: Scenario, file: string, origin: Scenario['modules'][number]['origin']): boolean {
  if (isLoaded(state, file)) return true;
  const mod = moduleCatalogue(state).find((c) => c.file === file);
  if (mod === undefined || !mod.depends.every((dep) => loadModule(state, dep, origin))) return false;
  state.modules.push({ file, size: mod.size, refs: 1, origin });
  const messages = [...mod.messages, ...(file === 'nvidia.ko' ? nvidiaAttachMessages(state) : [])];
  (origin === 'loader' ? state.messages.loader : state.messages.runtime).push(...messages);
  return true;
}

/**
 * A fresh boot: the bus is enumerated again (the eGPU is there only if it has power now), the kernel and the
 * modules the system always brings are back, then loader.conf's `*_load="YES"` and rc.conf's kld_list.
 */
export function bootMachine(state: Scenario): void {
  state.egpu.enumerated = state.egpu.powered;
  state.messages = { loader: [], runtime: [] };
  // The guests bhyve ran ended with the old boot (vm-bhyve's autostart is not simulated).
  if (state.bhyveGuests !== undefined) state.bhyveGuests = [];
  // The PCI bus is set up before any module loads: hw.pci.realloc_bars comes from loader.conf.
  const placement = state.egpu.barPlacement;
  if (placement !== undefined) {
    const realloc = loaderConfTunables(state).some(([key, value]) => key === 'hw.pci.realloc_bars' && value === '1');
    state.egpu.barsAssigned = placement === 'firmware' || (placement === 'realloc' && realloc);
  }
  const kept = state.modules.filter((row) => row.origin === 'boot');
  const [kernel, ...devmatch] = kept;
  state.modules = kernel ? [kernel] : [];
  for (const file of loaderConfModules(state)) loadModule(state, file, 'loader');
  // ppt claims its devices as the bus attaches, before rc's kld_list could bring a driver for them.
  attachPassthrough(state, isLoaded(state, 'vmm.ko'));
  for (const row of devmatch) if (!state.modules.some((m) => m.file === row.file)) state.modules.push(row);
  for (const file of rcConfModules(state)) loadModule(state, file, 'rc');
  // The loader hands loader.conf's tunables (names with a dot) to the kernel environment.
  for (const [key, value] of loaderConfTunables(state)) state.kenv[key] = value;
  // rc(8)'s linux service loads the Linux ABI when linux_enable="YES".
  if (/^\s*linux_enable\s*=\s*"?yes"?\s*(?:#.*)?$/im.test(state.files['/etc/rc.conf'] ?? '')) loadModule(state, 'linux64.ko', 'rc');
}

/** `name.with.dots=value` lines of /boot/loader.conf, quotes removed. */
export function loaderConfTunables(m: MachineView): [string, string][] {
  const found: [string, string][] = [];
  for (const line of (m.files['/boot/loader.conf'] ?? '').split('\n')) {
    const match = /^\s*([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+)\s*=\s*"?([^"#\s]*)"?\s*(?:#.*)?$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) found.push([match[1], match[2]]);
  }
  return found;
}

/** `foo_load="YES"` lines of /boot/loader.conf, as module files. */
export function loaderConfModules(m: MachineView): string[] {
  const files: string[] = [];
  for (const line of (m.files['/boot/loader.conf'] ?? '').split('\n')) {
    const match = /^\s*([A-Za-z0-9_.-]+)_load\s*=\s*"?([A-Za-z]+)"?\s*(?:#.*)?$/.exec(line);
    if (match && match[2]?.toUpperCase() === 'YES' && match[1] !== undefined) files.push(moduleFileName(match[1]));
  }
  return files;
}

/** The modules of the last `kld_list=` in /etc/rc.conf. */
export function rcConfModules(m: MachineView): string[] {
  let list: string[] = [];
  for (const line of (m.files['/etc/rc.conf'] ?? '').split('\n')) {
    const match = /^\s*kld_list\s*=\s*"([^"]*)"\s*(?:#.*)?$/.exec(line) ?? /^\s*kld_list\s*=\s*(\S*)\s*(?:#.*)?$/.exec(line);
    if (match) list = (match[1] ?? '').split(/\s+/).filter((w) => w !== '').map(moduleFileName);
  }
  return list;
}
