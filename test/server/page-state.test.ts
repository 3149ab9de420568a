import { describe, expect, it } from 'vitest';
import { FIRST_STATE_ELEMENT_ID } from '../../src/contract/first-state';
import { jsonForDataBlock, withFirstState } from '../../src/server/page-state';

const hostile = {
  label: '</script><script>alert(1)</script>',
  comment: '<!-- <script> -->',
  amp: 'a && b > c',
  lines: 'one\u2028two\u2029three',
  nested: ['</SCRIPT >', { key: '<\u2028>' }],
};

describe('the first state as a data block', () => {
  it('escapes what could end the element or confuse a parser, and reads back as the same value', () => {
    const text = jsonForDataBlock(hostile);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(text).toContain('\\u003c/script\\u003e');
    expect(text).toContain('\\u2028');
    expect(JSON.parse(text)).toEqual(hostile);
  });

  it('goes in as a non-executable JSON block just before </body>, the rest of the page untouched', () => {
    const page = Buffer.from('<!doctype html>\n<html lang="en"><head><title>t</title></head><body><div id="app"></div></body></html>\n');
    const html = withFirstState(page, { ok: true, data: hostile }).toString('utf8');
    const blocks = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.[1]).toBe(` type="application/json" id="${FIRST_STATE_ELEMENT_ID}"`);
    expect(JSON.parse(blocks[0]?.[2] ?? '')).toEqual({ ok: true, data: hostile });
    expect(html).toMatch(/<div id="app"><\/div><script type="application\/json"[^>]*>[^<]*<\/script><\/body><\/html>\n$/);
  });

  it('is appended to a page without a body tag', () => {
    const html = withFirstState(Buffer.from('<html><title>t</title></html>'), { ok: true, data: 1 }).toString('utf8');
    expect(html).toBe(`<html><title>t</title></html><script type="application/json" id="${FIRST_STATE_ELEMENT_ID}">{"ok":true,"data":1}</script>`);
  });
});
