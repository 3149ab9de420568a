import { z } from 'zod';
import { parseFailure, Unparsed, validated, type ParseResult, type UnparsedLine } from '../parse-result';
import { cutOff, guarded, hasBinary, quote, refuseNonText, safeInt, splitLines } from './text';

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
 * are ignored. Reports from FreeBSD 8-10 (and pastes that lost their indentation) print body lines
 * unindented, e.g. `ecap 0002[100] = VC 1 max VC1`: they belong to the device above. Lines of options the
 * wizard does not use (-B bridge windows, -e errors, -V VPD) are tolerated but not interpreted.
 *
 * This parser never guesses: a line it does not know, or a known one out of place, is set aside in
 * `unparsed` and the devices are read as if it were not there. A line that looks like a device header but
 * cannot be read is set aside with the lines below it, which belong to that device and not the one above.
 * Refused whole: input with no readable device header (not pciconf output at all), binary input, and
 * output cut off in the middle of its last line.
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

export const PciconfOutput = z.object({ devices: z.array(PciDevice), unparsed: Unparsed }).strict();
export type PciconfOutput = z.infer<typeof PciconfOutput>;

const HEADER = /^([A-Za-z_][A-Za-z0-9_.-]*?\d+)@pci(\d+):(\d+):(\d+):(\d+):[\t ]+(\S.*)$/;
/** A line that is a device header, readable or not. */
const HEADER_LIKE = /^[A-Za-z_][A-Za-z0-9_.-]*@\S/;
/** The start of a header: as the last line without a newline, a header cut short. */
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
/** The keywords a body line can start with; a failing last line that starts with one was probably cut short. */
const KNOWN_START = /^ {4}(?:vendor|device|class|subclass|bar|cap|ecap|iov bar|bus range|window|decode|VPD)\b|^ {4}\S+$/;
/** Body lines printed unindented (FreeBSD 8-10 `ecap` lines, pastes that lost their indentation). */
const UNINDENTED_BODY = /^(?:vendor|device|class|subclass) +=|^bar +\[|^e?cap [0-9a-f]+\[/;

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
  for (const token of rest.trim().split(/\s+/)) {
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

type Express = { pcie: PciExpressLink | null; pcieRole: string | null; unreadLine?: number };

/**
 * Role and link from the PCI-Express capability. A link or speed line that cannot be read leaves the link
 * unknown (null) and names its line index in `unreadLine`: the caller sets it aside, or refuses the output
 * when it is the cut-off last line.
 */
function finishExpress(draft: Draft): Express {
  const caps = draft.device.capabilities;
  const index = caps.findIndex((cap) => cap.kind === 'cap' && cap.id === '0x10' && cap.text.startsWith('PCI-Express'));
  const cap = caps[index];
  if (cap === undefined) return { pcie: null, pcieRole: null };
  const role = ROLE.exec(cap.text);
  const pcieRole = role?.[2] ?? null;
  const extraIndexes = draft.extraLineIndexes[index] ?? [];
  const capLine = draft.capLineIndexes[index] ?? draft.device.line - 1;

  const link = (widths: [string, string], speeds: [string | undefined, string | undefined], lineIndex: number): Express => {
    const linkWidth = safeInt(widths[0]);
    const maxLinkWidth = safeInt(widths[1]);
    const linkSpeedGTs = parseSpeed(speeds[0]);
    const maxLinkSpeedGTs = parseSpeed(speeds[1]);
    if (linkWidth === null || maxLinkWidth === null || linkSpeedGTs === undefined || maxLinkSpeedGTs === undefined) {
      return { pcie: null, pcieRole, unreadLine: lineIndex };
    }
    return { pcie: { linkWidth, maxLinkWidth, linkSpeedGTs, maxLinkSpeedGTs }, pcieRole };
  };

  // Current layout: `link x1(x16) speed 2.5(5.0) …` on a line of its own.
  for (let i = 0; i < cap.extraLines.length; i++) {
    const extra = cap.extraLines[i] ?? '';
    if (!extra.startsWith('link ')) continue;
    const lineIndex = extraIndexes[i] ?? capLine;
    const match = LINK.exec(extra);
    if (!match) return { pcie: null, pcieRole, unreadLine: lineIndex };
    return link([match[1] ?? '', match[2] ?? ''], [match[3], match[4]], lineIndex);
  }
  // Older layouts: `… max data 128(128) link x1(x16)`, then (FreeBSD 10-12) `speed 2.5(5.0) …` below it.
  const inline = INLINE_LINK.exec(cap.text);
  if (!inline) return { pcie: null, pcieRole };
  const speedAt = cap.extraLines.findIndex((extra) => extra.startsWith('speed '));
  if (speedAt < 0) return link([inline[1] ?? '', inline[2] ?? ''], [undefined, undefined], capLine);
  const lineIndex = extraIndexes[speedAt] ?? capLine;
  const speed = SPEED.exec(cap.extraLines[speedAt] ?? '');
  if (!speed) return { pcie: null, pcieRole, unreadLine: lineIndex };
  return link([inline[1] ?? '', inline[2] ?? ''], [speed[1], speed[2]], lineIndex);
}

/** A device header read into the device it starts, or why the header-like line cannot be read. */
function readHeader(line: string, index: number, selectors: ReadonlySet<string>): Draft['device'] | string {
  const header = HEADER.exec(line);
  if (!header) return 'not a device header';
  const [, name = '', domainText = '', busText = '', slotText = '', funcText = '', rest = ''] = header;
  const ids = parseHeaderIds(rest);
  if (typeof ids === 'string') return `${name}: ${ids}`;
  const domain = safeInt(domainText);
  const bus = safeInt(busText);
  const slot = safeInt(slotText);
  const func = safeInt(funcText);
  if (domain === null || bus === null || slot === null || func === null) return `${name}: unreadable selector`;
  const selector = `pci${domain}:${bus}:${slot}:${func}`;
  if (selectors.has(selector)) return `${selector} is listed twice`;
  return {
    name,
    driver: /^none\d+$/.test(name) ? null : name,
    selector,
    class: ids.class,
    rev: ids.rev,
    hdr: ids.hdr,
    vendorId: ids.vendorId,
    deviceId: ids.deviceId,
    subvendorId: ids.subvendorId,
    subdeviceId: ids.subdeviceId,
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
    line: index + 1,
  };
}

/** Cheap test before reading line by line: text without one header-like line is no pciconf output. */
const HEADER_ANYWHERE = /^[A-Za-z_][A-Za-z0-9_.-]*@pci\d/m;

function notPciconf(lines: readonly string[]): ParseResult<never> {
  const first = lines.findIndex((l) => l.trim() !== '');
  return parseFailure('unexpected-output', `no device header line such as "vgapci0@pci0:1:0:0: class=0x030000 …" (first line: ${quote((lines[first] ?? '').trim())})`, first + 1);
}

function parse(text: string): ParseResult<PciconfOutput> {
  const refused = refuseNonText(text, 'pciconf');
  if (refused) return refused;
  const lines = splitLines(text);
  if (!HEADER_ANYWHERE.test(text)) return notPciconf(lines);
  const anyBinary = hasBinary(text);
  const drafts: Draft[] = [];
  const selectors = new Set<string>();
  const unparsed: UnparsedLine[] = [];
  /** The device body lines belong to; 'unreadable' after a header-like line that could not be read. */
  let current: Draft | 'unreadable' | null = null;
  /** What a deeper-indented continuation line belongs to. */
  let owner: { cap: PciCapability; indexes: number[] } | 'tolerated' | null = null;

  /** Sets a line aside, unless it is the cut-off last line of the output: then the whole output is refused. */
  const setAside = (index: number, line: string, looksCut: boolean): ParseResult<never> | null => {
    const cut = cutOff(text, lines, index, `pciconf line cannot be read: ${quote(line)}`, looksCut);
    if (cut) return cut;
    unparsed.push({ line: index + 1, text: lines[index] ?? '' });
    return null;
  };
  /** Moves the device to a later part of its listing; a part printed before an earlier one is out of place. */
  const enter = (draft: Draft, phase: number): boolean => {
    if (phase < draft.phase) return false;
    draft.phase = phase;
    return true;
  };

  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').trimEnd();
    if (raw === '') continue;
    if (anyBinary && hasBinary(raw)) {
      unparsed.push({ line: i + 1, text: lines[i] ?? '' });
      continue;
    }

    if (/^\S/.test(raw) && !UNINDENTED_BODY.test(raw)) {
      if (!HEADER_LIKE.test(raw)) {
        const failed = setAside(i, raw, HEADER_START.test(raw));
        if (failed) return failed;
        continue;
      }
      const device = readHeader(raw, i, selectors);
      owner = null;
      if (typeof device === 'string') {
        const failed = setAside(i, raw, true);
        if (failed) return failed;
        current = 'unreadable';
        continue;
      }
      selectors.add(device.selector);
      current = { device, capLineIndexes: [], extraLineIndexes: [], phase: PHASE.header, seen: new Set() };
      drafts.push(current);
      continue;
    }

    // A body line: 4 spaces (or none, in old reports) before a keyword, deeper for a continuation.
    const line = /^\S/.test(raw) ? `    ${raw}` : raw;
    if (current === null || current === 'unreadable') {
      const failed = setAside(i, raw, true);
      if (failed) return failed;
      continue;
    }
    const draft: Draft = current;

    if (!/^ {4}\S/.test(line)) {
      // Deeper indentation (17 or 21 spaces, or tabs): the continuation of a capability.
      if (owner === null) {
        const failed = setAside(i, raw, true);
        if (failed) return failed;
      } else if (owner !== 'tolerated') {
        owner.cap.extraLines.push(line.trim());
        owner.indexes.push(i);
      }
      continue;
    }

    const verbose = VERBOSE_NAME.exec(line) ?? VERBOSE_CLASS.exec(line);
    if (verbose) {
      const [, key = '', value] = verbose;
      if (value === undefined || draft.seen.has(key) || !enter(draft, PHASE.verbose)) {
        const failed = setAside(i, raw, KNOWN_START.test(line));
        if (failed) return failed;
        continue;
      }
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
      const [, reg = '', type = '', rangeText = '', base = '', sizeText = '', state = ''] = bar;
      const size = safeInt(sizeText);
      const range = Number(rangeText);
      const known = type === 'Memory' || type === 'Prefetchable Memory' || type === 'I/O Port';
      if (size === null || !Number.isInteger(range) || !known || draft.device.bars.some((b) => b.reg === `0x${reg}`) || !enter(draft, PHASE.bars)) {
        const failed = setAside(i, raw, KNOWN_START.test(line));
        if (failed) return failed;
        continue;
      }
      draft.device.bars.push({ reg: `0x${reg}`, type, range, base: base === '0' ? '0x0' : base, size, enabled: state === 'enabled' });
      owner = null;
      continue;
    }

    const cap = CAP.exec(line);
    const capMatch = cap ?? ECAP.exec(line);
    if (capMatch) {
      if (!enter(draft, PHASE.caps)) {
        const failed = setAside(i, raw, KNOWN_START.test(line));
        if (failed) return failed;
        continue;
      }
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
      if (owner === null || owner === 'tolerated' || last?.kind !== 'ecap') {
        const failed = setAside(i, raw, KNOWN_START.test(line));
        if (failed) return failed;
        continue;
      }
      owner.cap.extraLines.push(line.trim());
      owner.indexes.push(i);
      continue;
    }

    const other = OTHER_OPTIONS.find((option) => option.pattern.test(line));
    if (other && enter(draft, other.phase)) {
      owner = 'tolerated';
      continue;
    }

    // Unknown lines leave the state as it was: the lines around them are read as if they were not there.
    const failed = setAside(i, raw, KNOWN_START.test(line));
    if (failed) return failed;
  }

  if (drafts.length === 0) return notPciconf(lines);

  const devices: PciDevice[] = [];
  for (const draft of drafts) {
    const express = finishExpress(draft);
    if (express.unreadLine !== undefined) {
      const failed = setAside(express.unreadLine, lines[express.unreadLine] ?? '', true);
      if (failed) return failed;
    }
    devices.push({ ...draft.device, pcie: express.pcie, pcieRole: express.pcieRole });
  }
  unparsed.sort((a, b) => a.line - b.line);
  return validated(PciconfOutput, { devices, unparsed });
}

export const parsePciconf: (text: string) => ParseResult<PciconfOutput> = guarded('pciconf', parse);
