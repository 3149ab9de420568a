import { z } from 'zod';
import { Message } from '../contract/messages';

/**
 * The diagnosis engine's contract: raw outputs in, findings out. The finding ids and the shape of a finding's
 * evidence are part of the CLI contract (`egpu-wizard diagnose --json`), so they only ever grow.
 */

/** Where an output came from; also the name used on the CLI (`--from-files dmesg=FILE`). */
export const SourceName = z.enum([
  'pciconf',
  'dmesg',
  'dmesg-boot',
  'kldstat',
  'kenv',
  'sysctl',
  'pkg-query',
  'nvidia-smi',
  'nvidia-smi-csv',
  'llama',
  'acpidump',
  'ollama-log',
]);
export type SourceName = z.infer<typeof SourceName>;

/** One raw output, exactly as the tool printed it. */
export const RawOutput = z
  .object({
    source: SourceName,
    text: z.string(),
    /** Where it came from, for people: the argv that ran or the file it was read from. */
    origin: z.string().max(1000).nullable(),
  })
  .strict();
export type RawOutput = z.infer<typeof RawOutput>;

/** At most one output per source; every source is optional. */
export const DiagnosisInput = z
  .object({ outputs: z.array(RawOutput) })
  .strict()
  .refine((input) => new Set(input.outputs.map((o) => o.source)).size === input.outputs.length, 'each source at most once');
export type DiagnosisInput = z.infer<typeof DiagnosisInput>;

export const FindingId = z.enum([
  'gpu-not-enumerated',
  'gpu-no-driver',
  'pci-window-alloc-failed',
  'pci-bar-alloc-failed',
  'nvidia-version-mismatch',
  'nvidia-legacy-branch',
  'nvidia-xid',
  'link-degraded',
  'gpu-hot',
  'msi-blacklisted',
  'cuda-cpu-fallback',
  'gpu-reserved-for-passthrough',
  'iommu-missing',
  'ollama-arch-unsupported',
]);
export type FindingId = z.infer<typeof FindingId>;

export const Severity = z.enum(['error', 'warn', 'info']);
export type Severity = z.infer<typeof Severity>;

/** One line of an input that proves a finding; `line` is 1-based, as in the input file. */
export const EvidenceRef = z
  .object({ source: SourceName, line: z.number().int().positive(), text: z.string().max(4000) })
  .strict();
export type EvidenceRef = z.infer<typeof EvidenceRef>;

/** A device or bridge as far as the inputs name it: the newbus name (`pcib3`), the selector, or both. */
export const DeviceRef = z
  .object({
    name: z.string().nullable(),
    selector: z.string().regex(/^pci\d+:\d+:\d+:\d+$/).nullable(),
    description: z.string().nullable(),
  })
  .strict();
export type DeviceRef = z.infer<typeof DeviceRef>;

/** Configuration plans the wizard can build and apply through its change mechanism (src/config). */
export const PlanRef = z.enum(['realloc-bars', 'dsdt-override']);
export type PlanRef = z.infer<typeof PlanRef>;

export const FixStatus = z.enum([
  /** Not done yet, as far as the inputs show. */
  'open',
  /** Already in force on this machine (and the finding is still there, so it did not help on its own). */
  'in-force',
]);
export type FixStatus = z.infer<typeof FixStatus>;

const fixFields = {
  /** Stable within a finding: `power-first`, `realloc-bars`, `free-address-space`… */
  id: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/),
  title: Message,
  /** What to do and why, in the order a careful person would try the fixes. */
  instruction: Message,
  /** What can go wrong; null for a harmless fix. */
  risk: Message.nullable(),
  status: FixStatus,
};

export const Fix = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manual'), ...fixFields }).strict(),
  /** The wizard can write this change itself (shown as a diff first); `plan` names the builder. */
  z.object({ kind: z.literal('plan'), plan: PlanRef, ...fixFields }).strict(),
]);
export type Fix = z.infer<typeof Fix>;

export const Finding = z
  .object({
    id: FindingId,
    severity: Severity,
    title: Message,
    explanation: Message,
    /** Honest limits and side remarks ("the wizard cannot write the DSDT for you"). */
    notes: z.array(Message),
    evidence: z.array(EvidenceRef),
    /** The device the finding is about (usually the GPU), when the inputs name it. */
    device: DeviceRef.nullable(),
    /** The bridges it concerns: the one that failed, or the ones above the device. */
    bridges: z.array(DeviceRef),
    /** Ordered: try the first one first. */
    fixes: z.array(Fix),
  })
  .strict();
export type Finding = z.infer<typeof Finding>;

/** An input the engine could not use, so a missing finding is never mistaken for a clean bill of health. */
export const UnreadableInput = z
  .object({ source: SourceName, message: z.string(), line: z.number().int().positive().nullable() })
  .strict();
export type UnreadableInput = z.infer<typeof UnreadableInput>;

export const Diagnosis = z
  .object({
    findings: z.array(Finding),
    /** The sources that were given and read. */
    sources: z.array(SourceName),
    unreadable: z.array(UnreadableInput),
  })
  .strict();
export type Diagnosis = z.infer<typeof Diagnosis>;
