import { linkBytesPerSecond } from './pcie-link';

/** Tesla P4: 8 GB GDDR5 on a 256-bit bus, 192 GB/s (NVIDIA's data sheet). */
export const P4_MEMORY_BYTES_PER_SECOND = 192e9;

/**
 * What a link moves in practice, as a share of its coded rate: packet headers and flow control take the
 * rest. 0.8–0.9 is what x1 Gen2 adapters measure (400–450 MB/s of 500).
 */
export const LINK_EFFICIENCY = { low: 0.8, high: 0.9 } as const;

const UNITS: Record<string, number> = {
  b: 1,
  k: 1e3, kb: 1e3, kib: 1024,
  m: 1e6, mb: 1e6, mib: 1024 ** 2,
  g: 1e9, gb: 1e9, gib: 1024 ** 3,
  t: 1e12, tb: 1e12, tib: 1024 ** 4,
};

/** "6GiB", "6.5 GB", "4096MiB", "123456789" → bytes; null for anything else. */
export function parseSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!match?.[1]) return null;
  const unit = UNITS[(match[2] ?? '').toLowerCase() || 'b'];
  if (unit === undefined) return null;
  const bytes = Number(match[1]) * unit;
  return Number.isFinite(bytes) && bytes > 0 ? Math.round(bytes) : null;
}

/** "x1@5.0" or "x16@8" → lanes and GT/s; only widths and speeds PCI Express has. */
export function parseLinkSpec(text: string): { width: number; gts: number } | null {
  const match = /^x(\d+)@(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!match?.[1] || !match[2]) return null;
  const width = Number(match[1]);
  const gts = Number(match[2]);
  if (![1, 2, 4, 8, 12, 16, 32].includes(width) || ![2.5, 5, 8, 16, 32, 64].includes(gts)) return null;
  return { width, gts };
}

export interface Estimate {
  modelBytes: number;
  link: { width: number; gts: number; bytesPerSecond: number };
  /** Seconds to move the model over the link: at the coded rate, and the practical range. */
  loadSeconds: { theoretical: number; practicalLow: number; practicalHigh: number };
  /**
   * The ceiling for generation: each token reads (roughly) every weight once from GPU memory, so tokens/s
   * cannot exceed memory bandwidth ÷ model bytes. The link does not matter once the model is loaded.
   */
  generationCeilingTokensPerSecond: number;
  memoryBytesPerSecond: number;
}

export function estimate(modelBytes: number, link: { width: number; gts: number }, memoryBytesPerSecond = P4_MEMORY_BYTES_PER_SECOND): Estimate {
  const bytesPerSecond = linkBytesPerSecond(link.width, link.gts);
  return {
    modelBytes,
    link: { ...link, bytesPerSecond },
    loadSeconds: {
      theoretical: modelBytes / bytesPerSecond,
      practicalLow: modelBytes / (bytesPerSecond * LINK_EFFICIENCY.high),
      practicalHigh: modelBytes / (bytesPerSecond * LINK_EFFICIENCY.low),
    },
    generationCeilingTokensPerSecond: memoryBytesPerSecond / modelBytes,
    memoryBytesPerSecond,
  };
}
