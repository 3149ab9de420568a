import { z } from 'zod';
import { parseFailure, Unparsed, validated, type ParseResult, type UnparsedLine } from '../parse-result';
import { guarded, isBlank, splitLines } from './text';

/**
 * FreeBSD kernel messages (`dmesg`, `/var/run/dmesg.boot`). The text is free-form, so every text is valid;
 * the parser picks out the lines the wizard reasons about:
 *
 *   attachments         `vgapci0: <VGA-compatible display> port 0x3000-0x307f mem … irq 16 at device 0.0 on pci1`
 *                       `nvidia0: <NVIDIA GeForce GTX 1050 Ti> on vgapci0`
 *   nvrm                every line starting with `NVRM:` (the NVIDIA driver's messages)
 *   allocationFailures  `pcib2: failed to allocate initial memory window: 0xd0000000-0xd00fffff`
 *                       `pcib2: failed to allocate initial prefetch window: …`
 *                       `pcib6: failed to allocate initial I/O port window: 0xd000-0xdfff`
 *                       `pcib8: failed to allocate initial I/O port window (0-0xffffffff,0x8)`   (ISA-alias search)
 *                       `pci8: pci0:8:0:0 bar 0x10 failed to allocate`
 *                       `xhci1: 0x100000 bytes of rid 0x10 res 3 failed (0, 0xffffffffffffffff).`  (bootverbose)
 *
 * Any text is a message buffer (a filtered `dmesg | grep pci` too), so only empty and binary input is
 * refused. A line holding NUL bytes (what a message buffer that survived a crash can hold) is not
 * interpreted: it is set aside in `unparsed`, and the lines around it are read as usual.
 */

export const DmesgAttachment = z
  .object({
    device: z.string().min(1),
    description: z.string(),
    parent: z.string().min(1),
    line: z.number().int().positive(),
    text: z.string(),
  })
  .strict();
export type DmesgAttachment = z.infer<typeof DmesgAttachment>;

export const DmesgLine = z.object({ line: z.number().int().positive(), text: z.string() }).strict();
export type DmesgLine = z.infer<typeof DmesgLine>;

export const AllocationFailureKind = z.enum(['memory-window', 'prefetch-window', 'io-window', 'bar']);
export type AllocationFailureKind = z.infer<typeof AllocationFailureKind>;

export const AllocationFailure = z
  .object({
    line: z.number().int().positive(),
    text: z.string(),
    /** The device that printed the message: the bridge (`pcib2`), the bus (`pci1`) or the driver (`xhci1`). */
    device: z.string().min(1),
    kind: AllocationFailureKind,
    /** The BAR register ("0x10") for kind 'bar', else null. */
    bar: z.string().regex(/^0x[0-9a-f]+$/).nullable(),
    /** The failing device's selector ("pci0:1:0:0") when the message names it, else null. */
    selector: z.string().regex(/^pci\d+:\d+:\d+:\d+$/).nullable(),
    /** The window range ("0xd0000000-0xd00fffff") for the `window: start-end` form, else null. */
    range: z.string().nullable(),
  })
  .strict();
export type AllocationFailure = z.infer<typeof AllocationFailure>;

export const DmesgOutput = z
  .object({
    lineCount: z.number().int().nonnegative(),
    attachments: z.array(DmesgAttachment),
    nvrm: z.array(DmesgLine),
    allocationFailures: z.array(AllocationFailure),
    unparsed: Unparsed,
  })
  .strict();
export type DmesgOutput = z.infer<typeof DmesgOutput>;

const ATTACH = /^([A-Za-z_][A-Za-z0-9_.]*\d+): <(.*)>(?: .*)? on ([A-Za-z_][A-Za-z0-9_.]*)$/;
const WINDOW = /^(\S+): failed to allocate initial (memory|prefetch|I\/O port) window(?:: ((?:0x)?[0-9a-f]+-0x[0-9a-f]+)| \(.*\))\s*$/;
const BAR_FAILED = /^(\S+): (pci\d+:\d+:\d+:\d+) bar (0x[0-9a-f]+) failed to allocate\s*$/;
const RID_FAILED = /^(\S+): 0x[0-9a-f]+ bytes of rid (0x[0-9a-f]+) res \d+ failed \(/;
const WINDOW_KIND = { memory: 'memory-window', prefetch: 'prefetch-window', 'I/O port': 'io-window' } as const;

/** NUL, control characters other than tab/newline/CR/backspace/escape/bell, and U+FFFD. */
const ODD_CHAR = /[\u0000-\u0006\u000b\u000c\u000e-\u001a\u001c-\u001f\u007f\ufffd]/g;

function allocationFailure(text: string, line: number): AllocationFailure | null {
  const window = WINDOW.exec(text);
  if (window) {
    const [, device = '', which = '', range] = window;
    const kind = which === 'memory' || which === 'prefetch' || which === 'I/O port' ? WINDOW_KIND[which] : null;
    if (kind === null) return null;
    return { line, text, device, kind, bar: null, selector: null, range: range ?? null };
  }
  const bar = BAR_FAILED.exec(text);
  if (bar) {
    const [, device = '', selector = '', reg = ''] = bar;
    return { line, text, device, kind: 'bar', bar: reg, selector, range: null };
  }
  const rid = RID_FAILED.exec(text);
  if (rid) {
    const [, device = '', reg = ''] = rid;
    return { line, text, device, kind: 'bar', bar: reg, selector: null, range: null };
  }
  return null;
}

function parse(text: string): ParseResult<DmesgOutput> {
  if (typeof text !== 'string') return parseFailure('malformed', 'dmesg: input is not text');
  if (isBlank(text)) return parseFailure('empty', 'dmesg printed nothing');
  // The message buffer is free-form and may hold the odd stray control character; lots of them mean binary.
  const odd = text.match(ODD_CHAR)?.length ?? 0;
  if (odd > Math.max(8, text.length / 100)) return parseFailure('malformed', 'dmesg output looks like binary data, not text');

  const lines = splitLines(text);
  const attachments: DmesgAttachment[] = [];
  const nvrm: DmesgLine[] = [];
  const allocationFailures: AllocationFailure[] = [];
  const unparsed: UnparsedLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const line = i + 1;
    if (raw.includes('\u0000')) {
      unparsed.push({ line, text: raw });
      continue;
    }
    if (raw.startsWith('NVRM:')) {
      nvrm.push({ line, text: raw });
      continue;
    }
    const trimmed = raw.trimEnd();
    const attach = ATTACH.exec(trimmed);
    if (attach) {
      const [, device = '', description = '', parent = ''] = attach;
      attachments.push({ device, description, parent, line, text: raw });
      continue;
    }
    if (trimmed.includes('fail')) {
      const failure = allocationFailure(trimmed, line);
      if (failure) allocationFailures.push({ ...failure, text: raw });
    }
  }
  return validated(DmesgOutput, { lineCount: lines.length, attachments, nvrm, allocationFailures, unparsed });
}

export const parseDmesg: (text: string) => ParseResult<DmesgOutput> = guarded('dmesg', parse);
