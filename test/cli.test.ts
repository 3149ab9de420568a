import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli';
import { sharedFixtureFiles } from './fixtures-path';

/** The one shared "pciconf" file that is a Markdown table of PCI ids, not pciconf output. */
const NOT_PCICONF = 'nv-pascal-gl-README-md-93122ddc.txt';

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

describe('egpu-wizard parse', () => {
  it.each(sharedFixtureFiles('pciconf').map((f) => [basename(f), f]))('pciconf %s', async (name, file) => {
    const code = await main(['parse', 'pciconf', file]);
    if (name === NOT_PCICONF) {
      expect(code).toBe(1);
      expect(err.join('')).toMatch(/^egpu-wizard: pciconf: .+\n$/);
      return;
    }
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(out.join('')) as { devices: { selector: string }[] };
    const headers = readFileSync(file, 'utf8').split('\n').filter((l) => /^[a-z0-9_]+@pci\d+:/.test(l) || /^[a-z0-9_]+@pci\d+:\d+:\d+:\d+/.test(l));
    expect(json.devices.length).toBe(headers.length);
  });

  it.each(sharedFixtureFiles('dmesg').map((f) => [basename(f), f]))('dmesg %s', async (_name, file) => {
    const code = await main(['parse', 'dmesg', file]);
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(out.join('')) as { lineCount: number; attachments: { line: number }[] };
    expect(json.lineCount).toBeGreaterThan(0);
    for (const a of json.attachments) expect(a.line).toBeLessThanOrEqual(json.lineCount);
  });

  it('exits 1 with one line on garbage, and 2 on an unknown kind', async () => {
    const file = resolve(import.meta.dirname, '..', 'package.json');
    expect(await main(['parse', 'kldstat', file])).toBe(1);
    expect(err.join('').trim().split('\n')).toHaveLength(1);
    expect(await main(['parse', 'nonsense', file])).toBe(2);
  });

  it('refuses non-UTF-8 input with a clear message', () => {
    const run = spawnSync(process.execPath, [resolve(import.meta.dirname, '..', 'bin', 'egpu-wizard.mjs'), 'parse', 'kenv', '-'], {
      input: Buffer.from([0x73, 0x6d, 0x3d, 0xff, 0xfe, 0x0a]),
    });
    expect(run.status).toBe(1);
    expect(run.stderr.toString()).toContain('not valid UTF-8');
  });
});

describe('egpu-wizard diagnose', () => {
  it('passes the preflight and adapter checks on a healthy simulated X220', async () => {
    const code = await main(['diagnose', '--host', 'sim:x220-fresh', '--json']);
    const report = JSON.parse(out.join('')) as { checks: { step: string; check: string; status: string }[] };
    const status = (check: string) => report.checks.find((c) => c.check === check)?.status;
    expect(status('os')).toBe('pass');
    expect(status('machine')).toBe('pass');
    expect(status('gpu-enumerated')).toBe('pass');
    expect(status('gpu-memory')).toBe('pass');
    expect(code).toBe(1); // sudo needs a password there, and diagnose has none
  });

  it('names the missing GPU on an unpowered adapter, in Chinese when asked', async () => {
    await main(['diagnose', '--host', 'sim:x220-unpowered', '--lang', 'zh-CN']);
    const text = out.join('');
    expect(text).toMatch(/FAIL\s+adapter-card \/ PCI 总线上的 NVIDIA 显卡/);
    expect(text).toContain('$ pciconf -lvb');
  });

  it('finds the unassigned memory ranges of the Error 12 scenario', async () => {
    await main(['diagnose', '--host', 'sim:x220-error12', '--json']);
    const report = JSON.parse(out.join('')) as { checks: { check: string; status: string; reason: { key: string } }[] };
    expect(report.checks.find((c) => c.check === 'gpu-memory')).toMatchObject({ status: 'fail', reason: { key: 'steps.adapter.memory.unassigned' } });
  });

  it('reports the driver step: the branch the card needs, the mismatched libraries, the kernel\'s API mismatch', async () => {
    await main(['diagnose', '--host', 'sim:x220-fresh', '--json']);
    type Report = { checks: { step: string; check: string; status: string; reason: { key: string; params?: Record<string, unknown> } }[]; findings: { id: string }[] };
    const fresh = JSON.parse(out.join('')) as Report;
    expect(fresh.checks.find((c) => c.step === 'driver' && c.check === 'branch')).toMatchObject({
      status: 'skip',
      reason: { key: 'steps.driver.branch.needsRoot', params: { name: 'Tesla P4', architecture: 'Pascal', last: 580 } },
    });
    out.length = 0;
    await main(['diagnose', '--host', 'sim:x220-mismatch', '--json']);
    const mismatch = JSON.parse(out.join('')) as Report;
    expect(mismatch.checks.find((c) => c.step === 'driver' && c.check === 'versions')).toMatchObject({ status: 'fail', reason: { key: 'steps.driver.versions.libsDiffer' } });
    expect(mismatch.findings.map((f) => f.id)).toContain('nvidia-version-mismatch');
  });

  it('rejects an unknown host with a usage error', async () => {
    expect(await main(['diagnose', '--host', 'sim:nope'])).toBe(2);
    expect(err.join('')).toContain('x220-fresh');
  });
});

describe('egpu-wizard bench --host', () => {
  it('runs llama-bench in the jail and names the CPU build as the cause', () => {
    const run = spawnSync(process.execPath, [resolve(import.meta.dirname, '..', 'bin', 'egpu-wizard.mjs'), 'bench', '--host', 'sim:x220-cpu-fallback', '--password-stdin', '--json'], {
      input: 'demo\n',
    });
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout.toString()) as { verdict: string; causes: { key: string }[]; rows: { backend: string }[] };
    expect(report.verdict).toBe('fail');
    expect(report.rows.map((r) => r.backend)).toEqual(['CPU', 'CPU']);
    expect(report.causes[0]?.key).toMatch(/cpu|cuda/i);
  });

  it('says in one line that it needs root without a password', async () => {
    expect(await main(['bench', '--host', 'sim:x220-cpu-fallback'])).toBe(2);
    expect(err.join('')).toMatch(/^egpu-wizard: llama-bench did not run on sim:x220-cpu-fallback: it needs root/);
  });
});

describe('the installed command', () => {
  it('runs through bin/egpu-wizard.mjs and prints help', () => {
    const run = spawnSync(process.execPath, [resolve(import.meta.dirname, '..', 'bin', 'egpu-wizard.mjs'), '--help'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('egpu-wizard parse <kind>');
  });
});

describe('egpu-wizard estimate', () => {
  it('prints the X220 figures as JSON', async () => {
    expect(await main(['estimate', '--model-size', '6GB', '--json'])).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({
      modelBytes: 6e9,
      link: { width: 1, gts: 5, bytesPerSecond: 500e6 },
      loadSeconds: { theoretical: 12, practicalHigh: 15 },
      generationCeilingTokensPerSecond: 32,
    });
  });

  it('takes the size of a model file, and shows a Gen1 link next to the full one', async () => {
    const file = resolve(import.meta.dirname, '..', 'package-lock.json');
    expect(await main(['estimate', '--model', file, '--link', 'x1@2.5'])).toBe(0);
    const text = out.join('');
    expect(text).toContain('x1 at 2.5 GT/s = 250 MB/s');
    expect(text).toMatch(/this link +█+ /);
  });

  it.each([
    [['estimate']],
    [['estimate', '--model-size', 'lots']],
    [['estimate', '--model-size', '6GB', '--link', 'x3@5.0']],
    [['estimate', '--model', '/no/such/model.gguf']],
  ])('refuses %j with a usage error', async (argv) => {
    expect(await main(argv)).toBe(2);
    expect(err.join('')).toMatch(/^egpu-wizard: /);
  });
});

describe('egpu-wizard configure and undo', () => {
  const bin = resolve(import.meta.dirname, '..', 'bin', 'egpu-wizard.mjs');

  it('shows the proposed diffs, reasons and exact commands with --dry-run, changing nothing', async () => {
    expect(await main(['configure', '--host', 'sim:x220-error12', '--dry-run'])).toBe(0);
    const text = out.join('');
    expect(text).toContain('+hw.pci.realloc_bars="1"');
    expect(text).toContain('+linux_enable="YES"');
    expect(text).toContain('# mv -f /boot/loader.conf.egpu-new /boot/loader.conf');
    expect(text).not.toContain('Applied');
  });

  it('applies with the sudo password from stdin, and refuses without a way to become root', () => {
    const data = mkdtempSync(join(tmpdir(), 'egpu-cli-'));
    const refused = spawnSync(process.execPath, [bin, 'configure', '--host', 'sim:x220-fresh', '--data', data], { encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('Not applied: this needs root');
    const applied = spawnSync(process.execPath, [bin, 'configure', '--host', 'sim:x220-fresh', '--data', data, '--password-stdin'], { input: 'demo\n', encoding: 'utf8' });
    expect(applied.stdout).toContain('Applied: /etc/rc.conf');
    expect(applied.status).toBe(0);
    // The journal remembers the change; a new simulated machine no longer holds it, so undo leaves it alone.
    const undoDry = spawnSync(process.execPath, [bin, 'undo', '--host', 'sim:x220-fresh', '--data', data, '--dry-run'], { encoding: 'utf8' });
    expect(undoDry.stdout).toContain('-linux_enable="YES"');
    const undone = spawnSync(process.execPath, [bin, 'undo', '--host', 'sim:x220-fresh', '--data', data, '--password-stdin'], { input: 'demo\n', encoding: 'utf8' });
    expect(undone.stdout).toContain('Left as it is: /etc/rc.conf (changed-since)');
    expect(undone.status).toBe(1);
  });
});
