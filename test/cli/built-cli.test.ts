import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of the command outside the checkout: no node_modules above it, no sources, no TypeScript loader. */
function copyOfCommand(withBuild: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'egpu-built-cli-'));
  made.push(dir);
  mkdirSync(join(dir, 'bin'));
  cpSync(join(root, 'bin', 'egpu-wizard.mjs'), join(dir, 'bin', 'egpu-wizard.mjs'));
  if (withBuild) cpSync(join(root, 'out', 'cli'), join(dir, 'out', 'cli'), { recursive: true });
  return join(dir, 'bin', 'egpu-wizard.mjs');
}

const env = { ...process.env, NODE_PATH: '', NODE_OPTIONS: '' };

describe('bin/egpu-wizard.mjs runs the built CLI', () => {
  it('needs nothing but Node and out/cli: its npm dependencies are bundled in', () => {
    const bin = copyOfCommand(true);
    const parsed = spawnSync(process.execPath, [bin, 'parse', 'kenv', '-'], { input: 'smbios.system.version="ThinkPad X220"\n', encoding: 'utf8', env, cwd: tmpdir() });
    expect(parsed.stderr).toBe('');
    expect(JSON.parse(parsed.stdout)).toEqual({ values: { 'smbios.system.version': 'ThinkPad X220' }, unparsed: [] });
    const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8', env, cwd: tmpdir() });
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('says in one line what to do where the CLI was never built and cannot be', () => {
    const result = spawnSync(process.execPath, [copyOfCommand(false), '--help'], { encoding: 'utf8', env, cwd: tmpdir() });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^egpu-wizard: the command line is not built \(.+out\/cli\/index\.mjs is missing\): run "npm ci" or "npm run build:cli" in the checkout, or unpack the portable bundle again\.\n$/);
  });

  it('starts without compiling anything: no TypeScript loader in the command or its build', () => {
    expect(readFileSync(join(root, 'bin', 'egpu-wizard.mjs'), 'utf8')).not.toMatch(/tsx|\.ts'/);
    const built = readFileSync(join(root, 'out', 'cli', 'index.mjs'), 'utf8');
    expect(built).not.toMatch(/from\s*"tsx|\.ts"/);
  });
});
