import { bootMessages } from '../machine';
import type { MachineView } from '../scenario';
import { ran, systemPath, usage, type Tool } from './tool';

/** A file's lines: the scenario's files, plus /var/run/dmesg.boot, which FreeBSD's rc saves at boot. */
function fileLines(m: MachineView, path: string): string[] | null {
  if (path === '/var/run/dmesg.boot' && m.os.sysname === 'FreeBSD') return bootMessages(m);
  const content = Object.hasOwn(m.files, path) ? m.files[path] : undefined;
  if (content === undefined) return null;
  const lines = content.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `cat FILE...`, reading the simulated file system. */
export const cat: Tool = {
  program: 'cat',
  path: (m) => systemPath(m, { FreeBSD: '/bin/cat', Linux: '/usr/bin/cat' }),
  run(args, { machine }) {
    if (args.length === 0 || args.some((a) => a.startsWith('-'))) return usage('usage: cat [-belnstuv] [file ...]');
    const stdout: string[] = [];
    const stderr: string[] = [];
    for (const path of args) {
      const lines = fileLines(machine, path);
      if (lines === null) stderr.push(`cat: ${path}: No such file or directory`);
      else stdout.push(...lines);
    }
    const result = ran(stderr.length === 0 ? 0 : 1, stdout, stderr);
    // cat prints a file's bytes exactly, final newline or not; the wizard compares them byte for byte.
    const only = args.length === 1 && args[0] !== undefined && Object.hasOwn(machine.files, args[0]) ? machine.files[args[0]] : undefined;
    return only === undefined ? result : { ...result, rawStdout: only };
  },
};
