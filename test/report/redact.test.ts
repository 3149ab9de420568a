import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact, Redactor } from '../../src/report/redact';
import { sharedFixtureFiles } from '../fixtures-path';

const hex = (n: number) => fc.array(fc.constantFrom(...'0123456789abcdefABCDEF'), { minLength: n, maxLength: n }).map((a) => a.join(''));
const mac = fc.tuple(hex(2), hex(2), hex(2), hex(2), hex(2), hex(2), fc.constantFrom(':', '-')).map(([a, b, c, d, e, f, sep]) => [a, b, c, d, e, f].join(sep));
const uuid = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((parts) => parts.join('-'));
/** Text around a secret: words and punctuation that cannot extend a hex run into it. */
const filler = fc.array(fc.constantFrom('em0:', 'ether', 'GPU', 'link', 'x1', ' ', '\n', '(', ')', '=', 'NVRM:', 'serial'), { maxLength: 8 }).map((a) => a.join(' '));
const serial = fc.stringMatching(/^[A-Z0-9]{6,16}$/);

describe('redaction', () => {
  it('removes every MAC address, in either notation', () => {
    fc.assert(
      fc.property(filler, mac, filler, (before, address, after) => {
        const out = redact(`${before} ${address} ${after}`);
        expect(out.toLowerCase()).not.toContain(address.toLowerCase());
        expect(out).toMatch(/\[mac-1\]/);
      }),
    );
  });

  it('removes every UUID, GPU UUIDs included, and keeps the GPU- prefix readable', () => {
    fc.assert(
      fc.property(filler, uuid, (text, id) => {
        const out = redact(`${text} NVRM: GPU at PCI:0000:05:00: GPU-${id}\nsmbios.system.uuid="${id}"`);
        expect(out.toLowerCase()).not.toContain(id.toLowerCase());
        expect(out).toContain('GPU-[uuid-1]');
        expect(out).toContain('smbios.system.uuid="[uuid-1]"'); // the same value, the same placeholder
      }),
    );
  });

  it('removes serial numbers in kenv, dmesg, nvidia-smi -q and pciconf -c forms', () => {
    fc.assert(
      fc.property(serial, (s) => {
        const text = [
          `smbios.system.serial="${s}"`,
          `ada0: Serial Number ${s}`,
          `    Serial Number                         : ${s}`,
          `    ecap 0003[100] = Serial 1 ${s.toLowerCase().replace(/[^0-9a-f]/g, 'a').padEnd(16, '0').slice(0, 16)}`,
        ].join('\n');
        const out = redact(text);
        expect(out).not.toContain(s);
        expect(out.split('\n')).toHaveLength(4);
        expect(out).toMatch(/^smbios\.system\.serial="\[serial-\d\]"$/m);
        expect(out).toMatch(/= Serial 1 \[serial-\d\]$/m);
      }),
    );
  });

  it('is idempotent and never changes placeholders', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(filler, mac, uuid, serial.map((s) => `serial=${s}`)), { maxLength: 6 }), (parts) => {
        const once = redact(parts.join('\n'));
        expect(redact(once)).toBe(once);
      }),
    );
  });

  it('redacts host and user names it learns from the text, everywhere, but not common words', () => {
    const r = new Redactor({ users: ['alice'] });
    const text = ['hostname="tp-x220.example.org"', 'kern.hostname: tp-x220.example.org', 'login: alice on ttyv0', 'cwd /usr/home/alice/models', 'root port pcib3 on tp-x220', 'ThinkPad X220'];
    const out = r.redact(text.join('\n'));
    expect(out).not.toMatch(/tp-x220|alice/);
    expect(out).toContain('hostname="[host-1]"');
    expect(out).toContain('cwd /usr/home/[user-1]/models');
    expect(out).toContain('root port pcib3 on [host-2]');
    expect(out).toContain('ThinkPad X220');
    // The same Redactor keeps its placeholders across texts.
    expect(r.redact('alice@tp-x220.example.org')).toBe('[user-1]@[host-1]');
  });

  it('leaves real boot messages without private details line for line as they were', () => {
    for (const file of sharedFixtureFiles('dmesg').filter((f) => /x220-|nvrm-legacy/.test(f))) {
      const text = readFileSync(file, 'utf8');
      const out = redact(text);
      expect(out.split('\n').length).toBe(text.split('\n').length);
      const changed = out.split('\n').filter((line, i) => line !== text.split('\n')[i]);
      // Only lines that name a MAC, a UUID, a serial or the host changed.
      for (const line of changed) expect(line).toMatch(/\[(mac|uuid|serial|host|user)-\d+\]/);
    }
  });
});
