import type { Message } from '../../../src/contract/messages';
import type { en } from '../../../src/i18n/en';
import type { uiEn } from '../../../src/i18n/en/ui';
import { lookup, type Locale } from '../../../src/i18n/lookup';

/** A key of the UI chrome dictionary; a typo is a compile error. */
export type UiKey = keyof typeof uiEn;
export type Params = Record<string, string | number>;
/** A language's texts by key. A text a language lacks is shown as its key. */
export type Texts = Readonly<Record<string, string>>;

/**
 * Each language is a chunk of its own, loaded whole the first time it is needed, English too: the texts are
 * half the interface's size. Browser mode's server has the browser fetch the page's language beside the
 * startup script (src/server/first-screen.ts), and a browser keeps it from one visit to the next, as the
 * chunk's name carries its hash. The English source fixes the keys: another language that lacks one does not
 * compile.
 */
const loaders: Record<Locale, () => Promise<Readonly<Record<keyof typeof en, string>>>> = {
  en: () => import('../../../src/i18n/en').then((module) => module.en),
  'zh-CN': () => import('../../../src/i18n/zh-CN').then((module) => module.zhCN),
};

/**
 * The current language. Reading `t()`/`m()` in a template reads `locale`, so switching language re-renders
 * every text without any component having to subscribe. `locale` changes only once its dictionary is here,
 * so no text is ever shown as its key.
 */
class I18n {
  #locale = $state<Locale>('en');
  // Empty only until main.ts has settled the first language, which it does before anything is drawn.
  #dictionary = $state.raw<Texts>({});
  readonly #loaded = new Map<Locale, Promise<Texts>>();
  readonly #ready = new Map<Locale, Texts>();

  get locale(): Locale {
    return this.#locale;
  }

  /** Loads the language's dictionary if needed, then switches to it; rejects (and stays) if it cannot be loaded. */
  async use(locale: Locale): Promise<void> {
    const dictionary = await this.load(locale);
    this.#dictionary = dictionary;
    this.#locale = locale;
  }

  /**
   * Switches at once to a language whose dictionary is already here; false (and stays) when it is not. The
   * server draws pages with this, so a page never takes the language another page switched to meanwhile.
   */
  useLoaded(locale: Locale): boolean {
    const dictionary = this.#ready.get(locale);
    if (!dictionary) return false;
    this.#dictionary = dictionary;
    this.#locale = locale;
    return true;
  }

  private load(locale: Locale): Promise<Texts> {
    const known = this.#loaded.get(locale);
    if (known) return known;
    const loading = loaders[locale]();
    this.#loaded.set(locale, loading);
    loading.then(
      (dictionary) => this.#ready.set(locale, dictionary),
      // A failed load (the connection dropped) is tried again next time.
      () => this.#loaded.delete(locale),
    );
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
