import type { Message } from '../../../src/contract/messages';
import { en } from '../../../src/i18n/en';
import type { uiEn } from '../../../src/i18n/en/ui';
import { lookup, type Locale } from '../../../src/i18n/lookup';

/** A key of the UI chrome dictionary; a typo is a compile error. */
export type UiKey = keyof typeof uiEn;
export type Params = Record<string, string | number>;
type Dictionary = Readonly<Record<keyof typeof en, string>>;

/**
 * English is in the startup script (it is the source, and the language most users see); every other language
 * is its own chunk, loaded whole the first time it is needed.
 */
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<Dictionary>> = {
  'zh-CN': () => import('../../../src/i18n/zh-CN').then((module) => module.zhCN),
};

/**
 * The current language. Reading `t()`/`m()` in a template reads `locale`, so switching language re-renders
 * every text without any component having to subscribe. `locale` changes only once its dictionary is here,
 * so no text is ever shown as its key.
 */
class I18n {
  #locale = $state<Locale>('en');
  #dictionary = $state.raw<Dictionary>(en);
  readonly #loaded = new Map<Locale, Promise<Dictionary>>([['en', Promise.resolve(en)]]);

  get locale(): Locale {
    return this.#locale;
  }

  /** Loads the language's dictionary if needed, then switches to it; rejects (and stays) if it cannot be loaded. */
  async use(locale: Locale): Promise<void> {
    const dictionary = await this.load(locale);
    this.#dictionary = dictionary;
    this.#locale = locale;
  }

  private load(locale: Locale): Promise<Dictionary> {
    const known = this.#loaded.get(locale);
    if (known) return known;
    const loading = locale === 'en' ? Promise.resolve(en) : loaders[locale]();
    // A failed load (the connection dropped) is tried again next time.
    this.#loaded.set(locale, loading);
    loading.catch(() => this.#loaded.delete(locale));
    return loading;
  }

  t(key: UiKey, params?: Params): string {
    return lookup(this.#dictionary, key, params);
  }

  m(message: Message): string {
    return lookup(this.#dictionary, message.key, message.params);
  }
}

export const i18n = new I18n();
export const t = (key: UiKey, params?: Params): string => i18n.t(key, params);
export const m = (message: Message): string => i18n.m(message);
