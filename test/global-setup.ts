import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Tests that spawn bin/egpu-wizard.mjs run the built CLI, so it is built from this checkout's sources first:
 * otherwise they would test whatever `npm ci` built, before the change under test.
 */
export default function setup(): void {
  const root = resolve(import.meta.dirname, '..');
  const build = spawnSync(process.execPath, [resolve(root, 'scripts', 'build-cli.mjs')], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building the CLI failed:\n${build.stderr}`);
}
