import { z } from 'zod';
import { parseFailure, validated, type ParseResult } from '../parse-result';
import { guarded, lineFailure, precheck, quote, safeInt, splitLines } from './text';

/**
 * `pciconf -l` with any of `-v`, `-b`, `-c` (old and current FreeBSD releases). Format, from
 * usr.sbin/pciconf/pciconf.c and cap.c:
 *
 *   vgapci1@pci0:5:0:0:<TAB>class=0x030200 rev=0xa1 hdr=0x00 vendor=0x10de device=0x1bb3 subvendor=0x10de subdevice=0x11d8
 *       vendor     = 'NVIDIA Corporation'                                   (-v)
 *       device     = 'GP104GL [Tesla P4]'                                   (-v, only if the database knows it)
 *       class      = display                                                (-v)
 *       subclass   = 3D                                                     (-v)
 *       bar   [10] = type Memory, range 32, base 0xf3000000, size 16777216, enabled      (-b)
 *       cap 10[68] = PCI-Express 2 endpoint max data 128(256) RO NS                     (-c)
 *                    max read 512
 *                    link x1(x16) speed 5.0(8.0) ASPM disabled(L0s/L1)
 *       ecap 0002[100] = VC 1 max VC0                                                    (-c)
 *
 * FreeBSD before 13 prints `card=0xSSSSVVVV chip=0xDDDDVVVV` in the header instead of the four ids.
 * pciconf itself prints no blank lines, but collected reports often separate devices with one; blank lines
 * are ignored. Lines of options the wizard does not use (-B bridge windows, -e errors, -V VPD) are tolerated
 * but not interpreted. Anything else is a parse error: this parser never guesses.
 */

const hex = (digits: number) => z.string().regex(new RegExp(`^0x[0-9a-f]{${digits}}$`));

export const PciBar = z
  .object({
    /** Config-space register of the BAR, e.g. "0x10". */
    reg: hex(2),
    type: z.enum(['Memory', 'Prefetchable Memory', 'I/O Port']),
    /** Address width in bits (32, 64, 20 for old 1MB BARs; -1 when the type bits are reserved). */
    range: z.number().int(),
    base: z.string().regex(/^0x[0-9a-f]+$/),
    size: z.number().int().nonnegative(),
    enabled: z.boolean(),
  })
  .strict();
export type PciBar = z.infer<typeof PciBar>;

export const PciCapability = z
  .object({
    /** `cap` = standard capability list, `ecap` = PCI-Express extended capability. */
    kind: z.enum(['cap', 'ecap']),
    /** "0x10" for a standard capability, "0x0002" for an extended one. */
    id: z.string().regex(/^0x(?:[0-9a-f]{2}|[0-9a-f]{4})$/),
    offset: z.string().regex(/^0x[0-9a-f]{2,3}$/),
    text: z.string(),
    /** Continuation lines (max read, link, slot, MSI-X table…), trimmed. */
    extraLines: z.array(z.string()),
  })
  .strict();
export type PciCapability = z.infer<typeof PciCapability>;

export const PciExpressLink = z
  .object({
    /** Negotiated lanes; 0 means the link is down (nothing in the slot). */
    linkWidth: z.number().int().nonnegative(),
    maxLinkWidth: z.number().int().nonnegative(),
    /** Negotiated speed in GT/s as printed; 0 when the link is down, null when pciconf printed none or "undef". */
    linkSpeedGTs: z.number().nonnegative().nullable(),
    maxLinkSpeedGTs: z.number().nonnegative().nullable(),
  })
  .strict();
export type PciExpressLink = z.infer<typeof PciExpressLink>;

export const PciDevice = z
  .object({
    /** As printed before the `@`, e.g. "vgapci1" or "none3". */
    name: z.string().min(1),
    /** The attached driver instance, null for `noneN` (no driver attached). */
    driver: z.string().min(1).nullable(),
    selector: z.string().regex(/^pci\d+:\d+:\d+:\d+$/),
    class: hex(6),
    rev: hex(2),
    hdr: hex(2),
    vendorId: hex(4),
    deviceId: hex(4),
    subvendorId: hex(4),
    subdeviceId: hex(4),
    vendor: z.string().nullable(),
    device: z.string().nullable(),
    classDesc: z.string().nullable(),
    subclassDesc: z.string().nullable(),
    bars: z.array(PciBar),
    pcie: PciExpressLink.nullable(),
    /** Words after `PCI-Express N`: "root port", "endpoint", "legacy endpoint", "upstream port"… */
    pcieRole: z.string().nullable(),
    capabilities: z.array(PciCapability),
    domain: z.number().int().nonnegative(),
    bus: z.number().int().nonnegative(),
    slot: z.number().int().nonnegative(),
    func: z.number().int().nonnegative(),
    /** 1-based line of the device's header line. */
    line: z.number().int().positive(),
  })
  .strict();
export type PciDevice = z.infer<typeof PciDevice>;

export const PciconfOutput = z.object({ devices: z.array(PciDevice) }).strict();
export type PciconfOutput = z.infer<typeof PciconfOutput>;

const HEADER = /^([A-Za-z_][A-Za-z0-9_.-]*?\d+)@pci(\d+):(\d+):(\d+):(\d+):[\t ]+(\S.*)$/;
const HEADER_START = /^[A-Za-z_][A-Za-z0-9_.-]*@/;
const VERBOSE_NAME = /^ {4}(vendor|device) +=(?: '(.*)')?$/;
const VERBOSE_CLASS = /^ {4}(class|subclass) +=(?: (.*))?$/;
const BAR =
  /^ {4}bar +\[([0-9a-f]{2})\] = type (Memory|Prefetchable Memory|I\/O Port), range +(-?\d+), base (0x[0-9a-f]+|0), size +(\d+), (enabled|disabled)$/;
const CAP = /^ {4}cap ([0-9a-f]{2})\[([0-9a-f]{2})\] =(?: (.*))?$/;
const ECAP = /^ {4}ecap ([0-9a-f]{4})\[([0-9a-f]{3})\] =(?: (.*))?$/;
const IOV_BAR = /^ {4}iov bar +\[/;

/** Order in which pciconf prints the parts of one device: -v, -b, -B, -c, -e, -V. */
const PHASE = { header: 0, verbose: 1, bars: 2, bridge: 3, caps: 4, errors: 5, vpd: 6 } as const;

/** Lines of `-B` (bridge windows), `-e` (error registers) and `-V` (VPD): tolerated, not interpreted. */
const OTHER_OPTIONS: ReadonlyArray<{ pattern: RegExp; phase: number }> = [
  { pattern: /^ {4}(?:bus range|decode) += /, phase: PHASE.bridge },
  { pattern: /^ {4}window\[[0-9a-f]{2}\] = /, phase: PHASE.bridge },
  { pattern: /^ {4}(?:PCI errors|Corrected|Fatal|Non-fatal) += /, phase: PHASE.errors },
  { pattern: /^ {4}VPD .*= /, phase: PHASE.vpd },
];
/** The keywords a body line can start with; a failing line that starts with one was probably cut short. */
const KNOWN_START = /^ {4}(?:vendor|device|class|subclass|bar|cap|ecap|iov bar|bus range|window|decode|VPD)\b/;

interface Draft {
  device: Omit<PciDevice, 'pcie' | 'pcieRole'>;
  /** Line index of each capability line, parallel to capabilities. */
  capLineIndexes: number[];
  /** Line index of every extra line, parallel to each capability's extraLines. */
  extraLineIndexes: number[][];
  phase: number;
  seen: Set<string>;
}

type HeaderIds = Pick<PciDevice, 'class' | 'rev' | 'hdr' | 'vendorId' | 'deviceId' | 'subvendorId' | 'subdeviceId'>;

/** The `key=0x…` part of the header, new (vendor/device/…) or old (card/chip) style. */
function parseHeaderIds(rest: string): HeaderIds | string {
  const fields = new Map<string, string>();
  for (const token of rest.split(/\s+/)) {
    const match = /^([a-z]+)=0x([0-9a-fA-F]+)$/.exec(token);
    if (!match) return `unexpected header field ${quote(token, 30)}`;
    const [, key = '', value = ''] = match;
    if (fields.has(key)) return `header field ${key} appears twice`;
    fields.set(key, value.toLowerCase());
  }
  const field = (key: string, digits: number): string | null => {
    const value = fields.get(key);
    return value !== undefined && value.length === digits ? value : null;
  };
  const cls = field('class', 6);
  const rev = field('rev', 2);
  const hdr = field('hdr', 2);
  if (cls === null || rev === null || hdr === null) return 'header lacks a complete class=, rev= or hdr= field';
  const vendor = field('vendor', 4);
  const device = field('device', 4);
  const subvendor = field('subvendor', 4);
  const subdevice = field('subdevice', 4);
  if (vendor !== null && device !== null && subvendor !== null && subdevice !== null) {
    return { class: `0x${cls}`, rev: `0x${rev}`, hdr: `0x${hdr}`, vendorId: `0x${vendor}`, deviceId: `0x${device}`, subvendorId: `0x${subvendor}`, subdeviceId: `0x${subdevice}` };
  }
  const chip = field('chip', 8);
  const card = field('card', 8);
  if (chip !== null && card !== null) {
    return {
      class: `0x${cls}`,
      rev: `0x${rev}`,
      hdr: `0x${hdr}`,
      vendorId: `0x${chip.slice(4)}`,
      deviceId: `0x${chip.slice(0, 4)}`,
      subvendorId: `0x${card.slice(4)}`,
      subdeviceId: `0x${card.slice(0, 4)}`,
    };
  }
  return 'header lacks complete vendor=/device=/subvendor=/subdevice= (or card=/chip=) fields';
}

function parseSpeed(text: string | undefined): number | null | undefined {
  if (text === undefined || text === 'undef') return null;
  const value = Number(text);
  return /^\d+\.\d+$/.test(text) && Number.isFinite(value) ? value : undefined;
}

const LINK = /^link x(\d+)\(x(\d+)\)(?: speed (\d+\.\d+|undef)\((\d+\.\d+|undef)\))?(?: ASPM [A-Za-z0-9/]+\([A-Za-z0-9/]+\))?(?: ClockPM (?:enabled|disabled))?$/;
/** FreeBSD 10-12 printed the widths at the end of the capability line and the speeds on the next line. */
const INLINE_LINK = / link x(\d+)\(x(\d+)\)$/;
const SPEED = /^speed (\d+\.\d+|undef)\((\d+\.\d+|undef)\)(?: ASPM [A-Za-z0-9/]+\([A-Za-z0-9/]+\))?(?: ClockPM (?:enabled|disabled))?$/;
const ROLE = /^PCI-Express (\d+) (.+?)(?: (?:MSI|IRQ) \d+)? max data /;

/** Role and link from the PCI-Express capability; an unreadable link line is an error, not a guess. */
function finishExpress(draft: Draft, lines: readonly string[]): { pcie: PciExpressLink | null; pcieRole: string | null } | ParseResult<never> {
  const caps = draft.device.capabilities;
  const index = caps.findIndex((cap) => cap.kind === 'cap' && cap.id === '0x10' && cap.text.startsWith('PCI-Express'));
  const cap = caps[index];
  if (cap === undefined) return { pcie: null, pcieRole: null };
  const role = ROLE.exec(cap.text);
  const pcieRole = role?.[2] ?? null;
  const extraIndexes = draft.extraLineIndexes[index] ?? [];
  const capLine = draft.capLineIndexes[index] ?? draft.device.line - 1;

  const link = (widths: [string, string], speeds: [string | undefined, string | undefined], lineIndex: number, shown: string) => {
    const linkWidth = safeInt(widths[0]);
    const maxLinkWidth = safeInt(widths[1]);
    const linkSpeedGTs = parseSpeed(speeds[0]);
    const maxLinkSpeedGTs = parseSpeed(speeds[1]);
    if (linkWidth === null || maxLinkWidth === null || linkSpeedGTs === undefined || maxLinkSpeedGTs === undefined) {
      return lineFailure(lines, lineIndex, `unreadable numbers in PCI-Express link ${quote(shown)}`);
    }
    return { pcie: { linkWidth, maxLinkWidth, linkSpeedGTs, maxLinkSpeedGTs }, pcieRole };
  };

  // Current layout: `link x1(x16) speed 2.5(5.0) …` on a line of its own.
  for (let i = 0; i < cap.extraLines.length; i++) {
    const extra = cap.extraLines[i] ?? '';
    if (!extra.startsWith('link ')) continue;
    const lineIndex = extraIndexes[i] ?? capLine;
    const match = LINK.exec(extra);
    if (!match) return lineFailure(lines, lineIndex, `unrecognised PCI-Express link line ${quote(extra)}`, true);
    return link([match[1] ?? '', match[2] ?? ''], [match[3], match[4]], lineIndex, extra);
  }
  // Older layouts: `… max data 128(128) link x1(x16)`, then (FreeBSD 10-12) `speed 2.5(5.0) …` below it.
  const inline = INLINE_LINK.exec(cap.text);
  if (!inline) return { pcie: null, pcieRole };
  const speedAt = cap.extraLines.findIndex((extra) => extra.startsWith('speed '));
  if (speedAt < 0) return link([inline[1] ?? '', inline[2] ?? ''], [undefined, undefined], capLine, cap.text);
  const speedLine = cap.extraLines[speedAt] ?? '';
  const lineIndex = extraIndexes[speedAt] ?? capLine;
  const speed = SPEED.exec(speedLine);
  if (!speed) return lineFailure(lines, lineIndex, `unrecognised PCI-Express speed line ${quote(speedLine)}`, true);
  return link([inline[1] ?? '', inline[2] ?? ''], [speed[1], speed[2]], lineIndex, speedLine);
}

function parse(text: string): ParseResult<PciconfOutput> {
  const rejected = precheck(text, 'pciconf');
  if (rejected) return rejected;
  const lines = splitLines(text);
  const drafts: Draft[] = [];
  const selectors = new Set<string>();
  let current: Draft | null = null;
  /** What a deeper-indented continuation line belongs to. */
  let owner: { cap: PciCapability; indexes: number[] } | 'tolerated' | null = null;

  const enter = (draft: Draft, phase: number, index: number, what: string): ParseResult<never> | null => {
    if (phase < draft.phase) return lineFailure(lines, index, `${what} line out of place for ${draft.device.name}`);
    draft.phase = phase;
    return null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trimEnd();
    if (line === '') continue;

    if (!/^\s/.test(line)) {
      const header = HEADER.exec(line);
      if (!header) return lineFailure(lines, i, `not a pciconf line: ${quote(line)}`, HEADER_START.test(line));
      const [, name = '', domainText = '', busText = '', slotText = '', funcText = '', rest = ''] = header;
      const ids = parseHeaderIds(rest);
      if (typeof ids === 'string') return lineFailure(lines, i, `${name}: ${ids}`, true);
      const [domain, bus, slot, func] = [domainText, busText, slotText, funcText].map(safeInt);
      if (domain == null || bus == null || slot == null || func == null) return lineFailure(lines, i, `${name}: unreadable selector`);
      const selector = `pci${domain}:${bus}:${slot}:${func}`;
      if (selectors.has(selector)) return lineFailure(lines, i, `${selector} is listed twice`);
      selectors.add(selector);
      current = {
        device: {
          name,
          driver: /^none\d+$/.test(name) ? null : name,
          selector,
          ...ids,
          vendor: null,
          device: null,
          classDesc: null,
          subclassDesc: null,
          bars: [],
          capabilities: [],
          domain,
          bus,
          slot,
          func,
          line: i + 1,
        },
        capLineIndexes: [],
        extraLineIndexes: [],
        phase: PHASE.header,
        seen: new Set(),
      };
      drafts.push(current);
      owner = null;
      continue;
    }

    if (current === null) return lineFailure(lines, i, `indented line before the first device: ${quote(line)}`);
    const draft: Draft = current;

    if (!/^ {4}\S/.test(line)) {
      // Deeper indentation (17 or 21 spaces, or tabs): the continuation of a capability.
      if (owner === null) return lineFailure(lines, i, `continuation line without a capability: ${quote(line)}`);
      if (owner !== 'tolerated') {
        owner.cap.extraLines.push(line.trim());
        owner.indexes.push(i);
      }
      continue;
    }

    const verboseName = VERBOSE_NAME.exec(line);
    const verboseClass = verboseName ? null : VERBOSE_CLASS.exec(line);
    const verbose = verboseName ?? verboseClass;
    if (verbose) {
      const [, key = '', value] = verbose;
      if (value === undefined) return lineFailure(lines, i, `${key} line without a value`, true);
      const failed = enter(draft, PHASE.verbose, i, key);
      if (failed) return failed;
      if (draft.seen.has(key)) return lineFailure(lines, i, `${key} given twice for ${draft.device.name}`);
      draft.seen.add(key);
      if (key === 'vendor') draft.device.vendor = value;
      else if (key === 'device') draft.device.device = value;
      else if (key === 'class') draft.device.classDesc = value;
      else draft.device.subclassDesc = value;
      owner = null;
      continue;
    }

    const bar = BAR.exec(line);
    if (bar) {
      const failed = enter(draft, PHASE.bars, i, 'bar');
      if (failed) return failed;
      const [, reg = '', type = '', rangeText = '', base = '', sizeText = '', state = ''] = bar;
      const size = safeInt(sizeText);
      const range = Number(rangeText);
      if (size === null || !Number.isInteger(range)) return lineFailure(lines, i, `unreadable numbers in bar line ${quote(line)}`);
      if (type !== 'Memory' && type !== 'Prefetchable Memory' && type !== 'I/O Port') return lineFailure(lines, i, `unknown bar type ${type}`);
      if (draft.device.bars.some((b) => b.reg === `0x${reg}`)) return lineFailure(lines, i, `bar ${reg} given twice`);
      draft.device.bars.push({ reg: `0x${reg}`, type, range, base: base === '0' ? '0x0' : base, size, enabled: state === 'enabled' });
      owner = null;
      continue;
    }

    const cap = CAP.exec(line);
    const ecap = cap ? null : ECAP.exec(line);
    const capMatch = cap ?? ecap;
    if (capMatch) {
      const failed = enter(draft, PHASE.caps, i, 'capability');
      if (failed) return failed;
      const [, id = '', offset = '', capText = ''] = capMatch;
      const entry: PciCapability = { kind: cap ? 'cap' : 'ecap', id: `0x${id}`, offset: `0x${offset}`, text: capText.trim(), extraLines: [] };
      const indexes: number[] = [];
      draft.device.capabilities.push(entry);
      draft.capLineIndexes.push(i);
      draft.extraLineIndexes.push(indexes);
      owner = { cap: entry, indexes };
      continue;
    }

    if (IOV_BAR.test(line)) {
      // SR-IOV VF BARs, printed inside the SR-IOV extended capability.
      const last = draft.device.capabilities[draft.device.capabilities.length - 1];
      if (owner === null || owner === 'tolerated' || last?.kind !== 'ecap') return lineFailure(lines, i, `iov bar line outside SR-IOV: ${quote(line)}`);
      owner.cap.extraLines.push(line.trim());
      owner.indexes.push(i);
      continue;
    }

    const other = OTHER_OPTIONS.find((option) => option.pattern.test(line));
    if (other) {
      const failed = enter(draft, other.phase, i, 'option');
      if (failed) return failed;
      owner = 'tolerated';
      continue;
    }

    return lineFailure(lines, i, `unrecognised pciconf line: ${quote(line)}`, KNOWN_START.test(line));
  }

  if (drafts.length === 0) return parseFailure('unexpected-output', 'pciconf listed no devices');

  const devices: PciDevice[] = [];
  for (const draft of drafts) {
    const express = finishExpress(draft, lines);
    if ('ok' in express) return express;
    devices.push({ ...draft.device, pcie: express.pcie, pcieRole: express.pcieRole });
  }
  return validated(PciconfOutput, { devices });
}

export const parsePciconf: (text: string) => ParseResult<PciconfOutput> = guarded('pciconf', parse);
