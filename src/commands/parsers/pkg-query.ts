import { z } from 'zod';
import { parseFailure, Unparsed, validated, type ParseResult, type UnparsedLine } from '../parse-result';
import { cutOff, guarded, hasBinary, isBlank, quote, refuseNonText, splitLines } from './text';

/**
 * `pkg query '%n\t%v'`: one `name<TAB>version` line per installed package. No output at all is a valid
 * answer (nothing installed), unlike every other parser here. A line that is not `name<TAB>version` (or
 * names a package a second time, for `pkg query`) is set aside in `unparsed`; refused whole: binary input,
 * text without a single package line, and output cut off in the middle of its last line.
 *
 *   nvidia-driver<TAB>550.127.05
 *   linux-nvidia-libs<TAB>550.127.05
 */

export const PkgQueryPackage = z
  .object({
    name: z.string().regex(/^\S+$/),
    version: z.string().regex(/^\S+$/),
  })
  .strict();
export type PkgQueryPackage = z.infer<typeof PkgQueryPackage>;

export const PkgQueryOutput = z.object({ packages: z.array(PkgQueryPackage), unparsed: Unparsed }).strict();
export type PkgQueryOutput = z.infer<typeof PkgQueryOutput>;

const LINE = /^([^\s]+)\t([^\s]+)$/;

function parse(text: string, repeats: 'refuse' | 'keep'): ParseResult<PkgQueryOutput> {
  if (typeof text !== 'string') return parseFailure('malformed', 'pkg query: input is not text');
  if (isBlank(text)) return validated(PkgQueryOutput, { packages: [], unparsed: [] });
  const refused = refuseNonText(text, 'pkg query');
  if (refused) return refused;
  const lines = splitLines(text);
  const packages: PkgQueryPackage[] = [];
  const unparsed: UnparsedLine[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const match = hasBinary(line) ? null : LINE.exec(line);
    const [, name = '', version = ''] = match ?? [];
    if (match === null || (seen.has(name) && repeats === 'refuse')) {
      const cut = cutOff(text, lines, i, `not a "name<TAB>version" line: ${quote(line)}`, /^\S+(\t\S*)?$/.test(line));
      if (cut) return cut;
      unparsed.push({ line: i + 1, text: line });
      continue;
    }
    seen.add(name);
    packages.push({ name, version });
  }
  if (packages.length === 0) {
    const first = lines.findIndex((l) => l.trim() !== '');
    return parseFailure('unexpected-output', `no "name<TAB>version" line (first line: ${quote((lines[first] ?? '').trim())})`, first + 1);
  }
  return validated(PkgQueryOutput, { packages, unparsed });
}

export const parsePkgQuery: (text: string) => ParseResult<PkgQueryOutput> = guarded('pkg query', (text) => parse(text, 'refuse'));

/**
 * `pkg rquery '%n\t%v' PATTERN…`: the same lines, for packages a repository offers. With several
 * repositories configured a name can be offered more than once, so repeats are kept.
 */
export const parsePkgRquery: (text: string) => ParseResult<PkgQueryOutput> = guarded('pkg rquery', (text) => parse(text, 'keep'));
