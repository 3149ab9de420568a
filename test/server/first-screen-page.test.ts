import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/app/backend';
import { FIRST_STATE_ELEMENT_ID } from '../../src/contract/first-state';
import type { Locale, WizardState } from '../../src/contract/state';
import { startServer, type RunningServer } from '../../src/server/http-server';

/** What the server asked to draw, and whether drawing should fail. */
const drawn: { stepId: string; locale: Locale }[] = [];
let failDrawing = false;
const warnings: string[] = [];
let server: RunningServer;

beforeAll(async () => {
  const rendererDir = await mkdtemp(join(tmpdir(), 'egpu-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html>\n<html lang="en">\n<head></head>\n<body>\n<div id="app"></div>\n</body>\n</html>\n');
  await mkdir(join(rendererDir, 'server'));
  await writeFile(join(rendererDir, 'server', 'texts-chunks.json'), JSON.stringify({ en: 'assets/en-Dn1FdAfx.js', 'zh-CN': 'assets/zh-CN-dPKV2T-4.js' }));
  const dataDir = await mkdtemp(join(tmpdir(), 'egpu-server-'));
  server = await startServer({
    rendererDir,
    createBackend: (emit) => Backend.create({ dataDir, hostSpec: 'sim:x220-fresh', mode: 'browser', version: '0.0.0', emit }),
    drawFirstScreen: async (state: WizardState, locale: Locale) => {
      if (failDrawing) throw new Error('drawing broke');
      drawn.push({ stepId: state.current.id, locale });
      return { html: `<h1>${state.current.id} in ${locale}</h1>` };
    },
    warn: (line) => warnings.push(line),
  });
});
afterAll(async () => server.close());

const page = async (headers: Record<string, string> = {}) => (await fetch(server.url, { headers })).text();

describe('browser mode draws the first screen into the page', () => {
  it('from the state it writes, in the browser’s language when none is saved', async () => {
    const english = await page({ 'Accept-Language': 'en-US,en;q=0.9' });
    expect(english).toContain('<html lang="en" data-saved-locale="">');
    expect(english).toContain('<div id="app" inert data-drawn-locale="en"><h1>preflight in en</h1></div>');
    // The texts the page's script takes the drawing over with: fetched beside it, in the drawn language.
    expect(english).toContain('<link rel="modulepreload" crossorigin href="./assets/en-Dn1FdAfx.js"></head>');
    expect(english).not.toContain('zh-CN-dPKV2T-4');
    expect(english).toContain(`id="${FIRST_STATE_ELEMENT_ID}"`);

    const chinese = await page({ 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.5' });
    // `lang` is the drawn language; nothing is saved yet, and the page says so.
    expect(chinese).toContain('<html lang="zh-CN" data-saved-locale="">');
    expect(chinese).toContain('data-drawn-locale="zh-CN"><h1>preflight in zh-CN</h1>');
    expect(chinese).toContain('<link rel="modulepreload" crossorigin href="./assets/zh-CN-dPKV2T-4.js"></head>');
    expect(drawn.map((d) => d.locale)).toEqual(['en', 'zh-CN']);
  });

  it('in the saved language, whatever the browser asks for', async () => {
    const saved = await fetch(`http://127.0.0.1:${server.port}/api/invoke/settings:setLocale`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Egpu-Token': server.token },
      body: JSON.stringify({ locale: 'zh-CN' }),
    });
    expect(saved.status).toBe(200);
    const html = await page({ 'Accept-Language': 'en' });
    expect(html).toContain('<html lang="zh-CN" data-saved-locale="zh-CN">');
    expect(html).toContain('data-drawn-locale="zh-CN"');
  });

  it('leaves the screen to the page when drawing fails, and says why', async () => {
    failDrawing = true;
    try {
      const html = await page();
      expect(html).toContain('<div id="app"></div>');
      expect(html).not.toContain('modulepreload');
      // The state still comes with the page, so the renderer draws it without asking.
      expect(html).toContain(`id="${FIRST_STATE_ELEMENT_ID}"`);
      expect(warnings).toEqual([expect.stringContaining('drawing broke')]);
    } finally {
      failDrawing = false;
    }
  });
});

describe('a renderer build whose drawing code is damaged', () => {
  it('still serves the page, drawn by the page itself, and says why', async () => {
    const rendererDir = await mkdtemp(join(tmpdir(), 'egpu-renderer-'));
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html>\n<html lang="en">\n<head></head>\n<body>\n<div id="app"></div>\n</body>\n</html>\n');
    await mkdir(join(rendererDir, 'server'));
    await writeFile(join(rendererDir, 'server', 'first-screen.js'), 'export const nothing = 1;\n');
    // A damaged list of texts chunks costs the page a round trip, nothing more: it is said too.
    await writeFile(join(rendererDir, 'server', 'texts-chunks.json'), '{"en": 1}');
    const said: string[] = [];
    const dataDir = await mkdtemp(join(tmpdir(), 'egpu-server-'));
    const damaged = await startServer({
      rendererDir,
      createBackend: (emit) => Backend.create({ dataDir, hostSpec: 'sim:x220-fresh', mode: 'browser', version: '0.0.0', emit }),
      warn: (line) => said.push(line),
    });
    try {
      const html = await (await fetch(damaged.url)).text();
      expect(html).toContain('<div id="app"></div>');
      expect(html).toContain(`id="${FIRST_STATE_ELEMENT_ID}"`);
      expect(said).toEqual([expect.stringContaining('does not export renderFirstScreen'), expect.stringContaining('does not list the texts chunks')]);
    } finally {
      await damaged.close();
    }
  });
});
