import type { MachineView } from '../scenario';
import { acpidump } from './acpidump';
import { cat } from './cat';
import { dmesg } from './dmesg';
import { daemon, kill, ps, tail } from './detached';
import { doas } from './doas';
import { chmod, chown, mv, rm, stat, tee } from './files';
import { id } from './id';
import { debootstrap, fetch, find, jexec, jls, ls, mount, nvSglrun, service } from './jail';
import { kenv } from './kenv';
import { kldload } from './kldload';
import { kldstat } from './kldstat';
import { nvidiaSmi } from './nvidia-smi';
import { tar, vulkaninfo } from './ollama';
import { pciconf } from './pciconf';
import { pkg } from './pkg';
import { reboot } from './reboot';
import { shutdown } from './shutdown';
import { sudo } from './sudo';
import { sysctl } from './sysctl';
import type { Tool } from './tool';
import { trueTool } from './true';
import { uname } from './uname';
import { makeWhich } from './which';
import { mkdir, vm } from './vm';
import { arp, ifconfig, ping, route } from './net';

const which = makeWhich((machine, program) => findTool(machine, program)?.path(machine) ?? null);

export const tools: readonly Tool[] = [acpidump, cat, chmod, chown, dmesg, doas, mv, rm, stat, tee, id, kenv, kldload, kldstat, nvidiaSmi, pciconf, pkg, reboot, shutdown, sudo, sysctl, trueTool, uname, which, debootstrap, fetch, find, jexec, jls, ls, mount, nvSglrun, service, tar, vulkaninfo, daemon, tail, kill, ps, vm, mkdir, ifconfig, route, arp, ping];

/** Finds what `argv[0]` runs on this machine: a bare name, or the program's full path. */
export function findTool(machine: MachineView, program: string): Tool | null {
  const tool = tools.find((t) => (program.includes('/') ? t.path(machine) === program : t.program === program));
  return tool !== undefined && tool.path(machine) !== null ? tool : null;
}
