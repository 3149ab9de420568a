import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Collects what the CLI writes to stdout and stderr during each test of the calling file (the CLI writes
 * through process.stdout/stderr directly). Read `output.out` / `output.err` after a call to main().
 */
export function captureOutput(): { out: string[]; err: string[] } {
  const output = { out: [] as string[], err: [] as string[] };
  beforeEach(() => {
    output.out = [];
    output.err = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.out.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.err.push(String(chunk));
      return true;
    });
  });
  afterEach(() => vi.restoreAllMocks());
  return output;
}
