import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { parsePciconf } from '../src/commands/parsers/pciconf';
import { sharedFixtureFiles } from '../test/fixtures-path';
import { passPreflight } from './helpers';

/**
 * The portable bundle as a user on the X220 gets it: built once with `npm run bundle`, unpacked into an empty
 * folder outside the checkout (no node_modules above it, NODE_PATH and NODE_OPTIONS cleared), and run with
 * Node alone.
 */

const root = resolve(import.meta.dirname, '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const name = `egpu-wizard-${version}`;
const env = { ...process.env, NODE_PATH: '', NODE_OPTIONS: '' };

let place = '';
let bin = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const built = spawnSync('npm', ['run', '--silent', 'bundle'], { cwd: root, encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
  const tarball = join(root, 'dist', `${name}-portable.tar.gz`);
  // A few MB at most: the interface, the CLI and server with their dependencies, and the licences.
  expect(statSync(tarball).size).toBeLessThan(8e6);
  place = mkdtempSync(join(tmpdir(), 'egpu-portable-'));
  // Node would find packages in any node_modules above the bundle: there must be none, as on a fresh X220.
  for (let dir = place, above = ''; dir !== above; above = dir, dir = dirname(dir)) {
    expect(existsSync(join(dir, 'node_modules')), `node_modules in ${dir}`).toBe(false);
  }
  const unpacked = spawnSync('tar', ['-xzf', tarball, '-C', place], { encoding: 'utf8' });
  expect(unpacked.status, unpacked.stderr).toBe(0);
  expect(readdirSync(place)).toEqual([name]);
  expect(readdirSync(join(place, name)).sort()).toEqual(['README.txt', 'THIRD-PARTY-LICENSES.txt', 'bin', 'out']);
  bin = join(place, name, 'bin', 'egpu-wizard.mjs');
});

test.afterAll(() => {
  if (place) rmSync(place, { recursive: true, force: true });
});

test('carries the licence of every package it bundles, and a README', () => {
  const licences = readFileSync(join(place, name, 'THIRD-PARTY-LICENSES.txt'), 'utf8');
  for (const bundled of ['zod', 'execa', 'cross-spawn', 'svelte']) expect(licences).toMatch(new RegExp(`^${bundled} \\d+\\.\\d+\\.\\d+ — `, 'm'));
  const readme = readFileSync(join(place, name, 'README.txt'), 'utf8');
  expect(readme).toContain(`node ${name}/bin/egpu-wizard.mjs serve`);
  expect(readme).toContain('ssh -L 5999:127.0.0.1:5999');
});

test('parses a real X220 pciconf exactly as the checkout does', () => {
  const file = sharedFixtureFiles('pciconf').find((f) => f.includes('/x220-ThinkPad-X220-'));
  if (!file) throw new Error('no X220 pciconf among the shared fixtures');
  const run = spawnSync(process.execPath, [bin, 'parse', 'pciconf', file], { cwd: place, env, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const inTree = parsePciconf(readFileSync(file, 'utf8'));
  if (!inTree.ok) throw new Error(inTree.error.message);
  expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(inTree.value)));
});

/** Starts `serve` from the bundle and resolves with the address it prints. */
function serve(dataDir: string): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, [bin, 'serve', '--host', 'sim:x220-fresh', '--port', '0', '--data', dataDir], { cwd: place, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  let said = '';
  child.stderr?.on('data', (chunk: Buffer) => void (said += chunk.toString()));
  const url = new Promise<string>((resolveUrl, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const found = /^Open: (http:\/\/127\.0\.0\.1:\d+\/\S+)$/m.exec(printed);
      if (found?.[1]) resolveUrl(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`serve exited (${code}) before printing its address: ${printed}${said}`)));
  });
  return { child, url };
}

test('serves a simulated X220 that a new user can walk from Preflight to the Adapter card', async ({ page }) => {
  const dataDir = join(place, 'data');
  const { child, url } = serve(dataDir);
  try {
    await page.goto(await url);
    await expect(page.getByRole('heading', { level: 1, name: 'Preflight' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Run checks' })).toBeVisible();
    // The step illustrations come from the bundle too.
    expect((await page.request.get(new URL('assets/adapter-card.svg', page.url()).href)).status()).toBe(200);
    await passPreflight(page);
  } finally {
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
  // Progress went to the folder given with --data, beside the bundle, not into the checkout.
  expect(readdirSync(dataDir)).toContain('progress');
});
