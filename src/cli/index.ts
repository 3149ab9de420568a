import { resolve } from 'node:path';
import { PasswordRejectedError, UsageError } from './errors';

/**
 * `egpu-wizard`: the dispatcher. Each command's module is imported only when that command runs, so `--help`
 * or `parse` does not load the schemas, the steps, the catalogue and the dictionaries the others need.
 */

const MAIN_HELP = `egpu-wizard — set up an external NVIDIA GPU on FreeBSD, step by step

Usage:
  egpu-wizard parse <kind> [file|-]     parse a command's output and print it as JSON
  egpu-wizard diagnose [--host H] [--password-stdin] [--json] [--lang en|zh-CN]
                                         find what is wrong: findings, their evidence and fixes,
                                         and every read-only check's verdict
  egpu-wizard diagnose --from-files pciconf=FILE dmesg=FILE [kldstat=FILE] [nvidia-smi=FILE] [--json]
                                         the same findings from outputs saved on another machine
  egpu-wizard report [--host H] [--password-stdin] [--out FILE]
                                         a support report (Markdown) with private details redacted
  egpu-wizard estimate --model-size 6GiB [--model FILE] [--link x1@5.0] [--json]
                                         model load time over the link and the generation ceiling
  egpu-wizard bench --from-files llama-bench=FILE [llama-log=FILE] [--model-size SIZE] [--link xW@GTS] [--json]
                                         a llama.cpp benchmark against the card's and the link's limits
  egpu-wizard configure [--host H] [--dry-run] [--password-stdin]
                                         show (and apply) the file changes the checks propose
  egpu-wizard undo [--host H] [--dry-run] [--password-stdin]
                                         put back the files the wizard changed, newest first
  egpu-wizard serve [--host H] [--port N]
                                         start browser mode on 127.0.0.1
  egpu-wizard trust-host ssh://user@host[:port] [SHA256:…]
                                         check and accept an SSH host's key
  egpu-wizard <command> --help           help for one command

Hosts: local (this machine), ssh://user@host[:port] (a FreeBSD machine over SSH, with your own keys)
or sim:NAME (a simulated FreeBSD machine).
--password-stdin reads the sudo password from standard input (never from the command line).`;

type Command = (argv: string[]) => Promise<number>;

/** Every command, loaded on demand. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  parse: async () => (await import('./parse')).parseCommand,
  diagnose: async () => (await import('./diagnose')).diagnoseCommand,
  report: async () => (await import('./report')).reportCommand,
  serve: async () => (await import('./serve')).serveCommand,
  estimate: async () => (await import('./estimate')).estimateCommand,
  bench: async () => {
    const [{ benchCommand }, { readPassword }, { localeOf }, { out, err }] = await Promise.all([import('./bench'), import('./elevation'), import('./locale'), import('./io')]);
    return (argv) => benchCommand(argv, { usageError: (message) => new UsageError(message), readPassword, locale: localeOf, out, err });
  },
  configure: async () => {
    const { changesCommand } = await import('./changes');
    return (argv) => changesCommand('configure', argv);
  },
  undo: async () => {
    const { changesCommand } = await import('./changes');
    return (argv) => changesCommand('undo', argv);
  },
  'trust-host': async () => {
    const { trustHostCommand } = await import('../host/ssh/cli');
    return (argv) => trustHostCommand(argv, (text) => void process.stdout.write(text));
  },
};

const isArgsError = (error: unknown): error is TypeError =>
  error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const known = command !== undefined && Object.hasOwn(COMMANDS, command);
  try {
    if (known) return await (await COMMANDS[command]!())(rest);
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(`${MAIN_HELP}\n`);
        return 0;
      case '--version':
        process.stdout.write(`${(await import('../version')).version}\n`);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || isArgsError(error)) {
      process.stderr.write(`egpu-wizard: ${error.message}\nTry "egpu-wizard ${known ? `${command} ` : ''}--help".\n`);
      return 2;
    }
    if (error instanceof PasswordRejectedError) {
      process.stderr.write(`egpu-wizard: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`egpu-wizard: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
