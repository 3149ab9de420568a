import { z } from 'zod';
import type { DmesgLine } from './dmesg';

/**
 * The NVIDIA driver's kernel messages that name a cause, recognised from the `NVRM:` lines the dmesg parser
 * collects. The driver wraps one message over several lines (see nvidia's nv.c / nv-freebsd.h), so a
 * message is read from its first line plus the lines right after it:
 *
 *   API mismatch   NVRM: API mismatch: the client has the version 460.67, but
 *                  NVRM: this kernel module has the version 460.56.  Please …
 *   legacy branch  NVRM: The NVIDIA GeForce GT 710 GPU installed in this system is
 *                  NVRM:  supported through the NVIDIA 470.xx Legacy drivers. Please
 *                  NVRM:  visit http://www.nvidia.com/object/unix.html for more
 *                  NVRM:  information.  The 510.60.02 NVIDIA driver will ignore …
 *   Xid            NVRM: Xid (PCI:0000:01:00): 69, Class Error: ChId 0002, …
 */

const Lines = z.array(z.number().int().positive()).min(1);

export const ApiMismatch = z
  .object({ kind: z.literal('api-mismatch'), client: z.string(), kernel: z.string(), lines: Lines, text: z.string() })
  .strict();
export const LegacyBranch = z
  .object({
    kind: z.literal('legacy-branch'),
    gpu: z.string(),
    /** The branch that still supports the card: "470", "390", "340". */
    branch: z.string().regex(/^\d+$/),
    /** The driver that ignored the card, when the message names it. */
    driverVersion: z.string().nullable(),
    lines: Lines,
    text: z.string(),
  })
  .strict();
export const XidError = z
  .object({
    kind: z.literal('xid'),
    /** `PCI:0000:01:00` as the driver prints it: domain, bus, slot. */
    pci: z.string(),
    code: z.number().int().nonnegative(),
    detail: z.string(),
    lines: Lines,
    text: z.string(),
  })
  .strict();

export const NvrmMessage = z.discriminatedUnion('kind', [ApiMismatch, LegacyBranch, XidError]);
export type NvrmMessage = z.infer<typeof NvrmMessage>;

const MISMATCH = /^NVRM: API mismatch: the client has the version (\S+?),? but\s+NVRM: this kernel module has the version (\S+?)\.?\s/;
const LEGACY = /^NVRM: The NVIDIA (.+?) GPU installed in this system is\s+NVRM:\s+supported through the NVIDIA (\d+)\.xx Legacy drivers\./;
const LEGACY_DRIVER = /The (\d+(?:\.\d+)+) NVIDIA driver will ignore/;
const XID = /^NVRM: Xid \((PCI:[0-9a-fA-F:.]+)\): (\d+), ?(.*)$/;

/** How many lines a wrapped message spans at most (the legacy notice is five). */
const SPAN = 5;

/** The NVRM lines that continue the message starting at `start` (consecutive line numbers only). */
function block(nvrm: readonly DmesgLine[], start: number): DmesgLine[] {
  const lines: DmesgLine[] = [];
  for (let i = start; i < nvrm.length && lines.length < SPAN; i++) {
    const line = nvrm[i];
    if (line === undefined) break;
    const previous = lines[lines.length - 1];
    if (previous !== undefined && line.line !== previous.line + 1) break;
    lines.push(line);
  }
  return lines;
}

/** Every recognised message in the order the kernel printed them; repeats stay (each probe prints again). */
export function recogniseNvrm(nvrm: readonly DmesgLine[]): NvrmMessage[] {
  const found: NvrmMessage[] = [];
  nvrm.forEach((first, index) => {
    const xid = XID.exec(first.text.trimEnd());
    if (xid) {
      const [, pci = '', code = '0', detail = ''] = xid;
      found.push({ kind: 'xid', pci, code: Number(code), detail, lines: [first.line], text: first.text });
      return;
    }
    if (!first.text.startsWith('NVRM: API mismatch') && !first.text.startsWith('NVRM: The NVIDIA ')) return;
    const lines = block(nvrm, index);
    const joined = lines.map((l) => l.text.trimEnd()).join(' ');
    const mismatch = MISMATCH.exec(`${joined} `);
    if (mismatch) {
      const [, client = '', kernel = ''] = mismatch;
      found.push({ kind: 'api-mismatch', client, kernel, lines: lines.slice(0, 4).map((l) => l.line), text: joined });
      return;
    }
    const legacy = LEGACY.exec(joined);
    if (legacy) {
      const [, gpu = '', branch = ''] = legacy;
      const driver = LEGACY_DRIVER.exec(joined);
      found.push({ kind: 'legacy-branch', gpu, branch, driverVersion: driver?.[1] ?? null, lines: lines.map((l) => l.line), text: joined });
    }
  });
  return found;
}
