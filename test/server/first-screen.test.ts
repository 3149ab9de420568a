import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/app/backend';
import { WizardState } from '../../src/contract/state';
import { en } from '../../src/i18n/en';
import { zhCN } from '../../src/i18n/zh-CN';
import { ensureRendererBuilt } from '../../src/server/build-renderer';
import { acceptedLanguages, drawingLocale, loadFirstScreen, loadTextsChunks, withDrawnScreen, type DrawFirstScreen } from '../../src/server/first-screen';
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

  it('goes into the empty #app, inert and marked with its language; nothing else in the page changes', () => {
    const html = withDrawnScreen(page, { html: '<!--[--><button>Run checks</button><!--]-->' }, 'zh-CN').toString('utf8');
    expect(html).toBe(page.toString('utf8').replace('<div id="app"></div>', '<div id="app" inert data-drawn-locale="zh-CN"><!--[--><button>Run checks</button><!--]--></div>'));
  });

  it('has the browser fetch the language’s texts and the script that holds early clicks from the head, at once', () => {
    const html = withDrawnScreen(page, { html: '<p>drawn</p>' }, 'en', { earlyClicks: './assets/early-clicks.js', textsChunk: 'assets/en-Dn1FdAfx.js' }).toString('utf8');
    expect(html).toContain('<head><link rel="modulepreload" crossorigin href="./assets/en-Dn1FdAfx.js"><script async src="./assets/early-clicks.js"></script></head>');
    expect(html.match(/early-clicks|en-Dn1FdAfx/g)).toHaveLength(2);
  });

  it('leaves a page without an empty #app as it is', () => {
    const other = Buffer.from('<html><body><div id="app">x</div></body></html>');
    expect(withDrawnScreen(other, { html: '<p>drawn</p>' }, 'en', { textsChunk: 'assets/en-Dn1FdAfx.js' }).equals(other)).toBe(true);
  });
});

describe('the drawing code of a renderer build', () => {
  it('is absent from a build made before it existed: the page then draws itself', async () => {
    expect(await loadFirstScreen(await mkdtemp(join(tmpdir(), 'egpu-old-renderer-')))).toBeNull();
  });

  it('is refused when it does not export the drawing function, or answers something else than HTML', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'egpu-bad-renderer-'));
    await mkdir(join(dir, 'server'));
    await writeFile(join(dir, 'server', 'first-screen.js'), 'export const draw = () => "";\n');
    await expect(loadFirstScreen(dir)).rejects.toThrow(/does not export renderFirstScreen/);
    const other = await mkdtemp(join(tmpdir(), 'egpu-bad-renderer-'));
    await mkdir(join(other, 'server'));
    await writeFile(join(other, 'server', 'first-screen.js'), 'export async function renderFirstScreen() { return { html: 1 }; }\n');
    const state = WizardState.parse(await firstState());
    await expect((await loadFirstScreen(other))?.(state, 'en')).rejects.toThrow(/did not return HTML/);
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

describe('the texts chunks a renderer build lists', () => {
  it('name each language’s chunk of the build, which holds that language’s texts and is served', async () => {
    const root = await ensureRendererBuilt(() => {});
    const chunks = await loadTextsChunks(root);
    expect(Object.keys(chunks).sort()).toEqual(['en', 'zh-CN']);
    const english = await readStatic(root, `/${chunks.en ?? ''}`);
    const chinese = await readStatic(root, `/${chunks['zh-CN'] ?? ''}`);
    // The texts are in the chunk as JSON: its strings are escaped the way JSON.stringify escapes them.
    expect(english?.body.toString('utf8')).toContain(JSON.stringify(en['ui.checks.run']).slice(1, -1));
    expect(chinese?.body.toString('utf8')).toContain(zhCN['ui.checks.run']);
    expect(await readStatic(root, '/server/texts-chunks.json')).toBeNull();
  });

  it('are none for a build made before it listed them, and a damaged list is refused', async () => {
    expect(await loadTextsChunks(await mkdtemp(join(tmpdir(), 'egpu-old-renderer-')))).toEqual({});
    for (const listed of ['{"en": "../../etc/passwd.js"}', '{"fr": "assets/fr-12345678.js"}', 'not json', '["assets/en-12345678.js"]']) {
      const dir = await mkdtemp(join(tmpdir(), 'egpu-bad-renderer-'));
      await mkdir(join(dir, 'server'));
      await writeFile(join(dir, 'server', 'texts-chunks.json'), listed);
      await expect(loadTextsChunks(dir), listed).rejects.toThrow(/build the renderer again/);
    }
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
    const { html } = await draw(state, 'en');
    expect(html).toContain(`<h1 id="step-title" class="panel-title" tabindex="-1">${en['steps.preflight.title']}</h1>`);
    expect(html).toMatch(new RegExp(`<button[^>]*>\\s*${en['ui.checks.run']}\\s*</button>`));
    expect(html).not.toContain(zhCN['ui.checks.run']);
    // Svelte's markers, which the page's script hydrates from.
    expect(html.startsWith('<!--[-->')).toBe(true);
  });

  it('draws in Chinese, and two pages drawn at once each keep their language', async () => {
    const [zh, english] = await Promise.all([draw(state, 'zh-CN'), draw(state, 'en')]);
    expect(zh.html).toContain(zhCN['steps.preflight.title']);
    expect(zh.html).toContain(zhCN['ui.checks.run']);
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
