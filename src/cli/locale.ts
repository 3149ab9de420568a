import { pickLocale, type Locale } from '../i18n/translate';
import { UsageError } from './errors';

// Apart from io.ts: choosing a language loads the dictionaries, which `parse` and `--help` never need.

/** --lang, or the environment's language. */
export const localeOf = (value: string | undefined): Locale => {
  if (value === undefined) return pickLocale([process.env.LC_ALL ?? '', process.env.LANG ?? '']);
  if (value === 'en' || value === 'zh-CN') return value;
  throw new UsageError(`unknown language "${value}": en or zh-CN`);
};
