import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/server/build-renderer';

function expectOneLineRefusal(result: { status: number | null; stdout: string; stderr: string }): void {
  expect(result.status).toBe(1);
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^eGPU Wizard: cannot package: .*Electron.*\. Run "npm run dist" on a machine that can download Electron\.$/);
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s+at /m);
}

describe("npm run dist without Electron's binary", () => {
  it('refuses in one line, wherever Electron cannot be found', () => {
    // The scripts alone, away from node_modules: Electron cannot resolve, as on a machine that could not download it.
    const dir = mkdtempSync(join(tmpdir(), 'egpu-dist-'));
    for (const file of ['dist.mjs', 'electron-status.mjs']) copyFileSync(join(projectRoot, 'scripts', file), join(dir, file));
    expectOneLineRefusal(spawnSync('node', [join(dir, 'dist.mjs')], { cwd: dir, encoding: 'utf8' }));
  });

  const binaryMissing = !existsSync(join(projectRoot, 'node_modules', 'electron', 'path.txt'));
  it.runIf(binaryMissing)('npm run dist in this checkout says so in one line, with no stack trace', () => {
    const result = spawnSync('npm', ['run', '--silent', 'dist'], { cwd: projectRoot, encoding: 'utf8' });
    expectOneLineRefusal(result);
  });
});
