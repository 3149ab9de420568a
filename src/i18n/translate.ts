import type { Message } from '../contract/messages';
import { en } from './en';
import { zhCN } from './zh-CN';

export type Locale = 'en' | 'zh-CN';
export type MessageKey = keyof typeof en;
export const locales: readonly Locale[] = ['en', 'zh-CN'];

const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

export const isMessageKey = (key: string): key is MessageKey => Object.prototype.hasOwnProperty.call(en, key);

/** Fills `{name}` placeholders; an unknown key is shown as itself so a missing text is visible, not blank. */
export function translate(locale: Locale, key: string, params?: Record<string, string | number>): string {
  const template = isMessageKey(key) ? dictionaries[locale][key] : key;
  if (!params) return template;
  return template.replace(/\{([a-zA-Z0-9_]+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export const translateMessage = (locale: Locale, message: Message): string =>
  translate(locale, message.key, message.params);

/** Picks the user's language from an ordered list of preferences (navigator.languages, LANG). */
export function pickLocale(preferences: readonly string[]): Locale {
  for (const pref of preferences) {
    const lower = pref.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}
