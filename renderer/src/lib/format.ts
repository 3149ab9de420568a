import type { Locale } from '../../../src/i18n/lookup';

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;
const CONTROL: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * A command line for display: arguments joined with spaces, quoted only where a reader would otherwise
 * misread them (spaces, quotes, tabs). Nothing is ever run from this text.
 */
export function formatArgv(argv: readonly string[]): string {
  return argv
    .map((arg) => {
      if (arg !== '' && PLAIN.test(arg)) return arg;
      const visible = arg.replace(/[\t\n\r]/g, (c) => CONTROL[c] ?? c).replace(/'/g, "'\\''");
      return `'${visible}'`;
    })
    .join(' ');
}

/**
 * A detached command's daemon(8) line for display: the `sh -c` script stands as "$WRAPPER" in the line and
 * is shown whole, line by line, below it, where it can be read.
 */
export function formatDetached(argv: readonly string[]): { line: string; script: string | null } {
  const at = argv.indexOf('-c');
  const script = at >= 0 ? argv[at + 1] : undefined;
  if (script === undefined) return { line: formatArgv(argv), script: null };
  return { line: `${formatArgv(argv.slice(0, at + 1))} "$WRAPPER" ${formatArgv(argv.slice(at + 2))}`, script };
}

export function formatTime(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return formatter(locale, 'time').format(date);
}

/** Today: just the time; another day: date and time. */
export function formatDateTime(iso: string, locale: Locale, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return formatter(locale, date.toDateString() === now.toDateString() ? 'short' : 'dateAndShort').format(date);
}

const FORMATS = {
  time: { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false },
  short: { timeStyle: 'short' },
  dateAndShort: { dateStyle: 'medium', timeStyle: 'short' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
const formatter = madeOnce((locale: Locale, form: keyof typeof FORMATS) => new Intl.DateTimeFormat(locale, FORMATS[form]));

/** Milliseconds below one second, seconds with one decimal above. */
export function durationParts(ms: number, locale: Locale): { unit: 'ms' | 's'; value: string } {
  if (ms < 1000) return { unit: 'ms', value: numberFormat(locale, 'whole').format(Math.round(ms)) };
  return { unit: 's', value: numberFormat(locale, 'tenths').format(ms / 1000) };
}

const NUMBER_FORMATS = {
  whole: {},
  tenths: { minimumFractionDigits: 1, maximumFractionDigits: 1 },
} satisfies Record<string, Intl.NumberFormatOptions>;
const numberFormat = madeOnce((locale: Locale, form: keyof typeof NUMBER_FORMATS) => new Intl.NumberFormat(locale, NUMBER_FORMATS[form]));

/**
 * One formatter per language and form, made the first time it is needed: making one costs far more than
 * using it (a step with eight checked checks spent about 40 ms of its first screen making them anew).
 */
function madeOnce<F extends string, T>(make: (locale: Locale, form: F) => T): (locale: Locale, form: F) => T {
  const made = new Map<string, T>();
  return (locale, form) => {
    const key = `${locale} ${form}`;
    let formatter = made.get(key);
    if (formatter === undefined) {
      formatter = make(locale, form);
      made.set(key, formatter);
    }
    return formatter;
  };
}

/** Illustration names come from the backend; only a plain file name (no path) is turned into a URL. */
export function illustrationUrl(name: string | null): string | null {
  if (name === null || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/.test(name)) return null;
  return `assets/${name}`;
}
