import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/app/backend';
import { RENDERER_CSP } from '../../src/app/csp';
import { FIRST_STATE_ELEMENT_ID } from '../../src/contract/first-state';
import { ensureRendererBuilt, projectRoot } from '../../src/server/build-renderer';
import { startServer, type RunningServer } from '../../src/server/http-server';
import { parsePolicy, policyProblems } from './csp-policy';

// The built renderer as Electron loads it (file://, policy in the meta tag) and as browser mode serves it
// (policy in the header too).
let rendererDir: string;
let builtHtml: string;
let server: RunningServer;

beforeAll(async () => {
  rendererDir = await ensureRendererBuilt(() => {});
  builtHtml = await readFile(join(rendererDir, 'index.html'), 'utf8');
  server = await startServer({
    rendererDir,
    createBackend: async (emit) =>
      Backend.create({ dataDir: await mkdtemp(join(tmpdir(), 'egpu-csp-')), hostSpec: 'sim:x220-fresh', mode: 'browser', version: '0.0.0', emit }),
  });
}, 120_000);
afterAll(async () => server.close());

function metaPolicies(html: string): string[] {
  const tags = html.match(/<meta\b[^>]*>/gi) ?? [];
  return tags
    .filter((tag) => /http-equiv\s*=\s*["']content-security-policy["']/i.test(tag))
    .map((tag) => /\bcontent\s*=\s*"([^"]*)"/i.exec(tag)?.[1] ?? '');
}

describe('the policy check', () => {
  it.each([
    ["default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'", "script-src allows 'unsafe-inline'"],
    ["default-src 'self'; script-src 'self' https://cdn.example; object-src 'none'; base-uri 'none'", 'script-src allows https://cdn.example'],
    ["default-src *; object-src 'none'; base-uri 'none'", "default-src must be 'self' or 'none', is *"],
    ["default-src 'self'; connect-src 'self' ws:; object-src 'none'; base-uri 'none'", 'connect-src allows ws:'],
    ["default-src 'self'; script-src 'self' 'unsafe-eval'; object-src 'none'; base-uri 'none'", "script-src allows 'unsafe-eval'"],
    ["default-src 'self'; script-src 'self'; base-uri 'none'", "object-src must be 'none'"],
  ])('finds the hole in %s', (policy, problem) => {
    expect(policyProblems(policy)).toContain(problem);
  });

  it('reads directives the way a browser does: the first of a repeated directive wins', () => {
    expect(parsePolicy("script-src 'self'; script-src *").get('script-src')).toEqual(["'self'"]);
  });
});

describe('the renderer CSP', () => {
  it('forbids inline scripts and remote origins', () => {
    expect(policyProblems(RENDERER_CSP)).toEqual([]);
  });

  it('is the one in renderer/index.html and in the built page Electron loads', async () => {
    const source = await readFile(join(projectRoot, 'renderer', 'index.html'), 'utf8');
    expect(metaPolicies(source)).toEqual([RENDERER_CSP]);
    expect(metaPolicies(builtHtml)).toEqual([RENDERER_CSP]);
  });

  it('the built page has no inline script, no inline event handler and no remote resource', () => {
    const scripts = [...builtHtml.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes = '', body = ''] of scripts) {
      expect(body.trim()).toBe('');
      expect(attributes).toMatch(/\bsrc="\.\/assets\/[^"]+\.js"/);
    }
    expect(builtHtml).not.toMatch(/\son[a-z]+\s*=/i);
    expect(builtHtml).not.toMatch(/\b(?:src|href)\s*=\s*["']?(?:[a-z]+:)?\/\//i);
  });

  it('browser mode sends it as a header with the page and its assets', async () => {
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    const html = await page.text();
    expect(metaPolicies(html)).toEqual([RENDERER_CSP]);
    // The page as served has one inline element more than the built file: the first state, as a JSON data
    // block, which a browser never runs; every script that runs still comes from the app's own files.
    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter(([, , body = '']) => body.trim() !== '');
    expect(inline.map(([, attributes]) => attributes)).toEqual([
      ` type="application/json" id="${FIRST_STATE_ELEMENT_ID}"`,
    ]);
    for (const [, , body] of inline) expect(body).not.toMatch(/[<>&\u2028\u2029]/);
    // The screen the server drew into the page has no inline handlers either.
    const drawn = /<div id="app"[^>]*>([\s\S]*?)<script\b/.exec(html)?.[1] ?? '';
    expect(drawn).toContain('</main>');
    expect(drawn).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`http://127.0.0.1:${server.port}/${script}`, { headers: { cookie: page.headers.get('set-cookie') ?? '' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-security-policy')).toBe(RENDERER_CSP);
  });
});
