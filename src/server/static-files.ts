import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { FIRST_SCREEN_MODULE } from './first-screen-path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** Reads a file of the built renderer; refuses anything that would leave its folder. `path` is relative to it. */
export async function readStatic(root: string, urlPath: string): Promise<{ body: Buffer; type: string; path: string } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^([/\\])+/, '');
  // The first screen's drawing code is the server's, not the page's (see first-screen.ts).
  if (relative.split(sep)[0]?.toLowerCase() === FIRST_SCREEN_MODULE[0]) return null;
  const full = join(root, relative);
  if (!full.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  try {
    return { body: await readFile(full), type: TYPES[extname(full)] ?? 'application/octet-stream', path: relative.split(sep).join('/') };
  } catch {
    return null;
  }
}
