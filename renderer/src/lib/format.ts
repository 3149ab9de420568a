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
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(
    date,
  );
}

/** Today: just the time; another day: date and time. */
export function formatDateTime(iso: string, locale: Locale, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (date.toDateString() === now.toDateString()) {
    return new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(date);
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** Milliseconds below one second, seconds with one decimal above. */
export function durationParts(ms: number, locale: Locale): { unit: 'ms' | 's'; value: string } {
  if (ms < 1000) return { unit: 'ms', value: new Intl.NumberFormat(locale).format(Math.round(ms)) };
  return {
    unit: 's',
    value: new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(ms / 1000),
  };
}

/** Illustration names come from the backend; only a plain file name (no path) is turned into a URL. */
export function illustrationUrl(name: string | null): string | null {
  if (name === null || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/.test(name)) return null;
  return `assets/${name}`;
}
