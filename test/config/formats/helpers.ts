import { expect } from 'vitest';
import type { ParseResult } from '../../../src/commands/parse-result';
import { ConfigEditError, type ConfigEditErrorCode } from '../../../src/config/formats/common';

export function ok<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected a parse, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** Deterministic PRNG (mulberry32), so a failing property case can be replayed from its seed. */
export function rng(seed: number): { int: (n: number) => number; pick: <T>(items: readonly T[]) => T; chance: (p: number) => boolean } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    int,
    pick: <T>(items: readonly T[]): T => {
      const item = items[int(items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    chance: (p: number): boolean => next() < p,
  };
}

/** Lines of a text for diffing: line endings dropped, so a newline added to a last line is not a change. */
export function textLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Line-by-line diff (longest common subsequence): which lines went and which came. */
export function lineDiff(before: string, after: string): { removed: string[]; added: string[] } {
  const a = textLines(before);
  const b = textLines(after);
  const cols = b.length + 1;
  const table = new Array<number>((a.length + 1) * cols).fill(0);
  const at = (i: number, j: number): number => table[i * cols + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * cols + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && at(i + 1, j) >= at(i, j + 1))) {
      removed.push(a[i] ?? '');
      i++;
    } else {
      added.push(b[j] ?? '');
      j++;
    }
  }
  return { removed, added };
}

/**
 * lineDiff for property tests: a last line ending in a lone CR that gets its missing newline reads as a
 * CRLF line afterwards (same bytes plus the LF), which is not a change of that line.
 */
export function editDiff(before: string, after: string): { removed: string[]; added: string[] } {
  const { removed, added } = lineDiff(before, after);
  const index = removed.findIndex((line) => line.endsWith('\r') && added.includes(line.slice(0, -1)));
  const line = removed[index];
  if (line !== undefined) {
    added.splice(added.indexOf(line.slice(0, -1)), 1);
    removed.splice(index, 1);
  }
  return { removed, added };
}

/** Asserts the edit removed exactly `removed` and added exactly `added`: every other line is untouched. */
export function expectDiff(before: string, after: string, expected: { removed?: string[]; added?: string[] }): void {
  expect(lineDiff(before, after)).toEqual({ removed: expected.removed ?? [], added: expected.added ?? [] });
}

/** Runs `edit` and asserts it throws a ConfigEditError with this code. */
export function expectEditError(edit: () => unknown, code: ConfigEditErrorCode): void {
  let caught: unknown = null;
  try {
    edit();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ConfigEditError ${code}`).toBeInstanceOf(ConfigEditError);
  if (caught instanceof ConfigEditError) expect(caught.code).toBe(code);
}

/** Runs an edit that may legitimately refuse; anything thrown other than a ConfigEditError fails the test. */
export function attempt<T>(edit: () => T): T | ConfigEditError {
  try {
    return edit();
  } catch (error) {
    if (error instanceof ConfigEditError) {
      expect(error.code).not.toBe('internal');
      return error;
    }
    throw error;
  }
}

/** Multiplies the property-test iteration counts (PROPERTY_SCALE=20 for a long run). */
export const SCALE = Math.max(1, Number(process.env.PROPERTY_SCALE ?? '1') || 1);

export const BINARY = '\u007fELF\u0002\u0001\u0001\u0000\u0000\u0000';
