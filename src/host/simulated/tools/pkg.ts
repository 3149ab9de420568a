import type { DeepReadonly, MachineView, Package } from '../scenario';
import { ran, systemPath, usage, type Ran, type Tool } from './tool';

const USAGE = [
  'Usage: pkg [-v] [-d] [-l] [-N] [-j <jail name or id>|-c <chroot path>|-r <rootdir>] [-C <configuration file>] [-R <repo config dir>] [-o var=value] [-4|-6] <command> [<args>]',
  '',
  "For more information on available commands and options see 'pkg help'.",
].join('\n');

/** What a real pkg install takes on a fast connection, give or take; output is streamed across it. */
const INSTALL_MS = 1500;

type PackageView = DeepReadonly<Package>;

/** `pkg query FORMAT [NAME...]` with %n %v %o %c; packages in name order, like pkg's database query. */
function query(m: MachineView, args: readonly string[]): Ran {
  const [format, ...names] = args;
  if (format === undefined || format.startsWith('-')) return usage('Usage: pkg query <query-format> <pkg-name>');
  const field = (p: PackageView, key: string): string | null =>
    key === 'n' ? p.name : key === 'v' ? p.version : key === 'o' ? p.origin : key === 'c' ? p.comment : key === '%' ? '%' : null;
  if (/%[^nvoc%]/.test(format.replace(/%%/g, ''))) return ran(1, [], [`pkg: Unknown query format: ${format}`]);
  const chosen = [...m.packages]
    .filter((p) => names.length === 0 || names.includes(p.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines = chosen.flatMap((p) => format.replace(/%(.)/g, (_all, key: string) => field(p, key) ?? '').split('\n'));
  return ran(names.length > 0 && chosen.length < names.length ? 1 : 0, lines);
}

/** pkg's humanized sizes ("180 MiB", "512 KiB"). */
function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / (1024 * 1024))} MiB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KiB`;
}

/** The packages to install for NAMES, dependencies first, skipping what is installed. */
function plan(m: MachineView, names: readonly string[]): PackageView[] {
  const order: PackageView[] = [];
  const visit = (name: string): void => {
    if (m.packages.some((p) => p.name === name) || order.some((p) => p.name === name)) return;
    const pkg = m.repository.find((p) => p.name === name);
    if (pkg === undefined) return;
    pkg.deps.forEach(visit);
    order.push(pkg);
  };
  names.forEach(visit);
  return order;
}

/** `pkg install [-y] NAME...`, as root, from the scenario's repository. */
function install(m: MachineView, args: readonly string[], root: boolean): Ran {
  const yes = args.includes('-y');
  const names = args.filter((a) => a !== '-y');
  if (names.length === 0 || names.some((n) => n.startsWith('-'))) return usage('Usage: pkg install [-AfInFMqRUy] [-r reponame] [-Cgix] <pkg-origin|pkg-name> ...');
  if (!root) return ran(77, [], ['pkg: Insufficient privileges to install packages']);
  const stdout = ['Updating FreeBSD repository catalogue...', 'FreeBSD repository is up to date.', 'All repositories are up to date.'];
  const unknown = names.find((name) => !m.repository.some((p) => p.name === name) && !m.packages.some((p) => p.name === name));
  if (unknown !== undefined) {
    return ran(1, stdout, [`pkg: No packages available to install matching '${unknown}' have been found in the repositories`], { durationMs: 300 });
  }
  const todo = plan(m, names);
  if (todo.length === 0) return ran(0, [...stdout, 'The most recent versions of packages are already installed'], [], { durationMs: 300 });
  const n = todo.length;
  const flat = todo.reduce((sum, p) => sum + p.flatsize, 0);
  stdout.push(
    'Checking integrity... done (0 conflicting)',
    `The following ${n} package(s) will be affected (of 0 checked):`,
    '',
    'New packages to be INSTALLED:',
    ...todo.map((p) => `\t${p.name}: ${p.version} [FreeBSD]`),
    '',
    `Number of packages to be installed: ${n}`,
    '',
    `The process will require ${size(flat)} more space.`,
    `${size(Math.round(flat * 0.3))} to be downloaded.`,
  );
  // Without -y pkg asks; the wizard's commands get no terminal, so the answer is end-of-file, i.e. no.
  if (!yes) return ran(1, [...stdout, '', 'Proceed with this action? [y/N]: '], [], { durationMs: 300 });
  const step = (i: number) => `[${i + 1}/${n}]`;
  const full = (p: PackageView) => `${p.name}-${p.version}`;
  stdout.push(
    ...todo.map((p, i) => `${step(i)} Fetching ${full(p)}.pkg: .......... done`),
    'Checking integrity... done (0 conflicting)',
    ...todo.flatMap((p, i) => [`${step(i)} Installing ${full(p)}...`, `${step(i)} Extracting ${full(p)}: .......... done`]),
    ...todo.filter((p) => p.message.length > 0).flatMap((p) => ['=====', `Message from ${full(p)}:`, '', '--', ...p.message]),
  );
  const installed = todo.map((p) => p.name);
  return ran(0, stdout, [], {
    durationMs: INSTALL_MS,
    commit: (state) => {
      for (const name of installed) {
        const pkg = state.repository.find((p) => p.name === name);
        if (pkg !== undefined && !state.packages.some((p) => p.name === name)) state.packages.push(structuredClone(pkg));
      }
    },
  });
}

/** `pkg query` and `pkg install`; pkg's other commands are not simulated. */
export const pkg: Tool = {
  program: 'pkg',
  path: (m) => systemPath(m, { FreeBSD: '/usr/local/sbin/pkg' }),
  run(args, { machine, root }) {
    const [command, ...rest] = args;
    if (command === 'query') return query(machine, rest);
    if (command === 'install') return install(machine, rest, root);
    return usage(USAGE);
  },
};
