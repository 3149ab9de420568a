import type { Message } from '../../../src/contract/messages';
import type { uiEn } from '../../../src/i18n/en/ui';
import { translate, translateMessage, type Locale } from '../../../src/i18n/translate';

/** A key of the UI chrome dictionary; a typo is a compile error. */
export type UiKey = keyof typeof uiEn;
export type Params = Record<string, string | number>;

/**
 * The current language. Reading `t()`/`m()` in a template reads `locale`, so switching language re-renders
 * every text without any component having to subscribe.
 */
class I18n {
  locale = $state<Locale>('en');

  t(key: UiKey, params?: Params): string {
    return translate(this.locale, key, params);
  }

  m(message: Message): string {
    return translateMessage(this.locale, message);
  }
}

export const i18n = new I18n();
export const t = (key: UiKey, params?: Params): string => i18n.t(key, params);
export const m = (message: Message): string => i18n.m(message);
