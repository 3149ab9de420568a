import type { DeepReadonly, KernelModule, MachineView, NvidiaGpu, PciBar, PciDevice, Scenario } from './scenario';

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

const unassigned = (bar: DeepReadonly<PciBar>): boolean => bar.type !== 'I/O Port' && (!bar.enabled || BigInt(bar.base) === 0n);

type NvidiaState =
  | { status: 'no-module' }
  | { status: 'no-device' }
  | { status: 'bar-failure'; device: DeviceView; bar: DeepReadonly<PciBar> }
  | { status: 'attached'; device: DeviceView; gpu: DeepReadonly<NvidiaGpu> };

/** The NVIDIA display device on the bus, if any. */
function nvidiaDevice(m: MachineView): DeviceView | undefined {
  return visibleDevices(m).find((d) => d.vendorId === '0x10de' && d.class.startsWith('0x03'));
}

/**
 * Whether nvidia.ko could attach to the GPU: it must be loaded, the GPU on the bus, and every memory BAR
 * placed (the driver maps all of them and gives up on the first it cannot get).
 */
export function nvidiaState(m: MachineView): NvidiaState {
  if (!isLoaded(m, 'nvidia.ko')) return { status: 'no-module' };
  const device = nvidiaDevice(m);
  if (device === undefined || m.nvidia === null || m.nvidia.selector !== device.selector) return { status: 'no-device' };
  const bad = device.bars.find(unassigned);
  if (bad !== undefined) return { status: 'bar-failure', device, bar: bad };
  return { status: 'attached', device, gpu: m.nvidia };
}

/** What the kernel prints when nvidia.ko probes the GPU (see nvidia_pci.c in the FreeBSD driver). */
function nvidiaAttachMessages(m: MachineView): string[] {
  const state = nvidiaState(m);
  if (state.status === 'no-module' || state.status === 'no-device') return [];
  const probed = `nvidia0: <${m.nvidia?.name ?? 'Unknown'}> on ${state.device.driver ?? 'vgapci1'}`;
  if (state.status === 'attached') return [probed];
  return [
    probed,
    `nvidia0: NVRM: NVIDIA MEM resource alloc failed, BAR${state.device.bars.indexOf(state.bar)} @ ${state.bar.reg}.`,
    'device_attach: nvidia0 attach returned 6',
  ];
}

/** sysctl's view: the base values, those of loaded modules, and the per-GPU nodes of an attached driver. */
export function sysctlView(m: MachineView): Map<string, string> {
  const view = new Map<string, string>(Object.entries(m.sysctls));
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
  return view;
}

/** The boot messages as saved in /var/run/dmesg.boot. */
export function bootMessages(m: MachineView): string[] {
  const lines: string[] = [];
  for (const entry of m.dmesg) {
    if (typeof entry === 'string') lines.push(entry);
    else if ((entry.when === 'egpu') === m.egpu.enumerated) lines.push(...entry.lines);
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
