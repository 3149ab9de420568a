import { FIRST_STATE_ELEMENT_ID } from '../contract/first-state';

/**
 * JSON that cannot end or confuse the `<script>` element it sits in: `<` (no `</script>`, no `<!--`), `>` and
 * `&` become \u escapes, as do U+2028 and U+2029 (line breaks to some JavaScript parsers). The escapes only
 * ever stand inside JSON strings, so `JSON.parse` gives back exactly the value.
 */
export function jsonForDataBlock(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Puts the first state's reply envelope into the page, before `</body>` (at the end when there is none). The
 * page's module script runs only once the whole document is parsed, so the block is there when it looks.
 */
export function withFirstState(page: Buffer, envelope: unknown): Buffer {
  const html = page.toString('utf8');
  const block = `<script type="application/json" id="${FIRST_STATE_ELEMENT_ID}">${jsonForDataBlock(envelope)}</script>`;
  const end = html.search(/<\/body\s*>/i);
  const at = end === -1 ? html.length : end;
  return Buffer.from(html.slice(0, at) + block + html.slice(at), 'utf8');
}
