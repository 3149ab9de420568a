import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Backend } from '../../src/app/backend';
import { PAGE_TEXTS_ELEMENT_ID } from '../../src/contract/first-state';
import { WizardState } from '../../src/contract/state';
import { en } from '../../src/i18n/en';
import { zhCN } from '../../src/i18n/zh-CN';
import { ensureRendererBuilt } from '../../src/server/build-renderer';
import { acceptedLanguages, drawingLocale, loadFirstScreen, withDrawnScreen, type DrawFirstScreen } from '../../src/server/first-screen';
import { jsonForDataBlock } from '../../src/server/page-state';
import { readStatic } from '../../src/server/static-files';

describe('the language a page is drawn in', () => {
  it('reads Accept-Language by weight, in order for equal weights, without "*" and q=0', () => {
    expect(acceptedLanguages('zh-CN,zh;q=0.9,en;q=0.8')).toEqual(['zh-CN', 'zh', 'en']);
    expect(acceptedLanguages('en;q=0.2, zh-TW;q=0.7, fr')).toEqual(['fr', 'zh-TW', 'en']);
    expect(acceptedLanguages('de, *;q=0.5, zh;q=0, en-GB ; q = 0.4')).toEqual(['de', 'en-GB']);
    expect(acceptedLanguages('')).toEqual([]);
    expect(acceptedLanguages(';q=1,,en;q=abc')).toEqual([]);
  });

  it('is the saved one, else the browser’s first that the wizard speaks, else English', () => {
    expect(drawingLocale('en', 'zh-CN,zh;q=0.9')).toBe('en');
    expect(drawingLocale(null, 'de-DE,zh;q=0.8,en;q=0.5')).toBe('zh-CN');
    expect(drawingLocale(null, 'en-US,en;q=0.9,zh-CN;q=0.8')).toBe('en');
    expect(drawingLocale(null, 'fr')).toBe('en');
    expect(drawingLocale(null, undefined)).toBe('en');
  });
});

describe('the drawn screen in the page', () => {
  const page = Buffer.from('<!doctype html>\n<html lang="en"><head></head><body>\n<div id="app"></div>\n<script type="module" src="./a.js"></script>\n</body></html>\n');

  it('goes into the empty #app, inert and marked with its language; its texts go before </body> as a JSON block', () => {
    const texts = { 'ui.checks.run': 'Run </script><script>alert(1)</script> & go', 'ui.x': 'line\u2028break' };
    const html = withDrawnScreen(page, { html: '<!--[--><button>Run checks</button><!--]-->', textsJson: jsonForDataBlock(texts) }, 'zh-CN').toString('utf8');
    expect(html).toContain('<div id="app" inert data-drawn-locale="zh-CN"><!--[--><button>Run checks</button><!--]--></div>');
    const blocks = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(blocks.map(([, attributes]) => attributes)).toEqual([' type="module" src="./a.js"', ` type="application/json" id="${PAGE_TEXTS_ELEMENT_ID}" data-locale="zh-CN"`]);
    expect(blocks[1]?.[2]).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(blocks[1]?.[2] ?? '')).toEqual(texts);
    expect(html.endsWith('</script></body></html>\n')).toBe(true);
  });

  it('puts the script that holds early clicks into the head, async, so it is fetched at once', () => {
    const html = withDrawnScreen(page, { html: '<p>drawn</p>', textsJson: '{}' }, 'en', './assets/early-clicks.js').toString('utf8');
    expect(html).toContain('<head><script async src="./assets/early-clicks.js"></script></head>');
    expect(html.match(/early-clicks/g)).toHaveLength(1);
  });

  it('leaves a page without an empty #app as it is', () => {
    const other = Buffer.from('<html><body><div id="app">x</div></body></html>');
    expect(withDrawnScreen(other, { html: '<p>drawn</p>', textsJson: '{}' }, 'en').equals(other)).toBe(true);
  });
});

describe('the drawing code of a renderer build', () => {
  it('is absent from a build made before it existed: the page then draws itself', async () => {
    expect(await loadFirstScreen(await mkdtemp(join(tmpdir(), 'egpu-old-renderer-')))).toBeNull();
  });

  it('is refused when it does not export the drawing function, or answers something else than HTML and texts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'egpu-bad-renderer-'));
    await mkdir(join(dir, 'server'));
    await writeFile(join(dir, 'server', 'first-screen.js'), 'export const draw = () => "";\n');
    await expect(loadFirstScreen(dir)).rejects.toThrow(/does not export renderFirstScreen/);
    const other = await mkdtemp(join(tmpdir(), 'egpu-bad-renderer-'));
    await mkdir(join(other, 'server'));
    await writeFile(join(other, 'server', 'first-screen.js'), 'export async function renderFirstScreen() { return { html: 1 }; }\n');
    const state = WizardState.parse(await firstState());
    await expect((await loadFirstScreen(other))?.(state, 'en')).rejects.toThrow(/did not return HTML and texts/);
    const third = await mkdtemp(join(tmpdir(), 'egpu-bad-renderer-'));
    await mkdir(join(third, 'server'));
    await writeFile(join(third, 'server', 'first-screen.js'), 'export async function renderFirstScreen() { return { html: "<p></p>", texts: { a: 1 } }; }\n');
    await expect((await loadFirstScreen(third))?.(state, 'en')).rejects.toThrow(/did not return HTML and texts/);
  });

  it('is never served to the browser', async () => {
    const root = await ensureRendererBuilt(() => {});
    expect(await readFile(join(root, 'server', 'first-screen.js'), 'utf8')).toContain('renderFirstScreen');
    expect(await readStatic(root, '/server/first-screen.js')).toBeNull();
    expect(await readStatic(root, '/Server/first-screen.js')).toBeNull();
    expect(await readStatic(root, '/assets/../server/first-screen.js')).toBeNull();
    expect(await readStatic(root, '/index.html')).not.toBeNull();
  });
});

describe('drawing the first screen with the built renderer', () => {
  let draw: DrawFirstScreen;
  let state: WizardState;

  beforeAll(async () => {
    const loaded = await loadFirstScreen(await ensureRendererBuilt(() => {}));
    if (!loaded) throw new Error('the renderer build has no drawing code');
    draw = loaded;
    state = WizardState.parse(await firstState());
  }, 180_000);

  it('draws the current step with its checks and its buttons, in English, with all its texts', async () => {
    const { html, textsJson } = await draw(state, 'en');
    const texts = z.record(z.string(), z.string()).parse(JSON.parse(textsJson));
    expect(html).toContain(`<h1 id="step-title" class="panel-title" tabindex="-1">${en['steps.preflight.title']}</h1>`);
    expect(html).toMatch(new RegExp(`<button[^>]*>\\s*${en['ui.checks.run']}\\s*</button>`));
    expect(html).not.toContain(zhCN['ui.checks.run']);
    // Svelte's markers, which the page's script hydrates from.
    expect(html.startsWith('<!--[-->')).toBe(true);
    expect(texts['ui.checks.run']).toBe(en['ui.checks.run']);
    expect(Object.keys(texts)).toHaveLength(Object.keys(en).length);
    // Written as JSON once per language: the next page gets the very same text.
    expect((await draw(state, 'en')).textsJson).toBe(textsJson);
  });

  it('draws in Chinese with the Chinese texts, and two pages drawn at once each keep their language', async () => {
    const [zh, english] = await Promise.all([draw(state, 'zh-CN'), draw(state, 'en')]);
    expect(zh.html).toContain(zhCN['steps.preflight.title']);
    expect(zh.html).toContain(zhCN['ui.checks.run']);
    expect(JSON.parse(zh.textsJson)).toMatchObject({ 'ui.checks.run': zhCN['ui.checks.run'] });
    expect(english.html).toContain(en['ui.checks.run']);
    expect(english.html).not.toContain(zhCN['ui.checks.run']);
  });

  it('escapes what the state carries (here a text the dictionary lacks, shown as its key)', async () => {
    const hostile = WizardState.parse({ ...state, current: { ...state.current, intro: { key: '<img src=x onerror=alert(1)>' } } });
    const { html } = await draw(hostile, 'en');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)>');
  });
});

/** The state of a fresh simulated X220, as the backend answers it. */
async function firstState(): Promise<unknown> {
  const backend = await Backend.create({ dataDir: await mkdtemp(join(tmpdir(), 'egpu-draw-')), hostSpec: 'sim:x220-fresh', mode: 'browser', version: '0.0.0', emit: () => {} });
  try {
    const reply = await backend.dispatch('wizard:state', {});
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.data;
  } finally {
    await backend.close();
  }
}
