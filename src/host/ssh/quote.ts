/**
 * ssh hands the remote side one command line, which the remote user's shell parses. Each word is put in
 * single quotes, where a POSIX shell gives no character a meaning, and a quote inside a word ends the quoting,
 * adds an escaped quote and starts it again: `it's` → `'it'\''s'`. Nothing else needs care, newlines included.
 */
export function quoteWord(word: string): string {
  // A C string cannot hold NUL: the remote program would see the word cut short.
  if (word.includes('\0')) throw new RangeError('an argument cannot contain a NUL character');
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** The argv as one command line for the remote POSIX shell; it receives exactly these words. */
export const quoteArgv = (argv: readonly string[]): string => argv.map(quoteWord).join(' ');
