import { PAGE_TEXTS_ELEMENT_ID } from '../../../src/contract/first-state';
import { isLocale, type Locale } from '../../../src/i18n/lookup';
import type { Texts } from './i18n.svelte';

/**
 * The texts browser mode's server wrote into the page with the screen it drew (src/server/first-screen.ts),
 * taken out of the document so they are read once: null when there are none (Electron, a page the server did
 * not draw) or they are not texts by key, and the renderer then loads its language's chunk as usual.
 */
export function takeWrittenTexts(doc: Document): { locale: Locale; texts: Texts } | null {
  const block = doc.getElementById(PAGE_TEXTS_ELEMENT_ID);
  if (!(block instanceof HTMLScriptElement) || block.type !== 'application/json') return null;
  block.remove();
  const locale = block.dataset.locale;
  if (!isLocale(locale)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(block.text);
  } catch {
    return null;
  }
  return isTexts(raw) ? { locale, texts: raw } : null;
}

/**
 * Texts by key: an object whose every value is a string. A loop, not zod's record schema: over the 1,100 and
 * more texts, zod/mini took 2–10 ms of the first screen's main thread, the loop a fifth of a millisecond.
 */
function isTexts(value: unknown): value is Texts {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((text) => typeof text === 'string');
}
