import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureOutput } from './capture-output';
import { main } from '../src/cli';
import { sharedFixtureFiles } from './fixtures-path';

const output = captureOutput();

const tmp = () => mkdtempSync(join(tmpdir(), 'egpu-cli-diag-'));
const dmesgFixture = (prefix: string) => sharedFixtureFiles('dmesg').find((f) => f.includes(`/${prefix}`)) ?? '';

describe('egpu-wizard diagnose --from-files', () => {
  it('prints the contract JSON: findings with id, severity and evidence {source, line, text}', async () => {
    const code = await main(['diagnose', '--from-files', `dmesg=${dmesgFixture('nvrm-api-mismatch-')}`, '--json']);
    expect(code).toBe(1);
    const json = JSON.parse(output.out.join('')) as { findings: Array<{ id: string; severity: string; evidence: Array<{ source: string; line: number; text: string }> }> };
    expect(json.findings[0]).toMatchObject({ id: 'nvidia-version-mismatch', severity: 'error' });
    expect(json.findings[0]?.evidence[0]).toEqual({ source: 'dmesg', line: 5, text: 'NVRM: API mismatch: the client has the version 460.67, but' });
  });

  it('combines several files, and prints text with the evidence and the ordered fixes without --json', async () => {
    const dir = tmp();
    const kldstat = join(dir, 'kldstat.txt');
    writeFileSync(kldstat, 'Id Refs Address                Size Name\n 1   85 0xffffffff80200000  1f3e2d0 kernel\n');
    const code = await main(['diagnose', '--from-files', `dmesg=${dmesgFixture('nvrm-legacy-M61PMV')}`, `kldstat=${kldstat}`, '--lang', 'zh-CN']);
    expect(code).toBe(1);
    const text = output.out.join('');
    expect(text).toContain('sources: dmesg, kldstat');
    expect(text).toMatch(/ERROR nvidia-legacy-branch: 这块 GPU 需要 NVIDIA 旧版驱动分支/);
    expect(text).toContain('dmesg: 216│ NVRM: The NVIDIA GeForce GT 710 GPU installed in this system is');
    expect(text).toContain('pkg install nvidia-driver-470');
  });

  it.each([
    [['diagnose', '--from-files'], /needs at least one NAME=FILE/],
    [['diagnose', '--from-files', 'dmesg'], /"dmesg" is not NAME=FILE/],
    [['diagnose', '--from-files', 'pcicon=x.txt'], /"pcicon=x.txt" is not NAME=FILE with NAME one of pciconf, dmesg/],
    [['diagnose', '--from-files', 'dmesg=/no/such/file'], /cannot read dmesg file \/no\/such\/file: no such file/],
    [['diagnose', '--from-files', `dmesg=${tmpdir()}`], /is a directory/],
  ])('refuses %j in one line with exit code 2', async (argv, message) => {
    expect(await main(argv)).toBe(2);
    expect(output.out.join('')).toBe('');
    const text = output.err.join('');
    expect(text).toMatch(message);
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(text).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
  });

  it('refuses a file that is not the output it claims, a binary file and a source given twice', async () => {
    const dir = tmp();
    const binary = join(dir, 'bin');
    writeFileSync(binary, Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    const dmesg = dmesgFixture('x220-ThinkPad-X220-4286CTO');
    for (const [argv, message] of [
      [['diagnose', '--from-files', `kldstat=${dmesg}`], /^egpu-wizard: kldstat file .+ is not kldstat output: .+\n$/],
      [['diagnose', '--from-files', `dmesg=${binary}`], /^egpu-wizard: dmesg file .+ is not UTF-8 text\n$/],
      [['diagnose', '--from-files', `dmesg=${dmesg}`, `dmesg=${dmesg}`], /^egpu-wizard: dmesg is given twice\n$/],
    ] as const) {
      output.err = [];
      expect(await main([...argv])).toBe(2);
      expect(output.err.join('')).toMatch(message);
    }
  });

  it('does not combine --from-files with --host', async () => {
    expect(await main(['diagnose', '--from-files', `dmesg=${dmesgFixture('x220-')}`, '--host', 'sim:x220-fresh'])).toBe(2);
    expect(output.err.join('')).toContain('--from-files and --host cannot be combined');
  });
});

describe('egpu-wizard diagnose on a host', () => {
  it('prints the findings first, then still every check entry', async () => {
    expect(await main(['diagnose', '--host', 'sim:x220-error12'])).toBe(1);
    const text = output.out.join('');
    const findingAt = text.indexOf('ERROR pci-window-alloc-failed');
    const checkAt = text.indexOf('FAIL  adapter-card / ');
    expect(findingAt).toBeGreaterThanOrEqual(0);
    expect(checkAt).toBeGreaterThan(findingAt);
  });

  it('adds the findings to the JSON beside the checks', async () => {
    await main(['diagnose', '--host', 'sim:x220-unpowered', '--json']);
    const json = JSON.parse(output.out.join('')) as { findings: Array<{ id: string }>; checks: unknown[]; sources: string[] };
    expect(json.findings.map((f) => f.id)).toContain('gpu-not-enumerated');
    expect(json.checks.length).toBeGreaterThan(5);
    expect(json.sources).toContain('pciconf');
  });
});

describe('egpu-wizard report', () => {
  it('writes the redacted Markdown report to --out, readable only by its owner', async () => {
    const dir = tmp();
    const file = join(dir, 'report.md');
    expect(await main(['report', '--host', 'sim:x220-error12', '--out', file, '--data', dir])).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# eGPU Wizard support report/);
    expect(text).toContain('`pci-bar-alloc-failed`');
    expect(text).not.toContain('R9T4K2L'); // the simulated X220's serial number
    expect(text).toMatch(/^smbios\.system\.serial="\[serial-\d+\]"$/m);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(output.out.join('')).toContain(`Report written to ${file}`);
  });

  it('prints the report without --out', async () => {
    expect(await main(['report', '--host', 'sim:x220-fresh', '--data', tmp()])).toBe(0);
    expect(output.out.join('')).toMatch(/^# eGPU Wizard support report/);
  });
});
