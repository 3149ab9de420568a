import type { Message } from '../contract/messages';
import { en } from './en';
import { lookup, type Locale } from './lookup';
import { zhCN } from './zh-CN';

export { isLocale, locales, pickLocale, type Locale } from './lookup';
export type MessageKey = keyof typeof en;

const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

export const isMessageKey = (key: string): key is MessageKey => Object.prototype.hasOwnProperty.call(en, key);

/** Fills `{name}` placeholders; an unknown key is shown as itself so a missing text is visible, not blank. */
export function translate(locale: Locale, key: string, params?: Record<string, string | number>): string {
  return lookup(dictionaries[locale], key, params);
}

export const translateMessage = (locale: Locale, message: Message): string =>
  translate(locale, message.key, message.params);
