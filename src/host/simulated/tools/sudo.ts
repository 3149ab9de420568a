import { ran, systemPath, usage, type OutputLine, type Tool, type ToolContext, type ToolResult } from './tool';

const USAGE = [
  'usage: sudo -h | -K | -k | -V',
  'usage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]',
  'usage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user] [-u user] [command [arg ...]]',
  'usage: sudo [-ABbEHkNnPS] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] [VAR=value] [-i | -s] [command [arg ...]]',
].join('\n');

interface SudoArgs {
  nonInteractive: boolean;
  readStdin: boolean;
  command: readonly string[];
}

/** The options the wizard uses (-n, -S, -k, -p PROMPT, --); anything else is a usage error here. */
function parse(args: readonly string[]): SudoArgs | null {
  const parsed: SudoArgs = { nonInteractive: false, readStdin: false, command: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') return { ...parsed, command: args.slice(i + 1) };
    if (!arg.startsWith('-')) return { ...parsed, command: args.slice(i) };
    if (arg === '-p') {
      if (i + 1 >= args.length) return null;
      i++;
      continue;
    }
    if (!/^-[nSk]+$/.test(arg)) return null;
    if (arg.includes('n')) parsed.nonInteractive = true;
    if (arg.includes('S')) parsed.readStdin = true;
  }
  return parsed;
}

/** Runs the wrapped command as root; a program that does not exist is sudo's error, not a spawn failure. */
function runAsRoot(context: ToolContext, command: readonly string[], stdin: string | undefined): ToolResult {
  const result = context.run(command, true, stdin);
  return result.kind === 'missing' ? ran(1, [], [`sudo: ${command[0] ?? ''}: command not found`]) : result;
}

/**
 * sudo as configured in the scenario: absent, NOPASSWD, or a password read with -S from the first lines of
 * stdin (three tries, as sudo allows by default). Whatever follows the accepted line is the command's stdin.
 */
export const sudo: Tool = {
  program: 'sudo',
  path: (m) => (m.elevation.sudo === 'absent' ? null : systemPath(m, { FreeBSD: '/usr/local/bin/sudo', Linux: '/usr/bin/sudo' })),
  run(args, context) {
    const parsed = parse(args);
    if (parsed === null || parsed.command.length === 0) return usage(USAGE);
    const { machine } = context;
    if (context.root || machine.elevation.sudo === 'nopasswd') return runAsRoot(context, parsed.command, context.stdin);
    if (!parsed.readStdin) {
      if (parsed.nonInteractive) return ran(1, [], ['sudo: a password is required']);
      return ran(1, [], [
        'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper',
        'sudo: a password is required',
      ]);
    }
    const input = (context.stdin ?? '').split('\n');
    const stderr: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const line = input[attempt];
      const atEnd = attempt === input.length - 1 && line === '';
      if (line === undefined || atEnd) {
        if (attempt === 0) return ran(1, [], ['sudo: no password was provided', 'sudo: a password is required']);
        return ran(1, [], [...stderr, `sudo: ${attempt} incorrect password attempt${attempt === 1 ? '' : 's'}`]);
      }
      if (line === machine.elevation.sudoPassword) {
        const result = runAsRoot(context, parsed.command, input.slice(attempt + 1).join('\n'));
        const retries: OutputLine[] = stderr.map((text) => ({ stream: 'stderr', text }));
        return result.kind === 'ran' ? { ...result, lines: [...retries, ...result.lines] } : result;
      }
      if (attempt < 2) stderr.push('Sorry, try again.');
    }
    return ran(1, [], [...stderr, 'sudo: 3 incorrect password attempts']);
  },
};
