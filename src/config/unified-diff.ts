/**
 * A unified diff (the `diff -u` format people know from patches) between two versions of a small text
 * file, so the user sees exactly which lines a change adds and removes before anything is written.
 */

/** Config files are small; beyond this many lines per side the diff falls back to "replace everything". */
const MAX_LINES_FOR_LCS = 5000;
const CONTEXT = 3;

type Op = { kind: ' ' | '-' | '+'; text: string };

/** Lines of a text; a missing final newline is kept as diff(1) shows it. */
function lines(text: string): { lines: string[]; noFinalNewline: boolean } {
  if (text === '') return { lines: [], noFinalNewline: false };
  const all = text.split('\n');
  const noFinalNewline = all[all.length - 1] !== '';
  if (!noFinalNewline) all.pop();
  return { lines: all, noFinalNewline };
}

/** The edit script by longest common subsequence: lines kept, removed and added, in order. */
function editScript(a: string[], b: string[]): Op[] {
  if (a.length > MAX_LINES_FOR_LCS || b.length > MAX_LINES_FOR_LCS) {
    return [...a.map((text) => ({ kind: '-' as const, text })), ...b.map((text) => ({ kind: '+' as const, text }))];
  }
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the LCS of a[i..] and b[j..], in one flat array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[at(i, j)] = a[i] === b[j] ? (lcs[at(i + 1, j + 1)] ?? 0) + 1 : Math.max(lcs[at(i + 1, j)] ?? 0, lcs[at(i, j + 1)] ?? 0);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i] ?? '' });
      i++;
      j++;
    } else if ((lcs[at(i + 1, j)] ?? 0) >= (lcs[at(i, j + 1)] ?? 0)) {
      ops.push({ kind: '-', text: a[i++] ?? '' });
    } else {
      ops.push({ kind: '+', text: b[j++] ?? '' });
    }
  }
  while (i < n) ops.push({ kind: '-', text: a[i++] ?? '' });
  while (j < m) ops.push({ kind: '+', text: b[j++] ?? '' });
  return ops;
}

/**
 * `--- path` / `+++ path` headers and `@@ -a,b +c,d @@` hunks with three lines of context; an empty string
 * when the texts are equal. `before` null means the file does not exist yet.
 */
export function unifiedDiff(path: string, before: string | null, after: string): string {
  if (before === after) return '';
  const a = lines(before ?? '');
  const b = lines(after);
  const ops = editScript(a.lines, b.lines);
  // Mark the last line of a side that lacks its final newline, as diff(1) does.
  const noNewlineMarks = new Map<number, true>();
  if (a.noFinalNewline || b.noFinalNewline) {
    for (let k = ops.length - 1; k >= 0; k--) {
      const op = ops[k];
      if (!op) continue;
      if (a.noFinalNewline && (op.kind === '-' || op.kind === ' ') && ![...ops.slice(k + 1)].some((o) => o.kind !== '+')) noNewlineMarks.set(k, true);
      if (b.noFinalNewline && (op.kind === '+' || op.kind === ' ') && ![...ops.slice(k + 1)].some((o) => o.kind !== '-')) noNewlineMarks.set(k, true);
    }
  }
  const changed = ops.map((op, k) => (op.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  const hunks: { start: number; end: number }[] = [];
  for (const k of changed) {
    const start = Math.max(0, k - CONTEXT);
    const end = Math.min(ops.length - 1, k + CONTEXT);
    const last = hunks[hunks.length - 1];
    if (last && start <= last.end + 1) last.end = Math.max(last.end, end);
    else hunks.push({ start, end });
  }
  const out = [`--- ${before === null ? '/dev/null' : path}`, `+++ ${path}`];
  for (const hunk of hunks) {
    let oldStart = 1;
    let newStart = 1;
    for (let k = 0; k < hunk.start; k++) {
      const op = ops[k];
      if (op?.kind !== '+') oldStart++;
      if (op?.kind !== '-') newStart++;
    }
    const slice = ops.slice(hunk.start, hunk.end + 1);
    const oldCount = slice.filter((o) => o.kind !== '+').length;
    const newCount = slice.filter((o) => o.kind !== '-').length;
    const range = (startLine: number, count: number) => (count === 1 ? `${startLine}` : `${count === 0 ? startLine - 1 : startLine},${count}`);
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    slice.forEach((op, offset) => {
      out.push(`${op.kind}${op.text}`);
      if (noNewlineMarks.has(hunk.start + offset)) out.push('\\ No newline at end of file');
    });
  }
  return `${out.join('\n')}\n`;
}
