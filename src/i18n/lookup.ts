/**
 * Looking a text up in one dictionary, without importing any: the renderer loads the dictionary it needs
 * (the other language only when the user switches to it), the backend and the CLI use `translate.ts`.
 */
export type Locale = 'en' | 'zh-CN';
export const locales: readonly Locale[] = ['en', 'zh-CN'];

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (locales as readonly string[]).includes(value);

/** Fills `{name}` placeholders; a placeholder without a value stays as it is, so it is visible. */
export function fill(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{([a-zA-Z0-9_]+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** The text of `key` in `dictionary`; a key it does not have is shown as itself, so a missing text is visible, not blank. */
export function lookup(dictionary: Readonly<Record<string, string>>, key: string, params?: Record<string, string | number>): string {
  const template = Object.prototype.hasOwnProperty.call(dictionary, key) ? dictionary[key] : undefined;
  return fill(template ?? key, params);
}

/** Picks the user's language from an ordered list of preferences (navigator.languages, LANG). */
export function pickLocale(preferences: readonly string[]): Locale {
  for (const pref of preferences) {
    const lower = pref.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}
