import { describe, expect, it } from 'vitest';
import { pkgProblem } from '../../src/commands/pkg/problems';
import { pkgProgress } from '../../src/commands/pkg/progress';

describe('pkg progress from its own lines', () => {
  it('moves through fetching, then installing, ending at the total', () => {
    const lines = [
      'Updating FreeBSD repository catalogue...',
      '[1/2] Fetching nvidia-driver-580-580.105.08.pkg: .......... done',
      '[2/2] Fetching linux-nvidia-libs-580-580.105.08.pkg: .......... done',
      'Checking integrity... done (0 conflicting)',
      '[1/2] Installing nvidia-driver-580-580.105.08...',
      '[1/2] Extracting nvidia-driver-580-580.105.08: .......... done',
      '[2/2] Upgrading linux-nvidia-libs-580 from 580.95.05 to 580.105.08...',
      '[2/2] Extracting linux-nvidia-libs-580-580.105.08: .......... done',
    ];
    const seen = lines.map(pkgProgress).filter((p) => p !== null);
    expect(seen.map((p) => p.done)).toEqual([1, 2, 2, 3, 3, 4]);
    expect(seen.every((p) => p.total === 4)).toBe(true);
    expect(seen[0]?.label).toBe('Fetching nvidia-driver-580-580.105.08');
    expect(seen[4]?.label).toBe('Upgrading linux-nvidia-libs-580');
  });

  it('ignores lines that only look similar', () => {
    expect(pkgProgress('[0/2] Fetching x.pkg: done')).toBeNull();
    expect(pkgProgress('[3/2] Fetching x.pkg: done')).toBeNull();
    expect(pkgProgress('Fetching x.pkg: done')).toBeNull();
    expect(pkgProgress('[1/2] Deleting foo')).toBeNull();
  });
});

describe('what a pkg failure means', () => {
  const cases: Array<[string, string, ReturnType<typeof pkgProblem>]> = [
    ['pkg: https://pkg.FreeBSD.org/FreeBSD:14:amd64/quarterly/meta.conf: No address record\nUnable to update repository FreeBSD\n', '', 'network'],
    ['pkg: Cannot get an advisory lock on a database, it is locked by another process\n', '', 'locked'],
    ['pkg: Not enough space in /usr/local, needed 612 MiB available 80 MiB\n', '', 'no-space'],
    ["pkg: Repository FreeBSD missing. 'pkg update' required\n", '', 'no-catalogue'],
    ["pkg: No packages available to install matching 'cuda' have been found in the repositories\n", '', 'not-found'],
    ['pkg: Insufficient privileges to install packages\n', '', 'privileges'],
    ['pkg: something nobody has seen\n', '', null],
  ];
  it.each(cases)('%s → %s', (stderr, stdout, kind) => {
    expect(pkgProblem({ stdout, stderr })).toBe(kind);
  });
});
