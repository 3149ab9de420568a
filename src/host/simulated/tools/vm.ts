import { getValue, parseShellVars, removeKey, renderShellVars, setValue } from '../../../config/formats/shell-vars';
import type { MachineView, Scenario } from '../scenario';
import { ran, usage, type Ran, type Tool } from './tool';

/**
 * vm-bhyve's `vm`, as far as the passthrough route uses it: init, a switch, a cloud image, create from a
 * template, start, stop, destroy and list. Its state is files under vm_dir, as on a real host (the
 * guests' configurations, `.config/system.conf`), plus the bhyve processes now running. Messages are
 * vm-bhyve's own (`$0: ERROR: …` from util::err).
 */

const VM = '/usr/local/sbin/vm';
const err = (text: string): Ran => ran(1, [], [`${VM}: ERROR: ${text}`]);
const USAGE = `Usage: vm ...\n    init\n    switch create <name>\n    switch add <switch> <interface>\n    img [url]\n    create [-d datastore] [-t template] [-s size] [-i image] [-C -k pubkey] [-n network-config] <name>\n    start <name>\n    stop <name>\n    destroy [-f] <name>\n    list`;

/** rc.conf read the way load_rc_config does for the two settings vm-bhyve needs. */
function rcSetting(m: MachineView, key: string): string | null {
  const doc = parseShellVars(m.files['/etc/rc.conf'] ?? '', { dialect: 'rc' });
  return doc.ok ? getValue(doc.value, key) : null;
}

const isDir = (m: MachineView, path: string): boolean =>
  (m.directories ?? []).includes(path) || Object.keys(m.files).some((f) => f.startsWith(`${path}/`));

const sysConf = (dir: string): string => `${dir}/.config/system.conf`;
const guestConf = (dir: string, name: string): string => `${dir}/${name}/${name}.conf`;

/** The names of the guests: folders of vm_dir holding `<name>/<name>.conf`. */
function guestNames(m: MachineView, dir: string): string[] {
  const names = Object.keys(m.files).flatMap((f) => {
    const match = new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([^/.][^/]*)/\\1\\.conf$`).exec(f);
    return match?.[1] === undefined ? [] : [match[1]];
  });
  return [...new Set(names)].sort();
}

function confValue(m: MachineView, path: string, key: string): string | null {
  const doc = parseShellVars(m.files[path] ?? '', { dialect: 'rc' });
  return doc.ok ? getValue(doc.value, key) : null;
}

/** Sets keys in a vm-bhyve file as its sysrc calls do (appending when new). */
function withSettings(text: string, settings: Record<string, string | null>): string {
  const parsed = parseShellVars(text, { dialect: 'rc' });
  if (!parsed.ok) throw new Error(`vm-bhyve file does not parse: ${parsed.error.message}`);
  let doc = parsed.value;
  for (const [key, value] of Object.entries(settings)) doc = value === null ? removeKey(doc, key) : setValue(doc, key, value);
  return renderShellVars(doc);
}

const running = (m: MachineView, name: string) => (m.bhyveGuests ?? []).find((g) => g.name === name);

/** The ppt(4) device at bhyve's bus/slot/function, or why passthrough cannot start. */
function passthroughProblem(m: MachineView, bsf: string): string | null {
  if (!(m.acpiTables ?? []).includes('DMAR')) return 'pci passthrough not supported on this system (no VT-d or amdvi)';
  const device = m.pciDevices.find((d) => d.selector === `pci0:${bsf.split('/').join(':')}`);
  if (device?.driver?.startsWith('ppt') !== true) return `pci device ${bsf} is not reserved for passthrough (no ppt device)`;
  return null;
}

function list(m: MachineView, dir: string): Ran {
  const rows = [['NAME', 'DATASTORE', 'LOADER', 'CPU', 'MEMORY', 'VNC', 'AUTO', 'STATE']];
  const autostart = (rcSetting(m, 'vm_list') ?? '').split(/\s+/).filter((w) => w !== '');
  for (const name of guestNames(m, dir)) {
    const conf = guestConf(dir, name);
    const order = autostart.indexOf(name);
    const guest = running(m, name);
    rows.push([
      name,
      'default',
      confValue(m, conf, 'loader') ?? 'none',
      confValue(m, conf, 'cpu') ?? '',
      confValue(m, conf, 'memory') ?? '',
      '-',
      order < 0 ? 'No' : `Yes [${order + 1}]`,
      guest === undefined ? 'Stopped' : `Running (${guest.pid})`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return ran(0, rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 2))).join('')));
}

/**
 * What vm-bhyve's core::create_cloud_init writes for `-n "ip=A/P;gateway=G;nameservers=N1,N2"`: netplan
 * matching the guest's MAC, a static address and no DHCP.
 */
function networkConfig(value: string, mac: string): string {
  const field = (name: string): string => new RegExp(`${name}=([^;]*)`).exec(value)?.[1] ?? '';
  return [
    'version: 2',
    'ethernets:',
    '  id0:',
    '    set-name: eth0',
    '    match:',
    `      macaddress: "${mac}"`,
    '    addresses:',
    `      - ${field('ip')}`,
    `    gateway4: ${field('gateway')}`,
    '    nameservers:',
    '      search: []',
    `      addresses: [${field('nameservers')}]`,
    '',
  ].join('\n');
}

/** `vm create -t T -i IMAGE -s SIZE -C -k KEYFILE -n NETCONFIG NAME`, the form the catalogue uses. */
function create(m: MachineView, dir: string, args: readonly string[]): Ran {
  const options = new Map<string, string>();
  let cloudInit = false;
  let index = 0;
  while (index < args.length - 1) {
    const flag = args[index] ?? '';
    if (flag === '-C') {
      cloudInit = true;
      index += 1;
    } else if (['-t', '-i', '-s', '-k', '-d', '-n'].includes(flag) && args[index + 1] !== undefined) {
      options.set(flag, args[index + 1] ?? '');
      index += 2;
    } else return usage(USAGE);
  }
  const name = args[index];
  if (name === undefined || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) return usage(USAGE);
  if (guestNames(m, dir).includes(name)) return err(`directory ${dir}/${name} already exists`);
  const template = `${dir}/.templates/${options.get('-t') ?? 'default'}.conf`;
  if (m.files[template] === undefined) return err(`unable to find template ${template}`);
  const image = options.get('-i');
  if (image !== undefined && m.files[`${dir}/.img/${image}`] === undefined) return err(`unable to locate image file ${image}`);
  const keyFile = options.get('-k');
  if (keyFile !== undefined && !cloudInit) return err('cloud-init is required for injecting public key. Use -C to enable it.');
  if (keyFile !== undefined && m.files[keyFile] === undefined) return err(`can't read file with public key (${keyFile})`);
  const mac = '58:9c:fc:0a:1b:2c';
  const netconfig = options.get('-n');
  const conf = withSettings(m.files[template] ?? '', {
    uuid: '6f1c2b9a-0d4e-4a57-9b1e-3c5d7e9f0a1b',
    network0_mac: mac,
    disk0_size: null,
    ...(cloudInit ? { disk1_type: 'ahci-cd', disk1_dev: 'file', disk1_name: 'seed.iso' } : {}),
  });
  // qemu-img writes the image onto the disk file: the slow part, minutes on the X220's disk.
  return ran(0, [], [], {
    durationMs: image === undefined ? 200 : 95_000,
    commit: (state) => {
      state.files[guestConf(dir, name)] = conf;
      if (image !== undefined) state.files[`${dir}/${name}/disk0.img`] = `raw image of ${image}\n`;
      if (cloudInit) state.files[`${dir}/${name}/seed.iso`] = `cidata: ${state.files[keyFile ?? ''] ?? ''}`;
      // vm-bhyve reads -n only for cloud-init; without -C it is ignored.
      if (cloudInit && netconfig !== undefined) state.files[`${dir}/${name}/.cloud-init/network-config`] = networkConfig(netconfig, mac);
    },
  });
}

function start(m: MachineView, dir: string, name: string): Ran {
  const conf = guestConf(dir, name);
  if (m.files[conf] === undefined) return err(`${name} doesn't appear to be a valid virtual machine`);
  if (running(m, name)) return err(`${name} appears to be already running`);
  const lines = ['Starting ' + name, `  * found guest in ${dir}/${name}`, '  * booting...'];
  const passthru = confValue(m, conf, 'passthru0');
  const problem = passthru === null ? null : passthroughProblem(m, passthru);
  const log = `${dir}/${name}/vm-bhyve.log`;
  // vm start only launches the guest in the background: a guest that cannot run ends there, said in its log.
  return ran(0, lines, [], {
    durationMs: 1500,
    commit: (state) => {
      if (problem !== null) {
        state.files[log] = `${state.files[log] ?? ''}Dec 03 14:00:00: initialising\nDec 03 14:00:00: fatal; ${problem}\n`;
        return;
      }
      state.files[log] = `${state.files[log] ?? ''}Dec 03 14:00:00: initialising\nDec 03 14:00:01: starting bhyve (run 1)\n`;
      state.bhyveGuests = [...(state.bhyveGuests ?? []), { name, pid: 4800 + (state.bhyveGuests?.length ?? 0) }];
    },
  });
}

export const vm: Tool = {
  program: 'vm',
  path: (m) => (m.packages.some((p) => p.programs.includes('vm')) ? VM : null),
  run(args, { machine, root }) {
    if (rcSetting(machine, 'vm_enable')?.toUpperCase() !== 'YES') return err('$vm_enable is not enabled in /etc/rc.conf!');
    const dir = rcSetting(machine, 'vm_dir');
    if (dir === null || !isDir(machine, dir)) return err('$vm_dir has not been configured or is not a valid directory');
    if (!root) return err('virtual machines can only be managed by root');
    const [command, ...rest] = args;
    const initialised = machine.files[sysConf(dir)] !== undefined;
    if (command !== 'init' && !initialised) return err(`unable to load config file (${sysConf(dir)}); run 'vm init'`);
    switch (command) {
      case 'init':
        if (rest.length !== 0) return usage(USAGE);
        return ran(0, [], [], {
          commit: (state) => {
            state.files[sysConf(dir)] ??= '';
            state.directories = [...new Set([...(state.directories ?? []), ...['.templates', '.img', '.iso'].map((d) => `${dir}/${d}`)])];
          },
        });
      case 'switch': {
        const [verb, name, iface] = rest;
        const text = machine.files[sysConf(dir)] ?? '';
        const switches = (confValue(machine, sysConf(dir), 'switch_list') ?? '').split(/\s+/).filter((w) => w !== '');
        if (verb === 'create' && name !== undefined && rest.length === 2) {
          if (switches.includes(name)) return err(`switch ${name} already exists`);
          const after = withSettings(text, { switch_list: [...switches, name].join(' '), [`type_${name}`]: 'standard' });
          return ran(0, [], [], { commit: (state) => void (state.files[sysConf(dir)] = after) });
        }
        if (verb === 'add' && name !== undefined && iface !== undefined && rest.length === 3) {
          if (!switches.includes(name)) return err(`${name} is not a valid switch name`);
          const after = withSettings(text, { [`ports_${name}`]: iface });
          return ran(0, [], [], { commit: (state) => void (state.files[sysConf(dir)] = after) });
        }
        return usage(USAGE);
      }
      case 'img': {
        const [url] = rest;
        if (rest.length !== 1 || url === undefined || !/^https?:\/\/\S+\/[^/]+$/.test(url)) return usage(USAGE);
        const file = url.slice(url.lastIndexOf('/') + 1);
        // fetch(1) without a terminal prints its summary line once done.
        return ran(0, [`${dir}/.img/${file}                         578 MB 4096 kBps 02m24s`], [], {
          durationMs: 144_000,
          commit: (state) => void (state.files[`${dir}/.img/${file}`] = `cloud image ${file}\n`),
        });
      }
      case 'create':
        return create(machine, dir, rest);
      case 'start':
        return rest.length === 1 && rest[0] !== undefined ? start(machine, dir, rest[0]) : usage(USAGE);
      case 'stop': {
        const [name] = rest;
        if (rest.length !== 1 || name === undefined) return usage(USAGE);
        if (!running(machine, name)) return err(`${name} doesn't appear to be a running virtual machine`);
        return ran(0, [`Sending ACPI shutdown to ${name}`], [], {
          durationMs: 8000,
          commit: (state) => void (state.bhyveGuests = (state.bhyveGuests ?? []).filter((g) => g.name !== name)),
        });
      }
      case 'destroy': {
        const name = rest[rest.length - 1];
        if (rest.length !== 2 || rest[0] !== '-f' || name === undefined) return usage(USAGE);
        if (!guestNames(machine, dir).includes(name)) return err(`${name} doesn't appear to be a valid virtual machine`);
        if (running(machine, name)) return err(`${name} is currently running. Please stop it first`);
        return ran(0, [], [], {
          commit: (state) => {
            for (const path of Object.keys(state.files)) if (path.startsWith(`${dir}/${name}/`)) delete state.files[path];
          },
        });
      }
      case 'list':
        return rest.length === 0 ? list(machine, dir) : usage(USAGE);
      default:
        return usage(USAGE);
    }
  },
};

/** `mkdir -p DIR`: made for vm_dir; a folder that holds no file yet is remembered in `directories`. */
export const mkdir: Tool = {
  program: 'mkdir',
  path: (m) => (m.os.sysname === 'FreeBSD' ? '/bin/mkdir' : null),
  run(args, { machine, root }) {
    const [flag, path] = args;
    if (args.length !== 2 || flag !== '-p' || path === undefined || !path.startsWith('/')) return usage('usage: mkdir [-pv] [-m mode] directory_name ...');
    if (isDir(machine, path)) return ran(0);
    if (!root) return ran(1, [], [`mkdir: ${path}: Permission denied`]);
    return ran(0, [], [], { commit: (state: Scenario) => void (state.directories = [...(state.directories ?? []), path]) });
  },
};
