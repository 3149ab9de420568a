import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { NvidiaSmiQueryField } from '../commands/parsers/nvidia-smi-csv';
import { parseBytes, unparsedOf, unparsedWarnings } from '../commands/parse-result';
import { isParseKind, parseKindNames, parseKinds } from '../commands/parse-kinds';
import { UsageError } from './errors';
import { err, out, print, readStdin } from './io';

export const PARSE_HELP = `Usage: egpu-wizard parse <kind> [file|-] [--fields a,b,c]

Parses the output of a FreeBSD command and prints the parsed value as JSON.
Kinds: ${parseKindNames.join(', ')}
Reads the file, or standard input when the file is "-" or missing.
--fields  for nvidia-smi-csv: the --query-gpu fields, in order
A line it does not understand is left out, kept in "unparsed" with its line number and
reported as a warning on standard error; the rest is still read.
Exits 1 with a one-line error on input that is not that output at all (or is cut off mid-line).`;

/** `egpu-wizard parse <kind> [file|-]`: exit 0 with the parsed JSON (warnings for unparsed lines), 1 on input it cannot parse. */
export async function parseCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean' }, fields: { type: 'string' } } });
  if (values.help) return print(PARSE_HELP);
  const [kind, file, extra] = positionals;
  if (!kind || extra !== undefined) throw new UsageError('parse needs a kind and at most one file');
  if (!isParseKind(kind)) throw new UsageError(`unknown kind "${kind}"; kinds: ${parseKindNames.join(', ')}`);
  let fields: NvidiaSmiQueryField[] | undefined;
  if (values.fields !== undefined) {
    const checked = NvidiaSmiQueryField.array().safeParse(values.fields.split(','));
    if (!checked.success) throw new UsageError(`unknown field in --fields; known: ${NvidiaSmiQueryField.options.join(', ')}`);
    fields = checked.data;
  }
  let bytes: Uint8Array;
  try {
    bytes = file === undefined || file === '-' ? await readStdin() : await readFile(file);
  } catch (error) {
    err(`egpu-wizard: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const result = parseBytes<unknown>(bytes, (text) => parseKinds[kind](text, fields ? { fields } : {}));
  if (!result.ok) {
    const where = result.error.line !== undefined ? ` (line ${result.error.line})` : '';
    err(`egpu-wizard: ${kind}: ${result.error.message}${where}\n`);
    return 1;
  }
  out(`${JSON.stringify(result.value, null, 2)}\n`);
  for (const warning of unparsedWarnings(unparsedOf(result.value))) err(`egpu-wizard: ${kind}: ${warning}\n`);
  return 0;
}
