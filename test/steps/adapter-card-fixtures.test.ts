import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { CommandRunner } from '../../src/commands/runner';
import { adapterCardStep } from '../../src/steps/adapter-card';
import { CheckRound } from '../../src/wizard/run-checks';
import { sharedFixtureFiles } from '../fixtures-path';
import { FakeHost } from '../wizard/fake-host';

/** The Adapter card checks, run on a host whose pciconf prints a real FreeBSD machine's output. */
async function adapterVerdicts(pciconfText: string) {
  const host = new FakeHost('sim:fixture', {
    'pciconf -lvb': { stdout: pciconfText },
    'pciconf -lvbc': { stdout: pciconfText },
  });
  const runner = new CommandRunner(host, new AuditLog(null), () => ({ method: 'root', password: null }));
  const round = new CheckRound(runner, {});
  const verdicts: Record<string, string> = {};
  for (const check of adapterCardStep.checks) verdicts[check.id] = (await round.check(check, { passwordVerified: false })).verdict.status;
  return verdicts;
}

describe('Adapter card checks on every shared pciconf output', () => {
  it.each(sharedFixtureFiles('pciconf').map((f) => [basename(f), f]))('%s', async (name, file) => {
    const text = readFileSync(file, 'utf8');
    const verdicts = await adapterVerdicts(text);
    if (name.startsWith('nv-pascal-gl-README')) {
      // Not pciconf output: the checks say they could not read it rather than guessing.
      expect(verdicts['gpu-enumerated']).toBe('error');
      return;
    }
    expect(Object.values(verdicts)).not.toContain('error');
    const hasNvidiaDisplay = /vendor=0x10de/.test(text) && /^\S+@pci\S+\s+class=0x03/m.test(text.split('\n').filter((l) => l.includes('vendor=0x10de')).join('\n'));
    expect(verdicts['gpu-enumerated']).toBe(hasNvidiaDisplay ? 'pass' : 'fail');
    if (!hasNvidiaDisplay) expect([verdicts['gpu-memory'], verdicts['pcie-link']]).toEqual(['skip', 'skip']);
    if (name.startsWith('x220-')) expect(verdicts['gpu-enumerated']).toBe('fail');
    if (name.startsWith('nv-x1link-')) expect(verdicts['pcie-link']).not.toBe('pass');
  });
});
