import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/config/unified-diff';

/** Applies a diff with the system's patch(1): the diff is right if patch turns `before` into `after`. */
function applyWithPatch(before: string, diff: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'egpu-diff-'));
  const file = join(dir, 'file');
  writeFileSync(file, before);
  writeFileSync(join(dir, 'change.diff'), diff);
  execFileSync('patch', ['--quiet', '--batch', '--forward', file, join(dir, 'change.diff')]);
  return readFileSync(file, 'utf8');
}

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const POOL = ['# comment', 'nvidia_load="YES"', 'linux_enable="YES"', '', 'hw.pci.realloc_bars=1', 'kld_list="nvidia-modeset"', '\tindented', 'x="1" # why'];

describe('unifiedDiff', () => {
  it('shows an added line with its context, as diff -u does', () => {
    const before = 'a\nb\nc\nd\n';
    const after = 'a\nb\nnvidia_load="YES"\nc\nd\n';
    expect(unifiedDiff('/boot/loader.conf', before, after)).toBe(
      ['--- /boot/loader.conf', '+++ /boot/loader.conf', '@@ -1,4 +1,5 @@', ' a', ' b', '+nvidia_load="YES"', ' c', ' d', ''].join('\n'),
    );
  });

  it('is empty for equal texts and shows a new file against /dev/null', () => {
    expect(unifiedDiff('/etc/x', 'same\n', 'same\n')).toBe('');
    expect(unifiedDiff('/etc/devfs.rules', null, 'one\n')).toBe('--- /dev/null\n+++ /etc/devfs.rules\n@@ -0,0 +1 @@\n+one\n');
  });

  it('marks a missing final newline', () => {
    expect(unifiedDiff('/f', 'a', 'a\nb\n')).toContain('\\ No newline at end of file');
    expect(applyWithPatch('a', unifiedDiff('/f', 'a', 'a\nb\n'))).toBe('a\nb\n');
  });

  it('produces diffs that patch(1) applies exactly, for many random edits', () => {
    const next = random(20261125);
    const pick = () => POOL[Math.floor(next() * POOL.length)] ?? '';
    for (let round = 0; round < 300; round++) {
      const before = Array.from({ length: Math.floor(next() * 30) }, pick);
      const after = [...before];
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * (after.length + 1));
        const kind = next();
        if (kind < 0.4) after.splice(at, 0, pick());
        else if (kind < 0.7) after.splice(at, 1);
        else after[at] = `changed ${round}.${e}`;
      }
      const a = before.length ? `${before.join('\n')}\n` : '';
      const b = after.length ? `${after.join('\n')}\n` : '';
      const diff = unifiedDiff('/boot/loader.conf', a, b);
      if (a === b) expect(diff).toBe('');
      else expect(applyWithPatch(a, diff), `round ${round}`).toBe(b);
    }
  });
});
