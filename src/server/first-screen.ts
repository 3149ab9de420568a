import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { PAGE_TEXTS_ELEMENT_ID } from '../contract/first-state';
import type { Locale, WizardState } from '../contract/state';
import { pickLocale } from '../i18n/lookup';
import { EARLY_CLICKS_SCRIPT, FIRST_SCREEN_MODULE } from './first-screen-path';
import { jsonForDataBlock } from './page-state';
import { weightedEntries } from './weighted-header';

/** The first screen's HTML (the App's first render for a state, in a language) and that language's texts. */
export interface DrawnScreen {
  html: string;
  /** The texts as the page's JSON data block holds them (escaped, see page-state.ts). */
  textsJson: string;
}
export type DrawFirstScreen = (state: WizardState, locale: Locale) => Promise<DrawnScreen>;

/** What the build's drawing function answers; the texts are a language's dictionary, the same object each time. */
const Drawn = z.object({ html: z.string(), texts: z.custom<object>((value) => typeof value === 'object' && value !== null) });
const Texts = z.record(z.string(), z.string());

/**
 * Loads the drawing code of the renderer built in `rendererDir`; null when that build has none (built before
 * there was one), and the page's script then draws the screen itself. Its module comes from our own build, but
 * is checked all the same: a function in, HTML and texts out.
 */
export async function loadFirstScreen(rendererDir: string): Promise<DrawFirstScreen | null> {
  const file = join(rendererDir, ...FIRST_SCREEN_MODULE);
  if (!existsSync(file)) return null;
  const module: unknown = await import(pathToFileURL(file).href);
  const draw: unknown = typeof module === 'object' && module !== null ? Reflect.get(module, 'renderFirstScreen') : undefined;
  if (typeof draw !== 'function') throw new Error(`${file} does not export renderFirstScreen: build the renderer again`);
  // A language's texts are checked and written as JSON once, not for every page: they are a fifth of the time
  // a page takes to draw, and they do not change while the build runs.
  const textsJson = new WeakMap<object, string>();
  return async (state, locale) => {
    const drawn = Drawn.safeParse(await Reflect.apply(draw, undefined, [state, locale]));
    if (!drawn.success) throw new Error(`${file}: renderFirstScreen did not return HTML and texts`);
    let json = textsJson.get(drawn.data.texts);
    if (json === undefined) {
      const texts = Texts.safeParse(drawn.data.texts);
      if (!texts.success) throw new Error(`${file}: renderFirstScreen did not return HTML and texts`);
      json = jsonForDataBlock(texts.data);
      textsJson.set(drawn.data.texts, json);
    }
    return { html: drawn.data.html, textsJson: json };
  };
}

/** The address, relative to the page, of the build's script that holds early clicks; null when it has none. */
export function earlyClicksScript(rendererDir: string): string | null {
  return existsSync(join(rendererDir, ...EARLY_CLICKS_SCRIPT)) ? `./${EARLY_CLICKS_SCRIPT.join('/')}` : null;
}

/**
 * The language a page is drawn in: the saved one, else the browser's first listed one we speak (from its
 * Accept-Language, which lists the same languages as `navigator.languages`, the page's own choice).
 */
export function drawingLocale(saved: Locale | null, acceptLanguage: string | undefined): Locale {
  return saved ?? pickLocale(acceptedLanguages(acceptLanguage ?? ''));
}

/** `zh-CN,zh;q=0.9,en;q=0.8` → the tags, most wanted first (a missing q counts as 1; q=0 means "not this"). */
export function acceptedLanguages(header: string): string[] {
  return weightedEntries(header)
    .filter((entry) => entry.name !== '*' && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((entry) => entry.name);
}

/**
 * Puts the drawn screen into the page's empty `<div id="app">`, and its texts before `</body>`. The div is
 * `inert`, so nothing in it answers before something can: the small script `earlyClicks` (loaded async from the
 * head, renderer/src/early-clicks.ts) lifts that and holds clicks until the page's script has taken the
 * drawing over; without it, the page's script lifts it then (renderer/src/main.ts). `data-drawn-locale` tells
 * both that the screen was drawn here, and in which language. A page without that div is left as it is.
 */
export function withDrawnScreen(page: Buffer, drawn: DrawnScreen, locale: Locale, earlyClicks: string | null = null): Buffer {
  const text = page.toString('utf8');
  const empty = /<div id="app"><\/div>/.exec(text);
  if (!empty) return page;
  // `locale` comes from the Locale enum and `earlyClicks` from a constant path, so neither needs escaping; the
  // HTML is Svelte's escaped output.
  const app = `<div id="app" inert data-drawn-locale="${locale}">${drawn.html}</div>`;
  const texts = `<script type="application/json" id="${PAGE_TEXTS_ELEMENT_ID}" data-locale="${locale}">${drawn.textsJson}</script>`;
  let html = text.slice(0, empty.index) + app + text.slice(empty.index + empty[0].length);
  html = insertBefore(html, /<\/body\s*>/i, texts);
  // In the head, so the browser fetches it at once and it runs before the step's first paint.
  return Buffer.from(earlyClicks === null ? html : insertBefore(html, /<\/head\s*>/i, `<script async src="${earlyClicks}"></script>`), 'utf8');
}

/** `text` with `inserted` before the first match of `before`, or at the end when there is none. */
function insertBefore(text: string, before: RegExp, inserted: string): string {
  const at = text.search(before);
  const end = at === -1 ? text.length : at;
  return text.slice(0, end) + inserted + text.slice(end);
}
