import { isLoaded, loadModule, moduleCatalogue, moduleFileName } from '../machine';
import type { MachineView, Scenario } from '../scenario';
import { ran, systemPath, usage, type Tool } from './tool';

/** Why kldload(2) refuses a file, checked in the kernel's order: privilege, presence, dependencies. */
function refusal(m: MachineView, file: string, root: boolean, pending: ReadonlySet<string>): string | null {
  if (!root) return 'Operation not permitted';
  if (isLoaded(m, file) || pending.has(file)) return 'module already loaded or in kernel';
  const catalogue = moduleCatalogue(m);
  const missing = (f: string): boolean => {
    const mod = catalogue.find((c) => c.file === f);
    return mod === undefined || mod.depends.some((dep) => !isLoaded(m, dep) && !pending.has(dep) && missing(dep));
  };
  return missing(file) ? 'No such file or directory' : null;
}

const loadAll = (files: ReadonlySet<string>) => (state: Scenario): void => {
  for (const file of files) loadModule(state, file, 'kldload');
};

/**
 * `kldload [-nq] NAME...` (sbin/kldload). Names load in order; at the first it refuses it stops, keeping
 * those already loaded, like the real one.
 */
export const kldload: Tool = {
  program: 'kldload',
  path: (m) => systemPath(m, { FreeBSD: '/sbin/kldload' }),
  run(args, { machine, root }) {
    const flags = args.filter((a) => a.startsWith('-'));
    const names = args.filter((a) => !a.startsWith('-'));
    if (names.length === 0 || flags.some((f) => !/^-[nq]+$/.test(f))) return usage('usage: kldload [-nqv] file ...');
    const ifNotLoaded = flags.some((f) => f.includes('n'));
    const pending = new Set<string>();
    for (const name of names) {
      const file = moduleFileName(name);
      const why = refusal(machine, file, root, pending);
      if (why === 'module already loaded or in kernel' && ifNotLoaded) continue;
      if (why !== null) {
        return ran(1, [], [`kldload: can't load ${name}: ${why}`], { commit: loadAll(pending) });
      }
      pending.add(file);
    }
    return ran(0, [], [], { commit: loadAll(pending) });
  },
};
