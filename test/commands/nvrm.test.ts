import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDmesg } from '../../src/commands/parsers/dmesg';
import { recogniseNvrm, type NvrmMessage } from '../../src/commands/parsers/nvrm';
import { sharedFixtureFiles } from '../fixtures-path';

const files = sharedFixtureFiles('dmesg');

function messagesOf(file: string): { text: string; messages: NvrmMessage[] } {
  const text = readFileSync(file, 'utf8');
  const parsed = parseDmesg(text);
  if (!parsed.ok) throw new Error(`${basename(file)}: ${parsed.error.message}`);
  return { text, messages: recogniseNvrm(parsed.value.nvrm) };
}

describe('recogniseNvrm on every shared dmesg', () => {
  for (const file of files) {
    const name = basename(file);
    it(`${name}: finds exactly the kinds its name promises, each pointing at its own lines`, () => {
      const { text, messages } = messagesOf(file);
      const kinds = new Set(messages.map((m) => m.kind));
      expect(kinds.has('api-mismatch')).toBe(name.startsWith('nvrm-api-mismatch-'));
      expect(kinds.has('legacy-branch')).toBe(name.startsWith('nvrm-legacy-'));
      expect(kinds.has('xid')).toBe(name.startsWith('nvrm-xid-'));
      const lines = text.split('\n');
      for (const message of messages) {
        expect(lines[(message.lines[0] ?? 0) - 1]?.startsWith('NVRM:')).toBe(true);
      }
    });
  }
});

describe('recogniseNvrm reads the wrapped messages', () => {
  const byName = (prefix: string): NvrmMessage[] => {
    const file = files.find((f) => basename(f).startsWith(prefix));
    if (file === undefined) throw new Error(`no shared fixture ${prefix}`);
    return messagesOf(file).messages;
  };

  it('takes both versions out of an API mismatch', () => {
    const [first] = byName('nvrm-api-mismatch-MS-7C36');
    expect(first).toMatchObject({ kind: 'api-mismatch', client: '460.67', kernel: '460.56' });
    expect(first?.lines).toHaveLength(4);
  });

  it('takes the card, the branch and the ignoring driver out of a legacy notice', () => {
    expect(byName('nvrm-legacy-M61PMV')[0]).toMatchObject({ kind: 'legacy-branch', gpu: 'GeForce GT 710', branch: '470', driverVersion: '510.60.02' });
    expect(byName('nvrm-legacy-P7P55D-LE')[0]).toMatchObject({ kind: 'legacy-branch', gpu: 'GeForce GT 730', branch: '390', driverVersion: '470.74' });
  });

  it('reads the Xid number and the bus address', () => {
    const xids = byName('nvrm-xid-H81-Pro-BTC');
    expect(xids.every((x) => x.kind === 'xid' && x.code === 13 && x.pci === 'PCI:0000:01:00')).toBe(true);
  });

  it('does not join lines that are not next to each other', () => {
    const messages = recogniseNvrm([
      { line: 10, text: 'NVRM: API mismatch: the client has the version 580.95.05, but' },
      { line: 40, text: 'NVRM: this kernel module has the version 580.82.09.  Please' },
    ]);
    expect(messages).toEqual([]);
  });
});
