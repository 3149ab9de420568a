/**
 * Where the JSON value that opens at `start` (a `[` or `{`) closes: the index just past its closing bracket,
 * or null when the text ends first. Brackets inside strings do not count. It lets a parser tell output that
 * was cut off from output that is wrong, and ignore what a tool printed after the value.
 */
export function jsonExtent(text: string, start: number): number | null {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return null;
}
