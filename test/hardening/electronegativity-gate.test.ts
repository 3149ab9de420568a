import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/server/build-renderer';

const run = promisify(execFile);

// `npm test` runs the gate over the app itself; this shows the gate can fail, Svelte components included.
describe('the electronegativity gate', () => {
  it('fails on an insecure window, and on openExternal and a webview in a Svelte component, naming each finding', async () => {
    const app = await mkdtemp(join(tmpdir(), 'egpu-insecure-app-'));
    await mkdir(join(app, 'electron'));
    await mkdir(join(app, 'renderer', 'src'), { recursive: true });
    await writeFile(
      join(app, 'electron', 'main.ts'),
      "import { BrowserWindow } from 'electron';\nexport const w = new BrowserWindow({ webPreferences: { contextIsolation: false, sandbox: false } });\n",
    );
    await writeFile(join(app, 'renderer', 'index.html'), '<!doctype html><title>x</title>\n');
    await writeFile(
      join(app, 'renderer', 'src', 'Link.svelte'),
      "<script lang=\"ts\">\n  import { shell } from 'electron';\n  let { url }: { url: string } = $props();\n  const go = () => shell.openExternal(url);\n</script>\n<button onclick={go}>go</button>\n<webview src=\"https://example.com\" allowpopups></webview>\n",
    );
    const failure = await run('node', [join(projectRoot, 'scripts', 'electronegativity.mjs'), '--app', app]).then(
      () => null,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    const stderr = failure?.stderr ?? '';
    expect(stderr).toMatch(/CONTEXT_ISOLATION_JS_CHECK .* at electron\/main\.ts:2:/);
    expect(stderr).toMatch(/SANDBOX_JS_CHECK .* at electron\/main\.ts:2:/);
    expect(stderr).toMatch(/LIMIT_NAVIGATION_GLOBAL_CHECK/);
    expect(stderr).toMatch(/OPEN_EXTERNAL_JS_CHECK .* at renderer\/src\/Link\.svelte\.ts:4:/);
    expect(stderr).toMatch(/ALLOWPOPUPS_HTML_CHECK .* at renderer\/src\/Link\.svelte\.html:/);
  }, 60_000);
});
