import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/server/build-renderer';

// The script runs under dash here, as strict a POSIX sh as FreeBSD's; fake electronNN commands stand in for the ports.
function setUp(electrons: number[]) {
  const app = mkdtempSync(join(tmpdir(), 'egpu-freebsd-app-'));
  mkdirSync(join(app, 'scripts'));
  mkdirSync(join(app, 'out', 'main'), { recursive: true });
  copyFileSync(join(projectRoot, 'scripts', 'run-freebsd.sh'), join(app, 'scripts', 'run-freebsd.sh'));
  copyFileSync(join(projectRoot, 'package.json'), join(app, 'package.json'));
  writeFileSync(join(app, 'out', 'main', 'index.js'), '');
  const bin = mkdtempSync(join(tmpdir(), 'egpu-freebsd-bin-'));
  const log = join(bin, 'launched');
  for (const major of electrons) {
    const command = join(bin, `electron${major}`);
    writeFileSync(command, `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > '${log}'\n`);
    chmodSync(command, 0o755);
  }
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync('sh', [join(app, 'scripts', 'run-freebsd.sh'), ...args], {
      encoding: 'utf8',
      env: { PATH: `${bin}:/usr/bin:/bin`, HOME: app, ...env },
    });
  return { app, bin, run, launched: () => readFileSync(log, 'utf8').trim().split('\n') };
}

const wanted = /"electron": "\D*(\d+)\./.exec(readFileSync(join(projectRoot, 'package.json'), 'utf8'))?.[1];

describe('scripts/run-freebsd.sh', () => {
  it('starts the app with the newest electronNN on PATH and passes the arguments on', () => {
    const { app, bin, run, launched } = setUp([39, Number(wanted), 8]);
    const result = run(['--no-build', '--host', 'sim:x220-fresh'], { DISPLAY: ':0' });
    expect(result.status).toBe(0);
    expect(launched()).toEqual([join(bin, `electron${wanted}`), app, '--host', 'sim:x220-fresh']);
    expect(result.stderr).toBe('');
  });

  it('says when the Electron it found is not the version the app is tested with', () => {
    const { bin, run, launched } = setUp([Number(wanted) + 2]);
    const result = run(['--no-build'], { DISPLAY: ':0' });
    expect(result.status).toBe(0);
    expect(launched()[0]).toBe(join(bin, `electron${Number(wanted) + 2}`));
    expect(result.stderr).toContain(`pkg install electron${wanted}`);
  });

  it('$ELECTRON overrides the search', () => {
    const { bin, run, launched } = setUp([39, 41]);
    expect(run(['--no-build'], { DISPLAY: ':0', ELECTRON: join(bin, 'electron39') }).status).toBe(0);
    expect(launched()[0]).toBe(join(bin, 'electron39'));
  });

  it('without an Electron from the ports, says which package to install, in one line', () => {
    const { run } = setUp([]);
    const result = run(['--no-build'], { DISPLAY: ':0' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `eGPU Wizard: no Electron from the ports found: run "pkg install electron${wanted}" as root, or "npm run serve" for browser mode.`,
    ]);
  });

  it('without a display, points to browser mode', () => {
    const { run } = setUp([Number(wanted)]);
    const result = run(['--no-build'], {});
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('npm run serve');
  });
});
