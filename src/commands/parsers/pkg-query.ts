import { z } from 'zod';
import { parseFailure, validated, type ParseResult } from '../parse-result';
import { firstBinaryLine, guarded, lineFailure, quote, splitLines } from './text';

/**
 * `pkg query '%n\t%v'`: one `name<TAB>version` line per installed package. No output at all is a valid
 * answer (nothing installed), unlike every other parser here.
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

export const PkgQueryOutput = z.object({ packages: z.array(PkgQueryPackage) }).strict();
export type PkgQueryOutput = z.infer<typeof PkgQueryOutput>;

const LINE = /^([^\s]+)\t([^\s]+)$/;

function parse(text: string, repeats: 'refuse' | 'keep'): ParseResult<PkgQueryOutput> {
  if (typeof text !== 'string') return parseFailure('malformed', 'pkg query: input is not text');
  const lines = splitLines(text);
  const binary = firstBinaryLine(lines);
  if (binary !== null) return parseFailure('malformed', 'pkg query: output contains binary data', binary);
  const packages: PkgQueryPackage[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const match = LINE.exec(line);
    if (!match) return lineFailure(lines, i, `not a "name<TAB>version" line: ${quote(line)}`, /^\S+(\t\S*)?$/.test(line));
    const [, name = '', version = ''] = match;
    if (seen.has(name) && repeats === 'refuse') return lineFailure(lines, i, `package ${name} listed twice`);
    seen.add(name);
    packages.push({ name, version });
  }
  return validated(PkgQueryOutput, { packages });
}

export const parsePkgQuery: (text: string) => ParseResult<PkgQueryOutput> = guarded('pkg query', (text) => parse(text, 'refuse'));

/**
 * `pkg rquery '%n\t%v' PATTERN…`: the same lines, for packages a repository offers. With several
 * repositories configured a name can be offered more than once, so repeats are kept.
 */
export const parsePkgRquery: (text: string) => ParseResult<PkgQueryOutput> = guarded('pkg rquery', (text) => parse(text, 'keep'));
