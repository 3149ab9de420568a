import { z } from 'zod';

/** Why a parser refused its input. `line` is 1-based where one line is to blame. */
export interface ParseError {
  code: 'empty' | 'malformed' | 'truncated' | 'not-utf8' | 'unexpected-output' | 'command-failed';
  message: string;
  line?: number;
}

/**
 * A line of the input that the parser did not understand and set aside: the value is read as if the line
 * were not there. Every parser whose output can hold such lines puts them, in line order, in an `unparsed`
 * array of its result, so callers can show them as warnings instead of losing the whole output to one line.
 */
export const UnparsedLine = z.object({ line: z.number().int().positive(), text: z.string() }).strict();
export type UnparsedLine = z.infer<typeof UnparsedLine>;
export const Unparsed = z.array(UnparsedLine);

const WithUnparsed = z.object({ unparsed: Unparsed });

/** The lines any parsed value set aside ([] for values of parsers that set nothing aside). */
export function unparsedOf(value: unknown): UnparsedLine[] {
  const checked = WithUnparsed.safeParse(value);
  return checked.success ? checked.data.unparsed : [];
}

/** One warning per line set aside, at most `limit`, then how many more: for the CLI and logs. */
export function unparsedWarnings(lines: readonly UnparsedLine[], limit = 20): string[] {
  const shown = lines.slice(0, limit).map(({ line, text }) => {
    const cut = text.length > 100 ? `${text.slice(0, 100)}…` : text;
    return `warning: line ${line} not understood, left out: ${JSON.stringify(cut)}`;
  });
  if (lines.length > limit) shown.push(`warning: ${lines.length - limit} more lines not understood, left out (all of them are in "unparsed")`);
  return shown;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ParseError };

export const parsed = <T>(value: T): ParseResult<T> => ({ ok: true, value });
export const parseFailure = (code: ParseError['code'], message: string, line?: number): ParseResult<never> => ({
  ok: false,
  error: line === undefined ? { code, message } : { code, message, line },
});

/**
 * Last gate of every parser: the value must satisfy its schema, so a parser bug shows up as a parse error
 * instead of a wrong value travelling on.
 */
export function validated<S extends z.ZodType>(schema: S, value: unknown): ParseResult<z.infer<S>> {
  const result = schema.safeParse(value);
  if (result.success) return parsed(result.data);
  const first = result.error.issues[0];
  return parseFailure('malformed', `parsed value failed validation: ${first ? `${first.path.join('.')}: ${first.message}` : 'unknown'}`);
}

/** Decodes bytes strictly: a parser never sees replacement characters in place of what the tool printed. */
export function decodeUtf8(bytes: Uint8Array): ParseResult<string> {
  try {
    return parsed(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return parseFailure('not-utf8', 'input is not valid UTF-8 text');
  }
}

/**
 * Decodes and parses. Bytes that are not valid UTF-8 (a file saved in Latin-1, a log cut inside a
 * character) are decoded again with replacement characters and parsed once more, so a few bad bytes cost
 * only their lines, which parsers set aside as binary; when that parse fails too, the answer is the UTF-8
 * refusal.
 */
export function parseBytes<T>(bytes: Uint8Array, parse: (text: string) => ParseResult<T>): ParseResult<T> {
  const text = decodeUtf8(bytes);
  if (text.ok) return parse(text.value);
  const lenient = parse(new TextDecoder('utf-8').decode(bytes));
  return lenient.ok ? lenient : text;
}
