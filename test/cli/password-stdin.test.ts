import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Through the built command, as a user runs it: the password arrives on a real standard input. */
const bin = resolve(import.meta.dirname, '..', '..', 'bin', 'egpu-wizard.mjs');
const run = (args: string[], input?: string) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });

interface DiagnoseJson {
  elevation: string;
  withoutRoot: string | null;
  findings: Array<{ id: string; evidence: Array<{ text: string }> }>;
  checks: Array<{ step: string; check: string; status: string; reason: { key: string } }>;
}
const linkCheck = (json: DiagnoseJson) => json.checks.find((c) => c.step === 'adapter-card' && c.check === 'pcie-link');

describe('egpu-wizard diagnose --password-stdin', () => {
  it('reads the link as root with the sudo password and reports the Gen1 link', () => {
    const result = run(['diagnose', '--host', 'sim:x220-gen1-link', '--password-stdin', '--json'], 'demo\n');
    expect(result.stderr).toBe('');
    const json = JSON.parse(result.stdout) as DiagnoseJson;
    expect(json.elevation).toBe('sudo');
    expect(json.withoutRoot).toBeNull();
    const degraded = json.findings.find((f) => f.id === 'link-degraded');
    expect(degraded?.evidence.map((e) => e.text)).toContainEqual(expect.stringMatching(/link x1\(x16\) speed 2\.5\(8\.0\)/));
    expect(linkCheck(json)).toMatchObject({ status: 'warn', reason: { key: 'steps.adapter.link.slow' } });
    expect(json.checks.find((c) => c.check === 'privileges')).toMatchObject({ status: 'pass', reason: { key: 'steps.preflight.privileges.sudoPassword' } });
  });

  it('without it, finds no slow link and says the root checks were skipped, and why', () => {
    const result = run(['diagnose', '--host', 'sim:x220-gen1-link', '--json']);
    const json = JSON.parse(result.stdout) as DiagnoseJson;
    expect(json.elevation).toBe('none');
    expect(json.findings.map((f) => f.id)).not.toContain('link-degraded');
    expect(linkCheck(json)).toMatchObject({ status: 'skip', reason: { key: 'steps.adapter.link.needsRoot' } });
    expect(json.withoutRoot).toContain('--password-stdin');
    const text = run(['diagnose', '--host', 'sim:x220-gen1-link', '--lang', 'zh-CN']).stdout;
    expect(text.trimEnd().split('\n').at(-1)).toContain('需要 root 权限的检查已跳过');
  });

  it('stops with one line on a password sudo refuses, and on none at all', () => {
    const wrong = run(['diagnose', '--host', 'sim:x220-gen1-link', '--password-stdin'], 'not-the-password\n');
    expect(wrong.status).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(/^egpu-wizard: sudo did not accept the password from standard input \(.*incorrect password.*\); nothing was run as root\n$/);
    const none = run(['diagnose', '--host', 'sim:x220-gen1-link', '--password-stdin'], '');
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('--password-stdin: no password on standard input');
  });

  it('refuses it with --from-files, where nothing runs', () => {
    const result = run(['diagnose', '--from-files', 'dmesg=/dev/null', '--password-stdin'], 'demo\n');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--password-stdin is for a host');
  });
});

describe('egpu-wizard report --password-stdin', () => {
  it('puts the link state read as root, and the Gen1 finding, into the report', () => {
    const withRoot = run(['report', '--host', 'sim:x220-gen1-link', '--password-stdin', '--data', '/nonexistent-egpu-data'], 'demo\n');
    expect(withRoot.status).toBe(0);
    expect(withRoot.stdout).toContain('`link-degraded`');
    expect(withRoot.stdout).toMatch(/link x1\(x16\) speed 2\.5\(8\.0\)/);
    expect(withRoot.stdout).not.toContain('demo');
    const without = run(['report', '--host', 'sim:x220-gen1-link', '--data', '/nonexistent-egpu-data']);
    expect(without.status).toBe(0);
    expect(without.stdout).not.toContain('`link-degraded`');
    expect(without.stdout).not.toMatch(/link x1\(x16\) speed/);
  });
});
