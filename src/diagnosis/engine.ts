import { buildContext } from './context';
import { driverFindings } from './rules/driver';
import { error12Findings } from './rules/error12';
import { passthroughFindings } from './rules/passthrough';
import { runtimeFindings } from './rules/runtime';
import { ollamaFindings } from './rules/ollama';
import { Diagnosis, type DiagnosisInput, type Finding, type FindingId } from './types';

/**
 * Most likely cause first: a GPU missing from the bus explains everything after it; a bridge window that
 * failed explains the BARs that failed below it, which explain a driver that could not attach; a wrong
 * driver branch or version explains the same; Xid errors, link, heat, interrupts and CUDA come after.
 */
const CAUSAL_ORDER: readonly FindingId[] = [
  'gpu-not-enumerated',
  'pci-window-alloc-failed',
  'pci-bar-alloc-failed',
  'nvidia-legacy-branch',
  'nvidia-version-mismatch',
  'gpu-no-driver',
  'nvidia-xid',
  'gpu-hot',
  'link-degraded',
  'msi-blacklisted',
  'ollama-arch-unsupported',
  'cuda-cpu-fallback',
  'gpu-reserved-for-passthrough',
  'iommu-missing',
];
const SEVERITY_ORDER = { error: 0, warn: 1, info: 2 } as const;

const rank = (f: Finding): [number, number] => [SEVERITY_ORDER[f.severity], CAUSAL_ORDER.indexOf(f.id)];

/** Evidence as a reader follows it: grouped by source (in order of first mention), each group in line order. */
function readingOrder(finding: Finding): Finding {
  const sources = [...new Set(finding.evidence.map((e) => e.source))];
  const evidence = [...finding.evidence].sort((a, b) => sources.indexOf(a.source) - sources.indexOf(b.source) || a.line - b.line);
  return { ...finding, evidence };
}

/** Pure: the findings the given outputs prove, ordered most likely cause first. */
export function diagnoseOutputs(input: DiagnosisInput): Diagnosis {
  const { context, unreadable } = buildContext(input);
  const error12 = error12Findings(context);
  const explained = new Set(error12.filter((f) => f.severity === 'error').map((f) => f.id));
  const findings = [...error12, ...driverFindings(context, explained), ...runtimeFindings(context), ...passthroughFindings(context), ...ollamaFindings(context)].map(readingOrder);
  // A stable sort keeps each rule's own order (the bridge nearest the GPU first) within a rank.
  const ordered = findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => {
      const [sa, ca] = rank(a.finding);
      const [sb, cb] = rank(b.finding);
      return sa - sb || ca - cb || a.index - b.index;
    })
    .map((entry) => entry.finding);
  return Diagnosis.parse({ findings: ordered, sources: context.sources, unreadable });
}
