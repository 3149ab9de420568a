import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseVmList, type VmList } from '../../src/commands/parsers/vm-list';

/** As column(1) lays out vm-bhyve's `printf "%s^%s…"` rows: each column as wide as its widest cell, plus two. */
function columnT(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 2))).join('')).join('\n')}\n`;
}

const HEADER = ['NAME', 'DATASTORE', 'LOADER', 'CPU', 'MEMORY', 'VNC', 'AUTO', 'STATE'];

function ok(text: string): VmList {
  const result = parseVmList(text);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('vm list', () => {
  it('reads each guest, its autostart order and whether it runs (cells with spaces included)', () => {
    const text = columnT([
      HEADER,
      ['cuda', 'default', 'uefi', '2', '5G', '-', 'Yes [1]', 'Running (2345)'],
      ['freebsd-test', 'default', 'bhyveload', '1', '512M', '-', 'No', 'Stopped'],
      ['shared', 'nfs', 'grub', '2', '1G', '-', 'No', 'Locked (x230)'],
    ]);
    expect(ok(text)).toEqual({
      guests: [
        { name: 'cuda', datastore: 'default', loader: 'uefi', cpus: 2, memory: '5G', autostart: { order: 1 }, state: 'running', pid: 2345, line: 2 },
        { name: 'freebsd-test', datastore: 'default', loader: 'bhyveload', cpus: 1, memory: '512M', autostart: null, state: 'stopped', pid: null, line: 3 },
        { name: 'shared', datastore: 'nfs', loader: 'grub', cpus: 2, memory: '1G', autostart: null, state: 'locked', pid: null, line: 4 },
      ],
      unparsed: [],
    });
  });

  it('reads no guests from the header alone, and refuses what is not vm list', () => {
    expect(ok(columnT([HEADER]))).toEqual({ guests: [], unparsed: [] });
    const refused = parseVmList('/usr/local/sbin/vm: vm_dir not set in /etc/rc.conf\n');
    expect(refused).toMatchObject({ ok: false, error: { code: 'unexpected-output' } });
    expect(parseVmList('')).toMatchObject({ ok: false });
  });

  it('keeps every guest when unknown lines are spliced in, and reports those lines', () => {
    const state = fc.constantFrom<[string, string]>(['Running (42)', 'running'], ['Stopped', 'stopped'], ['Bootloader', 'bootloader']);
    const guest = fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9_-]{0,11}$/), cpu: fc.integer({ min: 1, max: 8 }), state });
    const junk = fc.stringMatching(/^[A-Za-z!?][ -~]{0,40}$/).filter((s) => !/^\S+\s+\S+\s+\S+/.test(s));
    fc.assert(
      fc.property(fc.uniqueArray(guest, { minLength: 1, maxLength: 6, selector: (g) => g.name }), fc.array(fc.tuple(fc.nat(), junk), { maxLength: 3 }), (guests, inserts) => {
        const rows = guests.map((g) => [g.name, 'default', 'uefi', String(g.cpu), '1G', '-', 'No', g.state[0]]);
        const lines = columnT([HEADER, ...rows]).trimEnd().split('\n');
        // Spliced below the header, where rows are; a line that happens to fit the columns is no junk.
        for (const [at, text] of inserts) lines.splice(1 + (at % lines.length), 0, text);
        const parsed = ok(`${lines.join('\n')}\n`);
        expect(parsed.guests.map((g) => [g.name, g.cpus, g.state])).toEqual(guests.map((g) => [g.name, g.cpu, g.state[1]]));
        expect(parsed.unparsed.map((u) => u.text).sort()).toEqual(inserts.map(([, t]) => t).filter((t) => t.trim() !== '').sort());
      }),
      { seed: 20261203, numRuns: 200 },
    );
  });
});
