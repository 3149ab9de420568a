import { parseFailure, type ParseResult } from '../parse-result';

/**
 * Shared plumbing for the command-output parsers: line splitting, binary detection and the last-resort
 * guard that keeps every parser from throwing.
 */

/** Splits tool output into lines; a final newline does not make an extra empty line, CRLF is tolerated. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

export const isBlank = (text: string): boolean => text.trim() === '';

/** C0 controls other than tab/LF/CR, DEL, and U+FFFD (what a lenient decoder leaves for undecodable bytes). */
const BINARY_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

/** 1-based number of the first line holding a character no text tool prints, or null. */
export function firstBinaryLine(lines: readonly string[]): number | null {
  for (let i = 0; i < lines.length; i++) {
    if (BINARY_CHAR.test(lines[i] ?? '')) return i + 1;
  }
  return null;
}

/**
 * A line the parser could not place. When it is the last line and looks like the start of a line the tool
 * does print (`looksCut`), the output was most likely cut off, so it is reported as truncated.
 */
export function lineFailure(lines: readonly string[], index: number, message: string, looksCut = false): ParseResult<never> {
  const cut = looksCut && index === lines.length - 1;
  return parseFailure(cut ? 'truncated' : 'malformed', cut ? `${message} (the output seems cut off)` : message, index + 1);
}

/** Shows a line in an error message without flooding it. */
export function quote(line: string, max = 80): string {
  const shown = line.length > max ? `${line.slice(0, max)}…` : line;
  return JSON.stringify(shown);
}

/** Rejects empty and binary input the same way in every parser; null means the text may be parsed. */
export function precheck(text: string, what: string): ParseResult<never> | null {
  if (typeof text !== 'string') return parseFailure('malformed', `${what}: input is not text`);
  if (isBlank(text)) return parseFailure('empty', `${what} printed nothing`);
  const binary = firstBinaryLine(splitLines(text));
  if (binary !== null) return parseFailure('malformed', `${what}: output contains binary data`, binary);
  return null;
}

/** A line holding a character no text tool prints: set aside, never interpreted. */
export const hasBinary = (line: string): boolean => BINARY_CHAR.test(line);

/**
 * For the parsers that set unknown lines aside: refuses only input that is empty, or binary rather than
 * text with a few stray bad lines (binary characters on more than a quarter of its non-blank lines).
 */
export function refuseNonText(text: string, what: string): ParseResult<never> | null {
  if (typeof text !== 'string') return parseFailure('malformed', `${what}: input is not text`);
  if (isBlank(text)) return parseFailure('empty', `${what} printed nothing`);
  if (!BINARY_CHAR.test(text)) return null;
  const lines = splitLines(text);
  let nonBlank = 0;
  let binary = 0;
  let first: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (isBlank(line)) continue;
    nonBlank++;
    if (BINARY_CHAR.test(line)) {
      binary++;
      first ??= i + 1;
    }
  }
  if (first !== null && binary * 4 > nonBlank) return parseFailure('malformed', `${what}: output contains binary data, not text`, first);
  return null;
}

/**
 * Tools end their output with a newline. When the text does not, and its last line starts like one the tool
 * prints but cannot be read, the output was cut off mid-line: it is refused as truncated, because reading the
 * rest would report as missing what was only cut away. Null when the output was not cut off there.
 */
export function cutOff(text: string, lines: readonly string[], index: number, message: string, looksCut: boolean): ParseResult<never> | null {
  if (!looksCut || text.endsWith('\n') || index !== lines.length - 1) return null;
  return parseFailure('truncated', `${message} (the output seems cut off)`, index + 1);
}

/** Last resort: a parser bug becomes a parse error instead of an exception escaping into the wizard. */
export function guarded<T>(what: string, parse: (text: string) => ParseResult<T>): (text: string) => ParseResult<T> {
  return (text: string): ParseResult<T> => {
    try {
      return parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return parseFailure('malformed', `${what}: could not be parsed (${detail})`);
    }
  };
}

/** Parses a decimal integer that must be exact (no sign unless allowed, no fraction, safe range). */
export function safeInt(digits: string): number | null {
  if (!/^\d+$/.test(digits)) return null;
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : null;
}

/** Parses hexadecimal digits (with or without 0x) into a safe integer. */
export function safeHex(digits: string): number | null {
  const body = digits.startsWith('0x') || digits.startsWith('0X') ? digits.slice(2) : digits;
  if (!/^[0-9a-fA-F]+$/.test(body)) return null;
  const value = Number.parseInt(body, 16);
  return Number.isSafeInteger(value) ? value : null;
}
