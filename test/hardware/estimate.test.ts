import { describe, expect, it } from 'vitest';
import { estimate, parseLinkSpec, parseSize } from '../../src/hardware/estimate';

describe('parseSize', () => {
  it.each([
    ['6GiB', 6 * 1024 ** 3],
    ['6.5 GB', 6.5e9],
    ['4096MiB', 4096 * 1024 ** 2],
    ['123', 123],
  ])('%s', (text, bytes) => expect(parseSize(text)).toBe(bytes));
  it.each(['', 'six GiB', '6 parsecs', '-1GB', '0', '1e9'])('refuses %j', (text) => expect(parseSize(text)).toBeNull());
});

describe('parseLinkSpec', () => {
  it('reads x1@5.0', () => expect(parseLinkSpec('x1@5.0')).toEqual({ width: 1, gts: 5 }));
  it.each(['x3@5.0', 'x1@4.0', '1@5', 'x1', ''])('refuses %j', (text) => expect(parseLinkSpec(text)).toBeNull());
});

describe('estimate', () => {
  it('gives the X220 figures: a 6 GB model loads in 12–15 s, generation is bound by 192 GB/s', () => {
    const e = estimate(6e9, { width: 1, gts: 5 });
    expect(e.loadSeconds.theoretical).toBe(12);
    expect(e.loadSeconds.practicalLow).toBeCloseTo(13.3, 1);
    expect(e.loadSeconds.practicalHigh).toBe(15);
    expect(e.generationCeilingTokensPerSecond).toBe(32);
  });

  it('doubles the load time on a Gen1 link, and leaves generation alone', () => {
    const gen2 = estimate(6e9, { width: 1, gts: 5 });
    const gen1 = estimate(6e9, { width: 1, gts: 2.5 });
    expect(gen1.loadSeconds.theoretical).toBe(2 * gen2.loadSeconds.theoretical);
    expect(gen1.generationCeilingTokensPerSecond).toBe(gen2.generationCeilingTokensPerSecond);
  });
});
