import { isLocale, pickLocale, type Locale } from '../../../src/i18n/lookup';
import type { Bridge } from './bridge';

/**
 * The language of the first paint, settled before anything is drawn so the page never flashes in the wrong
 * one: the language saved here before, else the system's. Browser mode's server writes the saved one into
 * the page (`<html data-saved-locale>`, empty when none is saved); a page without that attribute (Electron
 * loads it from a file) asks the backend, which is one local IPC call there.
 */
export async function firstLocale(
  bridge: Bridge,
  root: HTMLElement,
  preferences: readonly string[],
): Promise<{ locale: Locale; problem: unknown }> {
  const written = root.dataset.savedLocale;
  if (written !== undefined) return { locale: isLocale(written) ? written : pickLocale(preferences), problem: null };
  try {
    const { locale } = await bridge.invoke('settings:get', {});
    return { locale: locale ?? pickLocale(preferences), problem: null };
  } catch (error) {
    return { locale: pickLocale(preferences), problem: error };
  }
}
