import { driverPackage, driverVersion, hasProgram, nvidiaState } from '../machine';
import type { DeepReadonly, NvidiaGpu } from '../scenario';
import { ran, type Ran, type Tool } from './tool';

type Gpu = DeepReadonly<NvidiaGpu>;

/** Highest CUDA version each driver branch supports, as nvidia-smi's header shows it. */
const CUDA_BY_BRANCH: Readonly<Record<string, string>> = { '470': '11.4', '525': '12.0', '535': '12.2', '550': '12.4', '560': '12.6', '570': '12.8', '575': '12.9', '580': '13.0' };

export const NO_DRIVER = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.";

/** The PCI bus id as NVML prints it: 00000000:05:00.0 for pci0:5:0:0. */
function busId(selector: string): string {
  const [domain = 0, bus = 0, slot = 0, func = 0] = selector.replace(/^pci/, '').split(':').map(Number);
  const h = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
  return `${h(domain, 8)}:${h(bus, 2)}:${h(slot, 2)}.${h(func, 1)}`;
}

/** C's asctime(), the timestamp nvidia-smi prints above its table. */
function asctime(date: Date): string {
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][date.getDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][date.getMonth()];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${day} ${month} ${String(date.getDate()).padStart(2)} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${date.getFullYear()}`;
}

/** The status table in the layout of the 535 and later branches (91 columns). */
export function table(gpu: Gpu, selector: string, version: string): string[] {
  const cuda = CUDA_BY_BRANCH[version.split('.')[0] ?? ''] ?? 'N/A';
  const rule = `+${'-'.repeat(89)}+`;
  const cells = (a: string, b: string, c: string) => `|${a}|${b}|${c}|`;
  const watts = (w: number) => `${Math.round(w)}W`;
  return [
    `${asctime(new Date())}       `,
    rule,
    `| NVIDIA-SMI ${version.padEnd(23)}Driver Version: ${version.padEnd(15)}CUDA Version: ${cuda.padEnd(9)}|`,
    `|${'-'.repeat(41)}+${'-'.repeat(24)}+${'-'.repeat(22)}+`,
    '| GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |',
    '| Fan  Temp   Perf          Pwr:Usage/Cap |           Memory-Usage | GPU-Util  Compute M. |',
    '|                                         |                        |               MIG M. |',
    `|${'='.repeat(41)}+${'='.repeat(24)}+${'='.repeat(22)}|`,
    cells(`   0  ${gpu.name.padEnd(31)}${(gpu.persistence ? 'On' : 'Off').padEnd(3)} `, `${busId(selector).padStart(19)} Off `, ` ${gpu.ecc.padStart(20)} `),
    cells(
      ` N/A  ${`${gpu.temperatureC}C`.padStart(4)}    ${gpu.pstate.padEnd(2)}${watts(gpu.powerDrawW).padStart(16)} / ${watts(gpu.powerLimitW).padStart(5)} `,
      `${`${gpu.memoryUsedMiB}MiB`.padStart(11)} / ${`${gpu.memoryTotalMiB}MiB`.padStart(9)} `,
      `${`${gpu.utilizationPercent}%`.padStart(8)}${'Default'.padStart(13)} `,
    ),
    cells(' '.repeat(41), ' '.repeat(24), ` ${'N/A'.padStart(20)} `),
    `+${'-'.repeat(41)}+${'-'.repeat(24)}+${'-'.repeat(22)}+`,
    ' '.repeat(89),
    rule,
    `| Processes:${' '.repeat(78)}|`,
    '|  GPU   GI   CI        PID   Type   Process name                              GPU Memory |',
    '|        ID   ID                                                               Usage      |',
    `|${'='.repeat(89)}|`,
    `|  No running processes found${' '.repeat(61)}|`,
    rule,
  ];
}

/** One query field's value, with its unit unless nounits. */
function field(gpu: Gpu, selector: string, version: string, name: string, units: boolean): string | null {
  const u = (value: string, unit: string) => (units ? `${value} ${unit}` : value);
  const active = (on: boolean) => (on ? 'Active' : 'Not Active');
  const values: Record<string, () => string> = {
    index: () => '0',
    name: () => gpu.name,
    'pci.bus_id': () => busId(selector),
    driver_version: () => version,
    'memory.total': () => u(String(gpu.memoryTotalMiB), 'MiB'),
    'memory.used': () => u(String(gpu.memoryUsedMiB), 'MiB'),
    'temperature.gpu': () => String(gpu.temperatureC),
    'power.draw': () => u(gpu.powerDrawW.toFixed(2), 'W'),
    'power.limit': () => u(gpu.powerLimitW.toFixed(2), 'W'),
    'clocks.sm': () => u(String(gpu.clocksSmMHz), 'MHz'),
    'clocks.max.sm': () => u(String(gpu.clocksMaxSmMHz), 'MHz'),
    'clocks_throttle_reasons.active': () => gpu.throttleReasons,
    'clocks_throttle_reasons.hw_thermal_slowdown': () => active(gpu.hwThermalSlowdown),
    'clocks_throttle_reasons.sw_thermal_slowdown': () => active(gpu.swThermalSlowdown),
    'utilization.gpu': () => u(String(gpu.utilizationPercent), '%'),
    'pcie.link.gen.current': () => String(gpu.pcie.genCurrent),
    'pcie.link.gen.max': () => String(gpu.pcie.genMax),
    'pcie.link.width.current': () => String(gpu.pcie.widthCurrent),
    'pcie.link.width.max': () => String(gpu.pcie.widthMax),
    uuid: () => gpu.uuid,
    vbios_version: () => gpu.vbios,
    pstate: () => gpu.pstate,
  };
  const value = Object.hasOwn(values, name) ? values[name] : undefined;
  return value === undefined ? null : value();
}

const UNITS: Readonly<Record<string, string>> = {
  'memory.total': 'MiB',
  'memory.used': 'MiB',
  'power.draw': 'W',
  'power.limit': 'W',
  'clocks.sm': 'MHz',
  'clocks.max.sm': 'MHz',
  'utilization.gpu': '%',
};

function csv(gpu: Gpu, selector: string, version: string, fields: readonly string[], format: readonly string[]): Ran {
  const units = !format.includes('nounits');
  const values: string[] = [];
  for (const name of fields) {
    const value = field(gpu, selector, version, name, units);
    if (value === null) return ran(2, [`Field "${name}" is not a valid field to query.`, ''], []);
    values.push(value);
  }
  const header = fields.map((f) => (units && UNITS[f] ? `${f} [${UNITS[f]}]` : f)).join(', ');
  return ran(0, [...(format.includes('noheader') ? [] : [header]), values.join(', ')]);
}

/** The table (no arguments) or a CSV query; null for arguments nvidia-smi would refuse. */
function readArgs(args: readonly string[]): { fields: string[]; format: string[] } | null {
  if (args.length === 0) return { fields: [], format: [] };
  const queryArg = args.find((a) => a.startsWith('--query-gpu='));
  const formatArg = args.find((a) => a.startsWith('--format='));
  const format = formatArg?.slice('--format='.length).split(',') ?? [];
  const isQuery = queryArg !== undefined && formatArg !== undefined && args.length === 2 && format[0] === 'csv' && format.slice(1).every((f) => f === 'noheader' || f === 'nounits');
  return isQuery ? { fields: queryArg.slice('--query-gpu='.length).split(','), format } : null;
}

/** What nvidia-smi prints for a GPU its driver has (on the host or in the passthrough guest). */
export function gpuAnswer(gpu: Gpu, selector: string, version: string, args: readonly string[]): Ran {
  const read = readArgs(args);
  if (read === null) return badArguments();
  return read.fields.length === 0 ? ran(0, table(gpu, selector, version)) : csv(gpu, selector, version, read.fields, read.format);
}

/** nvidia-smi prints its complaints about arguments on stdout. */
const badArguments = (): Ran => ran(64, ["Invalid combination of input arguments. Please run 'nvidia-smi -h' for help."]);

/**
 * `nvidia-smi` and `nvidia-smi --query-gpu=… --format=csv[,noheader][,nounits]`. Installed with the driver
 * package; without the kernel module, or without a GPU the module could attach to, it prints its verdicts
 * (exit 9 and 6) instead of data.
 */
export const nvidiaSmi: Tool = {
  program: 'nvidia-smi',
  path: (m) => (hasProgram(m, 'nvidia-smi') ? '/usr/local/bin/nvidia-smi' : null),
  run(args, { machine }) {
    if (readArgs(args) === null) return badArguments();
    const state = nvidiaState(machine);
    if (state.status === 'no-module') return ran(9, [NO_DRIVER, '']);
    const pkg = driverPackage(machine);
    if (state.status !== 'attached' || pkg === undefined) return ran(6, ['No devices were found']);
    return gpuAnswer(state.gpu, state.device.selector, driverVersion(pkg.version), args);
  },
};
