import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { PAGE_TEXTS_ELEMENT_ID } from '../contract/first-state';
import type { Locale, WizardState } from '../contract/state';
import { pickLocale } from '../i18n/lookup';
import { FIRST_SCREEN_MODULE } from './first-screen-path';
import { jsonForDataBlock } from './page-state';

/** The first screen's HTML (the App's first render for a state, in a language) and that language's texts. */
export const DrawnScreen = z.object({ html: z.string(), texts: z.record(z.string(), z.string()) });
export type DrawnScreen = z.infer<typeof DrawnScreen>;
export type DrawFirstScreen = (state: WizardState, locale: Locale) => Promise<DrawnScreen>;

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
  return async (state, locale) => {
    const drawn = DrawnScreen.safeParse(await Reflect.apply(draw, undefined, [state, locale]));
    if (!drawn.success) throw new Error(`${file}: renderFirstScreen did not return HTML and texts`);
    return drawn.data;
  };
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
  return header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      // An unreadable weight counts as "not this".
      const q = params.map((p) => /^\s*q\s*=\s*(.*?)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      const weight = q === undefined ? 1 : /^[0-9.]+$/.test(q) ? Number(q) : 0;
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.tag !== '' && entry.tag !== '*' && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((entry) => entry.tag);
}

/**
 * Puts the drawn screen into the page's empty `<div id="app">`, and its texts before `</body>`. The div is
 * `inert` until the page's script has taken the drawing over (renderer/src/main.ts): until then its buttons
 * would look ready and do nothing, and text typed into a field could be lost. `data-drawn-locale` tells the
 * script which language it was drawn in. A page without that div is left as it is.
 */
export function withDrawnScreen(page: Buffer, drawn: DrawnScreen, locale: Locale): Buffer {
  const text = page.toString('utf8');
  const empty = /<div id="app"><\/div>/.exec(text);
  if (!empty) return page;
  // `locale` comes from the Locale enum, so it needs no escaping; the HTML is Svelte's escaped output.
  const app = `<div id="app" inert data-drawn-locale="${locale}">${drawn.html}</div>`;
  const texts = `<script type="application/json" id="${PAGE_TEXTS_ELEMENT_ID}" data-locale="${locale}">${jsonForDataBlock(drawn.texts)}</script>`;
  const withApp = text.slice(0, empty.index) + app + text.slice(empty.index + empty[0].length);
  const end = withApp.search(/<\/body\s*>/i);
  const at = end === -1 ? withApp.length : end;
  return Buffer.from(withApp.slice(0, at) + texts + withApp.slice(at), 'utf8');
}
