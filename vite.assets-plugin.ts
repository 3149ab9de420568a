import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Plugin } from 'vite';

/**
 * Step illustrations live in the project's `assets/` (shared with electron-builder's icons); the renderer
 * shows them as `assets/<name>`, so they are copied next to the built scripts — into the build's own outDir,
 * which the portable bundle (scripts/bundle.mjs) points elsewhere.
 */
export function stepAssets(): Plugin {
  const source = resolve(import.meta.dirname, 'assets');
  let outDir = '';
  return {
    name: 'egpu-step-assets',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async writeBundle() {
      const target = join(outDir, 'assets');
      await mkdir(target, { recursive: true });
      for (const name of await readdir(source)) {
        if (/\.(svg|png)$/.test(name)) await copyFile(join(source, name), join(target, name));
      }
    },
  };
}
