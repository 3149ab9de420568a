import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { Locale, type WizardState } from '../contract/state';
import { pickLocale } from '../i18n/lookup';
import { EARLY_CLICKS_SCRIPT, FIRST_SCREEN_MODULE, TEXTS_CHUNKS } from './first-screen-path';
import { weightedEntries } from './weighted-header';

/** The first screen's HTML: the App's first render for a state, in a language. */
export interface DrawnScreen {
  html: string;
}
export type DrawFirstScreen = (state: WizardState, locale: Locale) => Promise<DrawnScreen>;

/** What the build's drawing function answers. */
const Drawn = z.object({ html: z.string() });

/**
 * Loads the drawing code of the renderer built in `rendererDir`; null when that build has none (built before
 * there was one), and the page's script then draws the screen itself. Its module comes from our own build, but
 * is checked all the same: a function in, HTML out.
 */
export async function loadFirstScreen(rendererDir: string): Promise<DrawFirstScreen | null> {
  const file = join(rendererDir, ...FIRST_SCREEN_MODULE);
  if (!existsSync(file)) return null;
  const module: unknown = await import(pathToFileURL(file).href);
  const draw: unknown = typeof module === 'object' && module !== null ? Reflect.get(module, 'renderFirstScreen') : undefined;
  if (typeof draw !== 'function') throw new Error(`${file} does not export renderFirstScreen: build the renderer again`);
  return async (state, locale) => {
    const drawn = Drawn.safeParse(await Reflect.apply(draw, undefined, [state, locale]));
    if (!drawn.success) throw new Error(`${file}: renderFirstScreen did not return HTML`);
    return { html: drawn.data.html };
  };
}

/** Each language's texts chunk, as the build lists it: a script of the build's own `assets/`. */
const TextsChunks = z.partialRecord(Locale, z.string().regex(/^assets\/[A-Za-z0-9_.-]+\.js$/));
export type TextsChunks = z.infer<typeof TextsChunks>;

/**
 * The texts chunk of each language in the renderer built in `rendererDir` (see vite.first-screen-plugin.ts);
 * empty for a build made before it listed them: the page then asks for its language once its script runs,
 * a round trip later. A damaged list is refused.
 */
export async function loadTextsChunks(rendererDir: string): Promise<TextsChunks> {
  const file = join(rendererDir, ...TEXTS_CHUNKS);
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not JSON: build the renderer again (${error instanceof Error ? error.message : String(error)})`);
  }
  const chunks = TextsChunks.safeParse(raw);
  if (!chunks.success) throw new Error(`${file} does not list the texts chunks: build the renderer again`);
  return chunks.data;
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
 * Puts the drawn screen into the page's empty `<div id="app">`. The div is `inert`, so nothing in it answers
 * before something can: the small script `earlyClicks` (loaded async from the head, renderer/src/early-clicks.ts)
 * lifts that and holds clicks until the page's script has taken the drawing over; without it, the page's
 * script lifts it then (renderer/src/main.ts). `data-drawn-locale` tells both that the screen was drawn here,
 * and in which language. The page's script takes the drawing over with that language's texts, so the head
 * has the browser fetch their chunk (`textsChunk`) at once, beside the page's script; a browser that kept it
 * from an earlier visit fetches nothing. A page without that div is left as it is.
 */
export function withDrawnScreen(
  page: Buffer,
  drawn: DrawnScreen,
  locale: Locale,
  { earlyClicks = null, textsChunk = null }: { earlyClicks?: string | null; textsChunk?: string | null } = {},
): Buffer {
  const text = page.toString('utf8');
  const empty = /<div id="app"><\/div>/.exec(text);
  if (!empty) return page;
  // `locale` comes from the Locale enum, `earlyClicks` from a constant path and `textsChunk` from the build's
  // checked list, so none needs escaping; the HTML is Svelte's escaped output.
  const app = `<div id="app" inert data-drawn-locale="${locale}">${drawn.html}</div>`;
  const html = text.slice(0, empty.index) + app + text.slice(empty.index + empty[0].length);
  const head = [
    ...(textsChunk === null ? [] : [`<link rel="modulepreload" crossorigin href="./${textsChunk}">`]),
    // In the head, so the browser fetches it at once and it runs before the step's first paint.
    ...(earlyClicks === null ? [] : [`<script async src="${earlyClicks}"></script>`]),
  ];
  return Buffer.from(insertBefore(html, /<\/head\s*>/i, head.join('')), 'utf8');
}

/** `text` with `inserted` before the first match of `before`, or at the end when there is none. */
function insertBefore(text: string, before: RegExp, inserted: string): string {
  const at = text.search(before);
  const end = at === -1 ? text.length : at;
  return text.slice(0, end) + inserted + text.slice(end);
}
