import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cacheControlFor, KEEP_FOR_GOOD, NEVER_KEEP } from '../../src/server/cache-policy';
import { chooseEncoding, CompressedFiles, compress, isCompressible } from '../../src/server/compression';
import { fileResponse } from '../../src/server/file-response';

const script = Buffer.from(`export const texts = ${JSON.stringify(Array.from({ length: 200 }, (_, i) => `text number ${i}`))};\n`);

describe('choosing the encoding', () => {
  it.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br;q=0.5, gzip;q=0.8', 'gzip'],
    ['br;q=1.0, gzip;q=1.0', 'br'],
    ['gzip;q=0, br;q=0', null],
    ['identity', null],
    ['*', 'br'],
    ['*;q=0.1, br;q=0', 'gzip'],
    ['deflate, zstd', null],
    ['', null],
    [' GZIP ', 'gzip'],
    ['gzip;q=nonsense, br;q=0', null],
  ])('Accept-Encoding %j → %s', (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });

  it('sends the body as it is when the request says nothing', () => {
    expect(chooseEncoding(undefined)).toBeNull();
  });
});

describe('what is compressed', () => {
  it.each([
    ['text/javascript; charset=utf-8', 5000, true],
    ['text/css; charset=utf-8', 5000, true],
    ['text/html; charset=utf-8', 5000, true],
    ['application/json', 5000, true],
    ['image/svg+xml', 5000, true],
    ['image/png', 5000, false],
    ['font/woff2', 5000, false],
    ['text/javascript; charset=utf-8', 800, false],
  ])('%s of %i bytes: %s', (type, size, expected) => {
    expect(isCompressible(type, size)).toBe(expected);
  });

  it.each(['br', 'gzip'] as const)('%s comes back as the same bytes, and smaller', async (encoding) => {
    const packed = await compress(script, encoding);
    expect(packed.length).toBeLessThan(script.length / 2);
    expect((encoding === 'br' ? brotliDecompressSync(packed) : gunzipSync(packed)).equals(script)).toBe(true);
  });
});

describe('built files compressed once', () => {
  it('answers the same compression for the same file, and a new one when the file changed', async () => {
    const files = new CompressedFiles();
    const first = files.get('assets/a-12345678.js', script, 'br');
    expect(files.get('assets/a-12345678.js', Buffer.from(script), 'br')).toBe(first);
    const changed = Buffer.concat([script, Buffer.from('// rebuilt\n')]);
    const second = files.get('assets/a-12345678.js', changed, 'br');
    expect(second).not.toBe(first);
    expect(brotliDecompressSync(await second).equals(changed)).toBe(true);
    expect(files.get('assets/a-12345678.js', script, 'gzip')).not.toBe(first);
  });

  it('keeps no more than it may, dropping the oldest first', () => {
    const files = new CompressedFiles(3);
    const oldest = files.get('a.js', script, 'gzip');
    for (const name of ['b.js', 'c.js', 'd.js']) void files.get(name, script, 'gzip');
    expect(files.size).toBe(3);
    expect(files.get('a.js', script, 'gzip')).not.toBe(oldest);
  });
});

describe('what the browser may keep', () => {
  it.each([
    ['assets/startup-B4nXQWZp.js', KEEP_FOR_GOOD],
    ['assets/startup-BijV10ve.css', KEEP_FOR_GOOD],
    ['assets/zh-CN-dPKV2T-4.js', KEEP_FOR_GOOD],
    ['assets/TroubleshootPanel-Dz9rZ3gg.js', KEEP_FOR_GOOD],
    ['index.html', NEVER_KEEP],
    ['assets/early-clicks.js', NEVER_KEEP],
    ['assets/adapter-card.svg', NEVER_KEEP],
    // A word of eight lowercase letters is not a hash: a file the build names itself keeps its name.
    ['assets/step-overview.js', NEVER_KEEP],
    ['assets/startup-B4nXQWZp.js.map', NEVER_KEEP],
    ['server/first-screen-B4nXQWZp.js', NEVER_KEEP],
  ])('%s → %s', (path, expected) => {
    expect(cacheControlFor(path)).toBe(expected);
  });
});

describe('a file as it goes out', () => {
  const compressed = new CompressedFiles();

  it('compressed and kept for good: a built script with its hash', async () => {
    const out = await fileResponse({ body: script, type: 'text/javascript; charset=utf-8', path: 'assets/startup-B4nXQWZp.js' }, 'gzip, br', compressed);
    expect(out.headers).toMatchObject({ 'Content-Encoding': 'br', Vary: 'Accept-Encoding', 'Cache-Control': KEEP_FOR_GOOD });
    expect(brotliDecompressSync(out.body).equals(script)).toBe(true);
  });

  it('as it is, but marked as varying, for a browser that accepts no encoding we have', async () => {
    const out = await fileResponse({ body: script, type: 'text/javascript; charset=utf-8', path: 'assets/startup-B4nXQWZp.js' }, 'identity', compressed);
    expect(out.headers['Content-Encoding']).toBeUndefined();
    expect(out.headers['Vary']).toBe('Accept-Encoding');
    expect(out.body).toBe(script);
  });

  it('as it is for an image', async () => {
    const png = Buffer.alloc(4096, 1);
    const out = await fileResponse({ body: png, type: 'image/png', path: 'assets/icon.png' }, 'br', compressed);
    expect(out.headers['Content-Encoding']).toBeUndefined();
    expect(out.headers['Vary']).toBeUndefined();
    expect(out.body).toBe(png);
  });

  it('goes as it is when compressing fails, rather than not at all', async () => {
    const failing = { get: () => Promise.reject(new Error('out of memory')), once: () => Promise.reject(new Error('out of memory')) };
    for (const made of [false, true]) {
      const out = await fileResponse({ body: script, type: 'text/javascript; charset=utf-8', path: 'assets/startup-B4nXQWZp.js', made }, 'br', failing);
      expect(out.headers['Content-Encoding']).toBeUndefined();
      expect(out.body).toBe(script);
    }
  });

  it('the page made for this request is compressed anew each time, and never kept', async () => {
    const page = Buffer.from(`<!doctype html><p>${'state '.repeat(400)}</p>`);
    const before = compressed.size;
    const out = await fileResponse({ body: page, type: 'text/html; charset=utf-8', path: 'index.html', made: true }, 'gzip', compressed);
    expect(out.headers).toMatchObject({ 'Content-Encoding': 'gzip', 'Cache-Control': NEVER_KEEP });
    expect(gunzipSync(out.body).equals(page)).toBe(true);
    expect(compressed.size).toBe(before);
  });
});
