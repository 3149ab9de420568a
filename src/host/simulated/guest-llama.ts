import { GUEST_MODEL_PART } from '../../commands/guest-llama-commands';
import { FIRST_MODEL, FIRST_MODEL_PATH, LLAMA_DIR, MODELS_DIR } from '../../jail/layout';
import { guestIn, guestOf, moduleLoaded } from './guest-state';
import type { MachineView } from './scenario';
import { llamaIn, type LlamaPlace } from './tools/llama';
import { ran, type Ran, type ToolResult } from './tools/tool';

/**
 * llama.cpp in the passthrough guest: apt's build tools, the jail's llama.cpp player (tools/llama.ts) on the
 * guest's own state and driver, stat, mkdir, the model's wget and its rename.
 */

/** `apt-get install git cmake build-essential wget`. */
export function buildTools(names: readonly string[]): Ran {
  const lines = ['Reading package lists...', `0 upgraded, ${names.length + 24} newly installed, 0 to remove and 3 not upgraded.`, ...names.map((n, i) => `pmstatus:${n}:${(((i + 1) / names.length) * 100).toFixed(4)}:Installing ${n} (amd64)`)];
  return ran(0, lines, [], { durationMs: 90_000, commit: (state) => void (guestIn(state).buildTools = true) });
}

/** Where the guest's llama.cpp lives for the shared llama.cpp player (src/host/simulated/tools/llama.ts). */
const guestPlace: LlamaPlace = {
  of: (m) => {
    const guest = guestOf(m);
    return { llama: guest.llama ?? null, models: guest.models ?? {}, cudaToolkit: guest.cudaToolkit };
  },
  in: guestIn,
  gpuUsable: (m) => moduleLoaded(m) && m.nvidia !== null,
  gcc: '13.3.0',
  compiler: 'cc (Ubuntu 13.3.0-6ubuntu2~24.04) 13.3.0 for x86_64-linux-gnu',
};

const NOT_ROOT = (what: string): Ran => ran(1, [], [`${what}: Permission denied`]);

/** git and cmake come with the build tools; llama.cpp's programs once built. Writing /opt needs root. */
export function llamaProgram(machine: MachineView, program: string, args: readonly string[], root: boolean): ToolResult {
  if ((program === 'git' || program === 'cmake') && guestOf(machine).buildTools !== true) return { kind: 'missing' };
  if ((program === 'git' || program === 'cmake') && !root) return NOT_ROOT(program === 'git' ? `fatal: could not create work tree dir '${LLAMA_DIR}'` : `CMake Error: ${LLAMA_DIR}`);
  return llamaIn(guestPlace, machine, program, args, false) ?? { kind: 'missing' };
}

/** `stat -c %s FILE` for the files the wizard asks about: llama.cpp's CMakeLists.txt and the model. */
export function stat(machine: MachineView, args: readonly string[]): Ran {
  const path = args[2] ?? '';
  const missing = ran(1, [], [`stat: cannot statx '${path}': No such file or directory`]);
  if (args[0] !== '-c' || args[1] !== '%s') return ran(1, [], ['stat: the wizard only asks for sizes here']);
  if (path === `${LLAMA_DIR}/CMakeLists.txt`) return (guestOf(machine).llama ?? null) === null ? missing : ran(0, ['11352']);
  const file = path.startsWith(`${MODELS_DIR}/`) ? path.slice(MODELS_DIR.length + 1) : '';
  const bytes = guestOf(machine).models?.[file];
  return bytes === undefined ? missing : ran(0, [String(bytes)]);
}

export function mkdir(machine: MachineView, args: readonly string[], root: boolean): Ran {
  if (args.join(' ') !== `-p ${MODELS_DIR}`) return ran(1, [], ['mkdir: the wizard only makes the models folder here']);
  if (!root) return NOT_ROOT(`mkdir: cannot create directory '${MODELS_DIR}'`);
  return ran(0, [], [], { commit: (state) => void (guestIn(state).models ??= {}) });
}

/** wget of the first model, to its `.part` name: 4.9 GB at a home line's pace. */
export function wgetModel(machine: MachineView, root: boolean): Ran {
  if (guestOf(machine).models === undefined) return ran(1, [], [`${GUEST_MODEL_PART}: No such file or directory`]);
  if (!root) return NOT_ROOT(GUEST_MODEL_PART);
  const percents = [0, 19, 39, 59, 79, 99, 100];
  const dots = percents.map((p, i) => `${String(i * 786_432).padStart(8)}K ........ ........ ........ ........ ${String(p).padStart(3)}% 11.2M ${6 - i}m`);
  return ran(0, [], [`--2026-12-03 17:00:00--  ${FIRST_MODEL.url}`, `Saving to: ‘${GUEST_MODEL_PART}’`, ...dots, `‘${GUEST_MODEL_PART}’ saved [${FIRST_MODEL.bytes}/${FIRST_MODEL.bytes}]`], {
    durationMs: 7 * 60_000,
    commit: (state) => void (guestIn(state).downloads = [...new Set([...guestIn(state).downloads, GUEST_MODEL_PART])]),
  });
}

export function mv(machine: MachineView, args: readonly string[], root: boolean): Ran {
  if (args.join(' ') !== `-f ${GUEST_MODEL_PART} ${FIRST_MODEL_PATH}`) return ran(1, [], ['mv: the wizard only places the model here']);
  if (!root) return NOT_ROOT(`mv: cannot move '${GUEST_MODEL_PART}'`);
  if (!guestOf(machine).downloads.includes(GUEST_MODEL_PART)) return ran(1, [], [`mv: cannot stat '${GUEST_MODEL_PART}': No such file or directory`]);
  return ran(0, [], [], {
    commit: (state) => {
      const guest = guestIn(state);
      guest.downloads = guest.downloads.filter((d) => d !== GUEST_MODEL_PART);
      guest.models = { ...(guest.models ?? {}), [FIRST_MODEL.file]: FIRST_MODEL.bytes };
    },
  });
}

