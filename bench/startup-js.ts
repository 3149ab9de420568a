import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface StartupScript {
  /** Path relative to the built folder, as index.html names it. */
  file: string;
  bytes: number;
  gzipBytes: number;
}

/**
 * The JavaScript a built page loads before it can run: the entry module and every module it preloads
 * (`<script type="module" src>` and `<link rel="modulepreload" href>` in index.html). Chunks loaded later by
 * `import()` are not part of it.
 */
export async function startupScripts(builtDir: string): Promise<StartupScript[]> {
  const html = await readFile(join(builtDir, 'index.html'), 'utf8');
  const files = new Set<string>();
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = /\bsrc="([^"]+)"/i.exec(tag)?.[1];
    if (src && /\btype="module"/i.test(tag)) files.add(src);
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const href = /\bhref="([^"]+)"/i.exec(tag)?.[1];
    if (href && /\brel="modulepreload"/i.test(tag)) files.add(href);
  }
  const scripts: StartupScript[] = [];
  for (const file of files) {
    const body = await readFile(join(builtDir, file.replace(/^\.?\//, '')));
    scripts.push({ file, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length });
  }
  return scripts;
}

export const totalGzip = (scripts: readonly StartupScript[]): number => scripts.reduce((n, s) => n + s.gzipBytes, 0);
export const totalRaw = (scripts: readonly StartupScript[]): number => scripts.reduce((n, s) => n + s.bytes, 0);
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
