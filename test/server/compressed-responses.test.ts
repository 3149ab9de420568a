import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEEP_FOR_GOOD, NEVER_KEEP } from '../../src/server/cache-policy';
import type { RunningServer } from '../../src/server/http-server';
import { startTestServer } from './test-server';

let server: RunningServer;
const script = `export const texts = ${JSON.stringify(Array.from({ length: 300 }, (_, i) => `text number ${i}`))};\n`;

beforeAll(async () => {
  const rendererDir = await mkdtemp(join(tmpdir(), 'egpu-renderer-'));
  await mkdir(join(rendererDir, 'assets'));
  await writeFile(
    join(rendererDir, 'index.html'),
    `<!doctype html>\n<html lang="en">\n<head><title>wizard</title><script type="module" src="./assets/startup-B4nXQWZp.js"></script></head>\n<body><div id="app"></div></body>\n</html>\n`,
  );
  await writeFile(join(rendererDir, 'assets', 'startup-B4nXQWZp.js'), script);
  await writeFile(join(rendererDir, 'assets', 'early-clicks.js'), `// unhashed\n${script}`);
  server = await startTestServer(rendererDir, { drawFirstScreen: null });
});
afterAll(async () => server.close());

/** The raw bytes and headers, as a browser gets them before it decodes anything. */
function fetchRaw(path: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        // The event stream never ends: its first frame is enough.
        if (res.headers['content-type'] === 'text/event-stream') req.destroy();
      });
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', (error) => (error.message === 'socket hang up' ? undefined : reject(error)));
    req.end();
  });
}

const withToken = (extra: Record<string, string> = {}) => ({ 'X-Egpu-Token': server.token, ...extra });

describe('browser mode sends compressed pages and files', () => {
  it('the page, with its state written in, in brotli: the same page as sent plain, a fraction of its size', async () => {
    const plain = await fetchRaw('/', withToken());
    const packed = await fetchRaw('/', withToken({ 'Accept-Encoding': 'gzip, deflate, br, zstd' }));
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(packed.headers['content-encoding']).toBe('br');
    expect(packed.headers['vary']).toBe('Accept-Encoding');
    expect(packed.headers['cache-control']).toBe(NEVER_KEEP);
    expect(packed.headers['content-length']).toBe(String(packed.body.length));
    const page = brotliDecompressSync(packed.body).toString('utf8');
    expect(page).toContain('egpu-first-state');
    // The state carries times, so the two pages may differ there; their length may not by more than a little.
    expect(Math.abs(page.length - plain.body.length)).toBeLessThan(64);
    expect(packed.body.length).toBeLessThan(plain.body.length);
  });

  it('a built script with its hash in gzip, kept by the browser for good; one without, never kept', async () => {
    const hashed = await fetchRaw('/assets/startup-B4nXQWZp.js', withToken({ 'Accept-Encoding': 'gzip' }));
    expect(hashed.headers).toMatchObject({ 'content-encoding': 'gzip', 'cache-control': KEEP_FOR_GOOD });
    expect(gunzipSync(hashed.body).toString('utf8')).toBe(script);
    const unhashed = await fetchRaw('/assets/early-clicks.js', withToken({ 'Accept-Encoding': 'gzip' }));
    expect(unhashed.headers['cache-control']).toBe(NEVER_KEEP);
    expect(gunzipSync(unhashed.body).toString('utf8')).toBe(`// unhashed\n${script}`);
  });

  it('HEAD says what GET would send, without the body', async () => {
    const head = await fetchRaw('/assets/startup-B4nXQWZp.js', withToken({ 'Accept-Encoding': 'br' }), 'HEAD');
    const get = await fetchRaw('/assets/startup-B4nXQWZp.js', withToken({ 'Accept-Encoding': 'br' }));
    expect(head.body.length).toBe(0);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.headers['content-length']).toBe(String(get.body.length));
  });

  it('refuses before it compresses: a request without the token gets no file', async () => {
    const refused = await fetchRaw('/assets/startup-B4nXQWZp.js', { 'Accept-Encoding': 'br' });
    expect(refused.status).toBe(401);
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('leaves the API and the event stream plain', async () => {
    const events = await fetchRaw('/api/events', withToken({ 'Accept-Encoding': 'br, gzip' }));
    expect(events.headers['content-type']).toBe('text/event-stream');
    expect(events.headers['content-encoding']).toBeUndefined();
    expect(events.body.toString('utf8')).toContain(': connected');
  });
});
