import type { z } from 'zod';

/** Why a parser refused its input. `line` is 1-based where one line is to blame. */
export interface ParseError {
  code: 'empty' | 'malformed' | 'truncated' | 'not-utf8' | 'unexpected-output' | 'command-failed';
  message: string;
  line?: number;
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
