import type { Locale } from '../contract/state';

/**
 * Writes the saved language into the page's `<html>` tag before it is sent: `lang` for the browser (the
 * language the page is drawn in, when the server draws it), and
 * `data-saved-locale` (empty: none saved) for the renderer, which then loads the right dictionary before its
 * first paint instead of asking the backend. No inline script: the Content-Security-Policy stays as it is.
 */
export function withLocale(page: Buffer, saved: Locale | null, lang: Locale = saved ?? 'en'): Buffer {
  const html = page.toString('utf8');
  const tag = /<html\b[^>]*>/i.exec(html);
  if (!tag) return page;
  // Both values come from the Locale enum (or are empty), so they need no escaping.
  const replacement = `<html lang="${lang}" data-saved-locale="${saved ?? ''}">`;
  return Buffer.from(html.slice(0, tag.index) + replacement + html.slice(tag.index + tag[0].length), 'utf8');
}
