import { parsed, type ParseResult } from '../../commands/parse-result';
import { ConfigEditError, checkConfigText, deepFreeze, joinLines, preferredEol, splitRawLines, type Eol } from './common';

/**
 * An fstab(5) file such as a jail's mount.fstab: `device mountpoint type options dump pass`, blank and `#`
 * lines kept as they are. The document is its lines, so rendering gives back the exact text; the one edit
 * replaces the line for a mount point, or appends one.
 */

export interface FstabEntry {
  readonly device: string;
  readonly mountPoint: string;
  readonly type: string;
  readonly options: string;
  readonly dump: number;
  readonly pass: number;
}

export type FstabLine =
  | { readonly kind: 'other'; readonly text: string; readonly eol: Eol }
  | { readonly kind: 'entry'; readonly text: string; readonly eol: Eol; readonly entry: FstabEntry };

export interface FstabDocument {
  readonly lines: readonly FstabLine[];
}

const FIELD = /^[^\s#]+$/;

function classify(text: string, eol: Eol): FstabLine {
  const fields = text.replace(/#.*$/, '').trim().split(/\s+/);
  const [device, mountPoint, type, options = 'rw', dump = '0', pass = '0'] = fields;
  if (device === undefined || device === '' || mountPoint === undefined || type === undefined || fields.length > 6) return { kind: 'other', text, eol };
  return { kind: 'entry', text, eol, entry: { device, mountPoint, type, options, dump: Number(dump) || 0, pass: Number(pass) || 0 } };
}

export function parseFstab(text: string): ParseResult<FstabDocument> {
  const rejected = checkConfigText(text, 'fstab');
  if (rejected) return rejected;
  return parsed(deepFreeze({ lines: splitRawLines(text).map((line) => classify(line.text, line.eol)) }));
}

export function renderFstab(doc: FstabDocument): string {
  return joinLines(doc.lines, preferredEol(doc.lines));
}

export const fstabEntries = (doc: FstabDocument): FstabEntry[] => doc.lines.flatMap((line) => (line.kind === 'entry' ? [line.entry] : []));

/** The line fstab(5) wants, tab-separated like /etc/fstab. */
export function formatEntry(entry: FstabEntry): string {
  for (const field of [entry.device, entry.mountPoint, entry.type, entry.options]) {
    if (!FIELD.test(field)) throw new ConfigEditError('invalid-value', `fstab field ${JSON.stringify(field)} must be one word without #`);
  }
  return [entry.device, entry.mountPoint, entry.type, entry.options, String(entry.dump), String(entry.pass)].join('\t');
}

const sameEntry = (a: FstabEntry, b: FstabEntry): boolean =>
  a.device === b.device && a.mountPoint === b.mountPoint && a.type === b.type && a.options === b.options && a.dump === b.dump && a.pass === b.pass;

/**
 * Makes the file mount `entry` at its mount point: the last line for that mount point is replaced (others
 * for it are removed, since mount would stack them), or the line is appended. Returns `doc` when nothing changes.
 */
export function ensureMount(doc: FstabDocument, entry: FstabEntry): FstabDocument {
  const text = formatEntry(entry);
  const at = doc.lines.flatMap((line, i) => (line.kind === 'entry' && line.entry.mountPoint === entry.mountPoint ? [i] : []));
  const last = at[at.length - 1];
  const lastLine = last === undefined ? undefined : doc.lines[last];
  if (at.length === 1 && lastLine?.kind === 'entry' && sameEntry(lastLine.entry, entry)) return doc;
  const eol = preferredEol(doc.lines);
  const lines = doc.lines.filter((_line, i) => i === last || !at.includes(i));
  const fresh = classify(text, eol);
  if (last === undefined) lines.push(fresh);
  else lines[lines.findIndex((line) => line === lastLine)] = { ...fresh, eol: lastLine?.eol === '' ? eol : (lastLine?.eol ?? eol) };
  return deepFreeze({ lines });
}
