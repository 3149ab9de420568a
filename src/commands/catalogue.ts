import { z } from 'zod';
import { parseFailure } from './parse-result';
import { parseAcpiTables } from './parsers/acpi-tables';
import { parseDmesg } from './parsers/dmesg';
import { parseIdName, parseIdUid } from './parsers/id';
import { parseKenv } from './parsers/kenv';
import { parseKldstat } from './parsers/kldstat';
import { parseNvidiaSmi } from './parsers/nvidia-smi';
import { NvidiaSmiQueryArgs, nvidiaSmiQueryArgv, parseNvidiaSmiCsv } from './parsers/nvidia-smi-csv';
import { parsePciconf } from './parsers/pciconf';
import { parsePkgQuery, parsePkgRquery } from './parsers/pkg-query';
import { parseSysctlValue } from './parsers/sysctl';
import { parseSysctlTree } from './parsers/sysctl-tree';
import { parseUname } from './parsers/uname';
import { parseWhich } from './parsers/which';
import { ManagedPath, RemovableWhenCreated } from '../config/plan';
import type { CommandSpec } from './types';
import { joinStreams, onSuccess } from './output';
import { jailCommands } from './jail-commands';
import { llamaCommands } from './llama-commands';
import { ollamaCommands } from './ollama-commands';
import { detachedCommands } from './detached-commands';
import { jobCheckCommands } from './job-check-commands';
import { bhyveCommands } from './bhyve-commands';
import { guestCommands } from './guest-commands';
import { guestLlamaCommands } from './guest-llama-commands';
import { networkCommands } from './network-commands';
import { driverPackageCommands } from './driver-package-commands';

const NoArgs = z.object({}).strict();

const SECOND = 1000;

function define<A extends z.ZodType, R>(spec: CommandSpec<A, R>): CommandSpec<A, R> {
  return spec;
}

/**
 * The device tree a link is judged from: the GPU's parents up to its root port. A card reserved for a bhyve
 * guest hangs under ppt(4), not vgapci.
 */
export const DEVICE_TREE_ROOTS = ['dev.vgapci', 'dev.ppt', 'dev.pci', 'dev.pcib'] as const;

export const PciconfArgs = z.object({ verbose: z.boolean().default(false), bars: z.boolean().default(false) }).strict();

export const SysctlKey = z.string().regex(/^[a-zA-Z0-9_%.-]{1,128}$/, 'not a sysctl name');
export const PackageName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9+._-]{0,100}$/, 'not a package name');

/** Only the system files a plan may name; staged copies sit beside them (same file system, so mv is atomic). */
const Managed = z.object({ path: ManagedPath }).strict();
export const stagedPath = (path: string): string => `${path}.egpu-new`;
const MAX_CONFIG_BYTES = 1024 * 1024;

export const catalogue = {
  uname: define({
    id: 'uname',
    description: 'Operating system name, release and machine type',
    args: NoArgs,
    argv: () => ['uname', '-rsm'],
    privileged: false,
    timeoutMs: 5 * SECOND,
    parse: onSuccess(parseUname),
  }),
  kenv: define({
    id: 'kenv',
    description: 'Kernel environment, including the SMBIOS machine and BIOS identification',
    args: NoArgs,
    argv: () => ['kenv'],
    privileged: false,
    timeoutMs: 5 * SECOND,
    parse: onSuccess(parseKenv),
  }),
  pciconf: define({
    id: 'pciconf',
    description: 'PCI devices with their drivers and BARs',
    args: PciconfArgs,
    argv: (a) => ['pciconf', `-l${a.verbose ? 'v' : ''}${a.bars ? 'b' : ''}`],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: onSuccess(parsePciconf),
  }),
  // `-c` makes pciconf open /dev/pci read-write, which only root may do; the link lines need it.
  pciconfCaps: define({
    id: 'pciconfCaps',
    description: 'PCI devices with BARs and capabilities (PCI-Express link state)',
    args: NoArgs,
    argv: () => ['pciconf', '-lvbc'],
    privileged: true,
    timeoutMs: 10 * SECOND,
    parse: onSuccess(parsePciconf),
  }),
  kldstat: define({
    id: 'kldstat',
    description: 'Loaded kernel modules',
    args: NoArgs,
    argv: () => ['kldstat'],
    privileged: false,
    timeoutMs: 5 * SECOND,
    parse: onSuccess(parseKldstat),
  }),
  sysctl: define({
    id: 'sysctl',
    description: 'One kernel state value by name',
    args: z.object({ key: SysctlKey }).strict(),
    argv: (a) => ['sysctl', '-n', a.key],
    privileged: false,
    timeoutMs: 5 * SECOND,
    // An unknown name is an answer ("not set"), not a failure: later steps ask for keys that exist only
    // once a module is loaded.
    parse: (out) => {
      if (out.exitCode !== 0 && /unknown oid/.test(out.stderr)) return { ok: true, value: { value: null } };
      // A name that exists with an empty value prints a blank line: an answer, not a parse failure.
      if (out.exitCode === 0 && out.stdout.trim() === '') return { ok: true, value: { value: '' } };
      return onSuccess(parseSysctlValue)(out);
    },
  }),
  // acpidump reads the tables from /dev/mem, which only root may open.
  acpiTables: define({
    id: 'acpiTables',
    description: 'The ACPI tables the firmware provides (a DMAR table means VT-d is on)',
    args: NoArgs,
    argv: () => ['acpidump', '-t'],
    privileged: true,
    timeoutMs: 30 * SECOND,
    parse: onSuccess(parseAcpiTables),
  }),
  sysctlTree: define({
    id: 'sysctlTree',
    description: 'The device tree under the named nodes (parents, locations, descriptions)',
    args: z.object({ roots: z.array(z.enum(['dev.pci', 'dev.pcib', 'dev.vgapci', 'dev.ppt', 'dev.nvidia'])).min(1).max(5) }).strict(),
    // -i: a root with no node (dev.ppt while no card is reserved) is skipped instead of failing the whole read.
    argv: (a) => ['sysctl', '-i', ...a.roots],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: onSuccess(parseSysctlTree),
  }),
  pkgQuery: define({
    id: 'pkgQuery',
    description: 'Installed packages and their versions',
    args: NoArgs,
    argv: () => ['pkg', 'query', '%n\t%v'],
    privileged: false,
    timeoutMs: 30 * SECOND,
    parse: onSuccess(parsePkgQuery),
  }),
  pkgRquery: define({
    id: 'pkgRquery',
    description: 'NVIDIA driver packages the package repository offers, with versions',
    args: NoArgs,
    argv: () => ['pkg', 'rquery', '-g', '%n\t%v', 'nvidia-driver*', 'linux-nvidia-libs*'],
    // As root pkg refreshes its repository catalogue first when it is stale (or absent on a fresh system);
    // as a user it would answer from an old catalogue or none.
    privileged: true,
    timeoutMs: 180 * SECOND,
    // Exit 1 with nothing printed means no package matched: an answer, not a failure.
    parse: (out) =>
      out.exitCode === 1 && out.stdout.trim() === '' && out.stderr.trim() === ''
        ? { ok: true, value: { packages: [], unparsed: [] } }
        : onSuccess(parsePkgRquery)(out),
  }),
  ...driverPackageCommands,
  kldload: define({
    id: 'kldload',
    description: 'Load an NVIDIA kernel module now (nvidia-modeset brings nvidia with it)',
    args: z.object({ module: z.enum(['nvidia', 'nvidia-modeset']) }).strict(),
    argv: (a) => ['kldload', '-n', a.module],
    privileged: true,
    timeoutMs: 60 * SECOND,
    parse: (out) => (out.exitCode === 0 ? { ok: true, value: { loaded: true } } : parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`)),
  }),
  nvidiaSmi: define({
    id: 'nvidiaSmi',
    description: 'NVIDIA driver status table',
    args: NoArgs,
    argv: () => ['nvidia-smi'],
    privileged: false,
    timeoutMs: 30 * SECOND,
    // nvidia-smi exits non-zero for "No devices were found" and for a driver it cannot reach; both are
    // findings the parser reports, not failures to parse.
    parse: (out) => parseNvidiaSmi(joinStreams(out)),
  }),
  nvidiaSmiQuery: define({
    id: 'nvidiaSmiQuery',
    description: 'Selected NVIDIA GPU values as CSV',
    args: NvidiaSmiQueryArgs,
    argv: nvidiaSmiQueryArgv,
    privileged: false,
    timeoutMs: 30 * SECOND,
    parse: (out, a) => parseNvidiaSmiCsv(joinStreams(out), a.fields),
  }),
  dmesg: define({
    id: 'dmesg',
    description: 'Kernel messages since boot (message buffer)',
    args: NoArgs,
    argv: () => ['dmesg'],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: onSuccess(parseDmesg),
  }),
  dmesgBoot: define({
    id: 'dmesgBoot',
    description: 'Boot messages saved at startup',
    args: NoArgs,
    argv: () => ['cat', '/var/run/dmesg.boot'],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: onSuccess(parseDmesg),
  }),
  idUid: define({
    id: 'idUid',
    description: 'The user id the wizard runs as',
    args: NoArgs,
    argv: () => ['id', '-u'],
    privileged: false,
    timeoutMs: 5 * SECOND,
    parse: onSuccess(parseIdUid),
  }),
  idName: define({
    id: 'idName',
    description: 'The user name the wizard runs as',
    args: NoArgs,
    argv: () => ['id', '-un'],
    privileged: false,
    timeoutMs: 5 * SECOND,
    parse: onSuccess(parseIdName),
  }),
  which: define({
    id: 'which',
    description: 'Where an elevation tool is installed',
    args: z.object({ program: z.enum(['sudo', 'doas']) }).strict(),
    argv: (a) => ['which', a.program],
    privileged: false,
    timeoutMs: 5 * SECOND,
    parse: (out) => (out.exitCode === 0 ? parseWhich(out.stdout) : { ok: true, value: { path: null } }),
  }),
  sudoProbe: define({
    id: 'sudoProbe',
    description: 'Whether sudo works without asking for a password',
    args: NoArgs,
    argv: () => ['sudo', '-n', 'true'],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: (out) => ({ ok: true, value: { works: out.exitCode === 0 } }),
  }),
  doasProbe: define({
    id: 'doasProbe',
    description: 'Whether doas works without asking for a password',
    args: NoArgs,
    argv: () => ['doas', '-n', 'true'],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: (out) => ({ ok: true, value: { works: out.exitCode === 0 } }),
  }),
  restart: define({
    id: 'restart',
    description: 'Restart the machine (a clean shutdown, then boot)',
    args: NoArgs,
    argv: () => ['shutdown', '-r', 'now'],
    privileged: true,
    timeoutMs: 60 * SECOND,
    parse: (out) => ({ ok: true, value: { accepted: out.exitCode === 0 } }),
  }),
  readManaged: define({
    id: 'readManaged',
    description: 'Read a system file the wizard manages (all are world-readable)',
    args: Managed,
    argv: (a) => ['cat', a.path],
    privileged: false,
    timeoutMs: 10 * SECOND,
    // A missing file is an answer (it will be created), not a failure.
    parse: (out) =>
      out.exitCode === 0
        ? { ok: true, value: { content: out.stdout as string | null } }
        : /No such file or directory/.test(out.stderr)
          ? { ok: true, value: { content: null } }
          : parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`),
  }),
  statManaged: define({
    id: 'statManaged',
    description: 'Owner, group and mode of a managed file',
    args: Managed,
    argv: (a) => ['stat', '-f', '%Su %Sg %Lp', a.path],
    privileged: false,
    timeoutMs: 10 * SECOND,
    parse: onSuccess((text) => {
      const m = /^([A-Za-z0-9_.-]+) ([A-Za-z0-9_.-]+) ([0-7]{3,4})\n?$/.exec(text);
      return m ? { ok: true, value: { owner: m[1] ?? '', group: m[2] ?? '', mode: m[3] ?? '' } } : parseFailure('malformed', 'unexpected stat output');
    }),
  }),
  stageManaged: define({
    id: 'stageManaged',
    description: 'Write the new content of a managed file beside it, as <file>.egpu-new',
    args: z.object({ path: ManagedPath, content: z.string().max(MAX_CONFIG_BYTES) }).strict(),
    argv: (a) => ['tee', stagedPath(a.path)],
    stdin: (a) => a.content,
    privileged: true,
    timeoutMs: 30 * SECOND,
    parse: (out) => (out.exitCode === 0 ? { ok: true, value: { written: true } } : parseFailure('command-failed', out.stderr.trim())),
  }),
  ownStaged: define({
    id: 'ownStaged',
    description: 'Give the staged file the original owner and group',
    args: z.object({ path: ManagedPath, owner: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/), group: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/) }).strict(),
    argv: (a) => ['chown', `${a.owner}:${a.group}`, stagedPath(a.path)],
    privileged: true,
    timeoutMs: 10 * SECOND,
    parse: (out) => (out.exitCode === 0 ? { ok: true, value: { done: true } } : parseFailure('command-failed', out.stderr.trim())),
  }),
  modeStaged: define({
    id: 'modeStaged',
    description: 'Give the staged file the original permissions',
    args: z.object({ path: ManagedPath, mode: z.string().regex(/^[0-7]{3,4}$/) }).strict(),
    argv: (a) => ['chmod', a.mode, stagedPath(a.path)],
    privileged: true,
    timeoutMs: 10 * SECOND,
    parse: (out) => (out.exitCode === 0 ? { ok: true, value: { done: true } } : parseFailure('command-failed', out.stderr.trim())),
  }),
  commitStaged: define({
    id: 'commitStaged',
    description: 'Rename the staged file over the original (atomic)',
    args: Managed,
    argv: (a) => ['mv', '-f', stagedPath(a.path), a.path],
    privileged: true,
    timeoutMs: 10 * SECOND,
    parse: (out) => (out.exitCode === 0 ? { ok: true, value: { done: true } } : parseFailure('command-failed', out.stderr.trim())),
  }),
  discardStaged: define({
    id: 'discardStaged',
    description: 'Remove a staged file left by an interrupted change',
    args: Managed,
    argv: (a) => ['rm', '-f', stagedPath(a.path)],
    privileged: true,
    timeoutMs: 10 * SECOND,
    parse: (out) => (out.exitCode === 0 ? { ok: true, value: { done: true } } : parseFailure('command-failed', out.stderr.trim())),
  }),
  removeCreated: define({
    id: 'removeCreated',
    description: 'Delete a file the wizard created (undo), once it is known to hold what the wizard wrote',
    args: z.object({ path: RemovableWhenCreated }).strict(),
    argv: (a) => ['rm', '-f', a.path],
    privileged: true,
    timeoutMs: 10 * SECOND,
    parse: (out) => (out.exitCode === 0 ? { ok: true, value: { done: true } } : parseFailure('command-failed', out.stderr.trim())),
  }),
  privilegeProbe: define({
    id: 'privilegeProbe',
    description: 'A harmless privileged command, to prove elevation works',
    args: NoArgs,
    argv: () => ['id', '-u'],
    privileged: true,
    timeoutMs: 30 * SECOND,
    parse: onSuccess(parseIdUid),
  }),
  ...jailCommands,
  ...llamaCommands,
  ...ollamaCommands,
  ...detachedCommands,
  ...jobCheckCommands,
  ...bhyveCommands,
  ...guestCommands,
  ...guestLlamaCommands,
  ...networkCommands,
} as const;

export type Catalogue = typeof catalogue;
export type CommandId = keyof Catalogue;
export const commandIds = Object.keys(catalogue) as CommandId[];
export const isCommandId = (id: string): id is CommandId => Object.prototype.hasOwnProperty.call(catalogue, id);
