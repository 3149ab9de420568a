import type { DeepReadonly, MachineView, Package } from '../scenario';
import { ran, systemPath, usage, type Ran, type Tool } from './tool';

const USAGE = [
  'Usage: pkg [-v] [-d] [-l] [-N] [-j <jail name or id>|-c <chroot path>|-r <rootdir>] [-C <configuration file>] [-R <repo config dir>] [-o var=value] [-4|-6] <command> [<args>]',
  '',
  "For more information on available commands and options see 'pkg help'.",
].join('\n');

/**
 * How long each package takes to fetch and install, scaled down from minutes on a real connection so the
 * demo stays quick while the progress is still there to see; output is streamed across it.
 */
const MS_PER_PACKAGE = 1200;

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

const CATALOGUE_UPDATE = ['Updating FreeBSD repository catalogue...', 'FreeBSD repository is up to date.', 'All repositories are up to date.'];

const full = (p: PackageView) => `${p.name}-${p.version}`;

/** A change pkg makes to one package: a new one, or an installed one replaced by the repository's. */
interface Change {
  pkg: PackageView;
  from: string | null;
}

/**
 * What pkg prints for a transaction it has been told to go ahead with (-y), and the change to the machine.
 * Without -y pkg asks; the wizard's commands get no terminal, so the answer is end-of-file, i.e. no.
 */
function transaction(changes: readonly Change[], yes: boolean): Ran {
  const stdout = [...CATALOGUE_UPDATE];
  const n = changes.length;
  const added = changes.filter((c) => c.from === null);
  const upgraded = changes.filter((c) => c.from !== null);
  const flat = changes.reduce((sum, c) => sum + c.pkg.flatsize, 0);
  stdout.push('Checking integrity... done (0 conflicting)', `The following ${n} package(s) will be affected (of 0 checked):`, '');
  if (added.length > 0) stdout.push('New packages to be INSTALLED:', ...added.map((c) => `\t${c.pkg.name}: ${c.pkg.version} [FreeBSD]`), '');
  if (upgraded.length > 0) stdout.push('Installed packages to be UPGRADED:', ...upgraded.map((c) => `\t${c.pkg.name}: ${c.from ?? ''} -> ${c.pkg.version} [FreeBSD]`), '');
  if (added.length > 0) stdout.push(`Number of packages to be installed: ${added.length}`);
  if (upgraded.length > 0) stdout.push(`Number of packages to be upgraded: ${upgraded.length}`);
  stdout.push('', `The process will require ${size(flat)} more space.`, `${size(Math.round(flat * 0.3))} to be downloaded.`);
  if (!yes) return ran(1, [...stdout, '', 'Proceed with this action? [y/N]: '], [], { durationMs: 300 });
  const step = (i: number) => `[${i + 1}/${n}]`;
  stdout.push(
    ...changes.map((c, i) => `${step(i)} Fetching ${full(c.pkg)}.pkg: .......... done`),
    'Checking integrity... done (0 conflicting)',
    ...changes.flatMap((c, i) => [
      c.from === null ? `${step(i)} Installing ${full(c.pkg)}...` : `${step(i)} Upgrading ${c.pkg.name} from ${c.from} to ${c.pkg.version}...`,
      `${step(i)} Extracting ${full(c.pkg)}: .......... done`,
    ]),
    ...changes.filter((c) => c.pkg.message.length > 0).flatMap((c) => ['=====', `Message from ${full(c.pkg)}:`, '', '--', ...c.pkg.message]),
  );
  const names = changes.map((c) => c.pkg.name);
  return ran(0, stdout, [], {
    durationMs: MS_PER_PACKAGE * n,
    commit: (state) => {
      for (const name of names) {
        const pkg = state.repository.find((p) => p.name === name);
        if (pkg === undefined) continue;
        state.packages = state.packages.filter((p) => p.name !== name);
        state.packages.push(structuredClone(pkg));
      }
    },
  });
}

/** Splits `[-y] NAME...`; null when an option other than -y is given or no name. */
function namesOf(args: readonly string[]): { yes: boolean; names: string[] } | null {
  const names = args.filter((a) => a !== '-y');
  if (names.length === 0 || names.some((n) => n.startsWith('-'))) return null;
  return { yes: args.includes('-y'), names };
}

/** `pkg install [-y] NAME...`, as root, from the scenario's repository. */
function install(m: MachineView, args: readonly string[], root: boolean): Ran {
  const parsed = namesOf(args);
  if (parsed === null) return usage('Usage: pkg install [-AfInFMqRUy] [-r reponame] [-Cgix] <pkg-origin|pkg-name> ...');
  if (!root) return ran(77, [], ['pkg: Insufficient privileges to install packages']);
  const unknown = parsed.names.find((name) => !m.repository.some((p) => p.name === name) && !m.packages.some((p) => p.name === name));
  if (unknown !== undefined) {
    return ran(1, CATALOGUE_UPDATE, [`pkg: No packages available to install matching '${unknown}' have been found in the repositories`], { durationMs: 300 });
  }
  const todo = plan(m, parsed.names);
  if (todo.length === 0) return ran(0, [...CATALOGUE_UPDATE, 'The most recent versions of packages are already installed'], [], { durationMs: 300 });
  return transaction(todo.map((pkg) => ({ pkg, from: null })), parsed.yes);
}

/** `pkg upgrade [-y] NAME...`: installed packages the repository has in another version are replaced. */
function upgrade(m: MachineView, args: readonly string[], root: boolean): Ran {
  const parsed = namesOf(args);
  if (parsed === null) return usage('Usage: pkg upgrade [-fInFqUy] [-r reponame] [-Cgix] <pkg-name> ...');
  if (!root) return ran(77, [], ['pkg: Insufficient privileges to upgrade packages']);
  const changes: Change[] = [];
  for (const name of parsed.names) {
    const installed = m.packages.find((p) => p.name === name);
    const offered = m.repository.find((p) => p.name === name);
    if (installed === undefined) return ran(1, CATALOGUE_UPDATE, [`pkg: No packages matching '${name}' have been found in the repositories`], { durationMs: 300 });
    if (offered !== undefined && offered.version !== installed.version) changes.push({ pkg: offered, from: installed.version });
  }
  if (changes.length === 0) return ran(0, [...CATALOGUE_UPDATE, 'Checking for upgrades (0 candidates): 100%', 'Your packages are up to date.'], [], { durationMs: 300 });
  return transaction(changes, parsed.yes);
}

/** A glob as pkg's -g takes it (fnmatch: `*`, `?`), as a regular expression. */
const globToRegExp = (glob: string): RegExp =>
  new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

/** `pkg rquery [-g] FORMAT PATTERN...`: what the repository offers, in the `query` format. */
function rquery(m: MachineView, args: readonly string[]): Ran {
  const glob = args[0] === '-g';
  const [format, ...patterns] = glob ? args.slice(1) : args;
  if (format === undefined || format.startsWith('-')) return usage('Usage: pkg rquery [-r reponame] [-I|<query-format>] <pkg-name>');
  const matches = (name: string): boolean => patterns.length === 0 || patterns.some((p) => (glob ? globToRegExp(p).test(name) : p === name));
  const offered = m.repository.filter((p) => matches(p.name));
  const lines = [...offered].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((p) => format.replace(/%n/g, p.name).replace(/%v/g, p.version).replace(/\\t/g, '\t'));
  return ran(lines.length === 0 ? 1 : 0, lines, [], { durationMs: 200 });
}

/** `pkg query`, `rquery`, `install` and `upgrade`; pkg's other commands are not simulated. */
export const pkg: Tool = {
  program: 'pkg',
  path: (m) => systemPath(m, { FreeBSD: '/usr/local/sbin/pkg' }),
  run(args, { machine, root }) {
    const [command, ...rest] = args;
    if (command === 'query') return query(machine, rest);
    if (command === 'install') return install(machine, rest, root);
    if (command === 'upgrade') return upgrade(machine, rest, root);
    if (command === 'rquery') return rquery(machine, rest);
    return usage(USAGE);
  },
};
