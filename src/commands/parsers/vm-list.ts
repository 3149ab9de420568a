import { z } from 'zod';
import { Unparsed, parseFailure, validated, type ParseResult, type UnparsedLine } from '../parse-result';
import { guarded, precheck, splitLines } from './text';

/**
 * vm-bhyve's `vm list`: a header and one row per guest, laid out by column(1), so cells are found under
 * their header word rather than by splitting on spaces (`Yes [1]` and `Running (2345)` hold a space):
 *
 *   NAME     DATASTORE  LOADER  CPU  MEMORY  VNC  AUTO     STATE
 *   cuda     default    uefi    2    8G      -    Yes [1]  Running (2345)
 *   old      default    grub    1    512M    -    No       Stopped
 *
 * The wizard runs it without `-v`, whose %CPU, RSZ and UPTIME columns would sit between AUTO and STATE.
 */

export const VmGuest = z
  .object({
    name: z.string().min(1),
    datastore: z.string().min(1),
    loader: z.string().min(1),
    cpus: z.number().int().positive().nullable(),
    /** As written in the guest's config: `8G`, `512M`. */
    memory: z.string(),
    /** Started by rc.d/vm at boot, and in which order. */
    autostart: z.object({ order: z.number().int().positive() }).strict().nullable(),
    /** `Locked`: another host runs it (shared storage); the wizard treats it as not startable here. */
    state: z.enum(['running', 'stopped', 'locked', 'bootloader']),
    pid: z.number().int().positive().nullable(),
    line: z.number().int().positive(),
  })
  .strict();
export type VmGuest = z.infer<typeof VmGuest>;

export const VmList = z.object({ guests: z.array(VmGuest), unparsed: Unparsed }).strict();
export type VmList = z.infer<typeof VmList>;

const COLUMNS = ['NAME', 'DATASTORE', 'LOADER', 'CPU', 'MEMORY', 'VNC', 'AUTO'] as const;
type Column = (typeof COLUMNS)[number] | 'STATE';

/** Where each column starts in the header line; null when the line is not vm list's header. */
function headerColumns(line: string): Map<Column, number> | null {
  const starts = new Map<Column, number>();
  for (const column of [...COLUMNS, 'STATE'] as const) {
    const at = new RegExp(`(^|\\s)${column}(\\s|$)`).exec(line);
    if (at === null) return null;
    starts.set(column, at.index + at[1]!.length);
  }
  return starts.get('NAME') === 0 ? starts : null;
}

function stateOf(text: string): Pick<VmGuest, 'state' | 'pid'> | null {
  const running = /^Running \((\d+)\)$/.exec(text);
  if (running) return { state: 'running', pid: Number(running[1]) };
  if (text === 'Stopped') return { state: 'stopped', pid: null };
  if (/^Locked \(.+\)$/.test(text)) return { state: 'locked', pid: null };
  if (text === 'Bootloader') return { state: 'bootloader', pid: null };
  return null;
}

function autostartOf(text: string): VmGuest['autostart'] | undefined {
  if (text === 'No') return null;
  const yes = /^Yes \[(\d+)\]$/.exec(text);
  return yes ? { order: Number(yes[1]) } : undefined;
}

function parse(text: string): ParseResult<VmList> {
  const rejected = precheck(text, 'vm list');
  if (rejected) return rejected;
  const lines = splitLines(text);
  const headerIndex = lines.findIndex((l) => headerColumns(l) !== null);
  const columns = headerIndex < 0 ? null : headerColumns(lines[headerIndex] ?? '');
  if (columns === null) return parseFailure('unexpected-output', 'vm list: no header line ("NAME DATASTORE LOADER CPU MEMORY VNC AUTO STATE")');
  const order = [...columns.entries()].sort((a, b) => a[1] - b[1]);
  const cell = (line: string, column: Column): string => {
    const start = columns.get(column) ?? 0;
    const next = order.find(([, at]) => at > start)?.[1];
    return line.slice(start, column === 'STATE' ? undefined : next).trim();
  };
  const guests: VmGuest[] = [];
  const unparsed: UnparsedLine[] = [];
  lines.forEach((line, index) => {
    if (index <= headerIndex || line.trim() === '') {
      if (index < headerIndex && line.trim() !== '') unparsed.push({ line: index + 1, text: line });
      return;
    }
    const state = stateOf(cell(line, 'STATE'));
    const autostart = autostartOf(cell(line, 'AUTO'));
    const cpu = cell(line, 'CPU');
    const name = cell(line, 'NAME');
    if (state === null || autostart === undefined || name === '' || /\s/.test(name) || !/^(\d+|-)?$/.test(cpu)) {
      unparsed.push({ line: index + 1, text: line });
      return;
    }
    guests.push({
      name,
      datastore: cell(line, 'DATASTORE'),
      loader: cell(line, 'LOADER'),
      cpus: /^\d+$/.test(cpu) && Number(cpu) > 0 ? Number(cpu) : null,
      memory: cell(line, 'MEMORY'),
      autostart,
      ...state,
      line: index + 1,
    });
  });
  return validated(VmList, { guests, unparsed });
}

export const parseVmList = guarded('vm list', parse);
