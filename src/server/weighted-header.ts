/** One entry of a weighted header such as Accept-Language or Accept-Encoding. */
export interface WeightedEntry {
  /** As sent, trimmed (`zh-CN`, `br`, `*`). */
  name: string;
  /** The `q` weight, 1 when none is given; an unreadable weight counts as 0, "not this". */
  weight: number;
  /** Its place in the header, for ties. */
  index: number;
}

/** `zh-CN,zh;q=0.9,en;q=0.8` or `gzip, br;q=0.5` → its entries in the order sent, empty names left out. */
export function weightedEntries(header: string): WeightedEntry[] {
  return header
    .split(',')
    .map((part, index) => {
      const [name = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q\s*=\s*(.*?)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      const weight = q === undefined ? 1 : /^[0-9.]+$/.test(q) ? Number(q) : 0;
      return { name: name.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.name !== '');
}
