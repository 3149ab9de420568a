import { LLAMA_DIR, MODELS_DIR, jailPath } from '../../../jail/layout';
import { linuxOf } from '../linux';
import type { MachineView, Scenario } from '../scenario';
import { removeTree } from './jail';
import { isOllamaLibs, removeOllamaLibs } from './ollama';
import { ran, systemPath, usage, type Ran, type Tool } from './tool';

/** Files are root:wheel 644 unless the scenario says otherwise. */
const DEFAULT_META = { owner: 'root', group: 'wheel', mode: '644' } as const;

const exists = (m: MachineView, path: string): boolean => Object.hasOwn(m.files, path);
const metaOf = (m: MachineView, path: string) => m.fileMeta?.[path] ?? DEFAULT_META;
const setMeta = (state: Scenario, path: string, meta: { owner: string; group: string; mode: string }): void => {
  state.fileMeta = { ...(state.fileMeta ?? {}), [path]: meta };
};
const onFreeBSD = (program: string, dir = '/bin') => (m: MachineView) => systemPath(m, { FreeBSD: `${dir}/${program}` });
const denied = (program: string, path: string) => ran(1, [], [`${program}: ${path}: Permission denied`]);
const missing = (program: string, path: string) => ran(1, [], [`${program}: ${path}: No such file or directory`]);

/** `stat -f '%Su %Sg %Lp' FILE`: owner, group and permission bits, the one format the wizard asks for. */
/** `stat -f %z` of llama.cpp's CMakeLists.txt or a model file in the jail. */
function modelSize(machine: MachineView, path: string): Ran {
  if (path === jailPath(`${LLAMA_DIR}/CMakeLists.txt`)) {
    return linuxOf(machine).llama === null ? ran(1, [], [`stat: ${path}: stat: No such file or directory`]) : ran(0, ['9813']);
  }
  const prefix = jailPath(`${MODELS_DIR}/`);
  const bytes = path.startsWith(prefix) ? linuxOf(machine).models[path.slice(prefix.length)] : undefined;
  return bytes === undefined ? ran(1, [], [`stat: ${path}: stat: No such file or directory`]) : ran(0, [String(bytes)]);
}

export const stat: Tool = {
  program: 'stat',
  path: onFreeBSD('stat', '/usr/bin'),
  run(args, { machine }) {
    if (args.length === 3 && args[0] === '-f' && args[1] === '%z') return modelSize(machine, args[2] ?? '');
    if (args.length !== 3 || args[0] !== '-f' || args[1] !== '%Su %Sg %Lp') return usage('usage: stat [-FLnq] [-f format | -l | -r | -s | -x] [-t timefmt] [file|handle ...]');
    const path = args[2] ?? '';
    if (!exists(machine, path)) return ran(1, [], [`stat: ${path}: stat: No such file or directory`]);
    const meta = metaOf(machine, path);
    return ran(0, [`${meta.owner} ${meta.group} ${meta.mode}`]);
  },
};

/** `tee FILE`: writes its standard input to FILE (root only under /boot and /etc) and echoes it. */
export const tee: Tool = {
  program: 'tee',
  path: onFreeBSD('tee', '/usr/bin'),
  run(args, { root, stdin }) {
    if (args.length !== 1 || (args[0] ?? '').startsWith('-')) return usage('usage: tee [-ai] [file ...]');
    const path = args[0] ?? '';
    if (!root) return ran(1, [], [`tee: ${path}: Permission denied`]);
    const content = stdin ?? '';
    const echoed = content.split('\n');
    if (echoed[echoed.length - 1] === '') echoed.pop();
    return ran(0, echoed, [], {
      commit: (state) => {
        state.files[path] = content;
        setMeta(state, path, DEFAULT_META);
      },
    });
  },
};

/** `chmod MODE FILE` with an octal mode. */
export const chmod: Tool = {
  program: 'chmod',
  path: onFreeBSD('chmod'),
  run(args, { machine, root }) {
    const [mode, path] = args;
    if (args.length !== 2 || mode === undefined || path === undefined || !/^[0-7]{3,4}$/.test(mode)) return usage('usage: chmod [-fhv] [-R [-H | -L | -P]] mode file ...');
    if (!exists(machine, path)) return missing('chmod', path);
    if (!root) return ran(1, [], [`chmod: ${path}: Operation not permitted`]);
    return ran(0, [], [], { commit: (state) => setMeta(state, path, { ...metaOf(state, path), mode: mode.replace(/^0(?=[0-7]{3}$)/, '') }) });
  },
};

/** `chown OWNER:GROUP FILE`. */
export const chown: Tool = {
  program: 'chown',
  path: onFreeBSD('chown', '/usr/sbin'),
  run(args, { machine, root }) {
    const [who, path] = args;
    const owner = /^([a-z_][a-z0-9_-]*):([a-z_][a-z0-9_-]*)$/.exec(who ?? '');
    if (args.length !== 2 || !owner || path === undefined) return usage('usage: chown [-fhvx] [-R [-H | -L | -P]] owner[:group] file ...');
    if (!exists(machine, path)) return missing('chown', path);
    if (!root) return ran(1, [], [`chown: ${path}: Operation not permitted`]);
    return ran(0, [], [], { commit: (state) => setMeta(state, path, { ...metaOf(state, path), owner: owner[1] ?? '', group: owner[2] ?? '' }) });
  },
};

/** `mv -f SOURCE TARGET`: a rename, atomic like rename(2) within one file system. */
export const mv: Tool = {
  program: 'mv',
  path: onFreeBSD('mv'),
  run(args, { machine, root }) {
    const [flag, source, target] = args;
    if (args.length !== 3 || flag !== '-f' || source === undefined || target === undefined) return usage('usage: mv [-f | -i | -n] [-hv] source target');
    if (!exists(machine, source)) return ran(1, [], [`mv: rename ${source} to ${target}: No such file or directory`]);
    if (!root) return denied('mv', target);
    return ran(0, [], [], {
      commit: (state) => {
        state.files[target] = state.files[source] ?? '';
        setMeta(state, target, metaOf(state, source));
        delete state.files[source];
        if (state.fileMeta) delete state.fileMeta[source];
      },
    });
  },
};

/** `rm -f FILE`: no complaint when the file is already gone. */
export const rm: Tool = {
  program: 'rm',
  path: onFreeBSD('rm'),
  run(args, { machine, root }) {
    const [flag, path] = args;
    if (args.length === 4 && args.slice(0, 3).join(' ') === '-r -f -x') {
      return isOllamaLibs(args[3] ?? '') ? removeOllamaLibs(machine, root) : removeTree(machine, args[3] ?? '', root);
    }
    if (args.length !== 2 || flag !== '-f' || path === undefined) return usage('usage: rm [-f | -i] [-dIPRrvWx] file ...');
    if (!exists(machine, path)) return ran(0);
    if (!root) return ran(1, [], [`rm: ${path}: Permission denied`]);
    return ran(0, [], [], {
      commit: (state) => {
        delete state.files[path];
        if (state.fileMeta) delete state.fileMeta[path];
      },
    });
  },
};
