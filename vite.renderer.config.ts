import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { stepAssets } from './vite.assets-plugin.ts';
import { compileHints, mergedDictionaries } from './vite.compile-hints-plugin.ts';
import { firstScreenRenderer } from './vite.first-screen-plugin.ts';

/** Builds the renderer alone, for browser mode (`serve`) and the e2e tests; Electron builds use electron.vite.config.ts. */
export default defineConfig({
  root: resolve(import.meta.dirname, 'renderer'),
  base: './',
  publicDir: false,
  plugins: [
    svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') }),
    stepAssets(),
    mergedDictionaries(resolve(import.meta.dirname, 'src/i18n')),
    compileHints('startup'),
    firstScreenRenderer(),
  ],
  build: {
    outDir: resolve(import.meta.dirname, 'out/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    // Everything the first screen needs in one file, one request: split by hand, the bundler would put the
    // modules shared with lazily loaded parts (Svelte, the English texts) into a handful of small chunks.
    rolldownOptions: {
      output: { codeSplitting: { groups: [{ name: 'startup', tags: ['$initial'] }] } },
      // The first screen's own build runs in a plugin's closeBundle, and would be reported as a slow plugin.
      checks: { bundlerTimings: false },
    },
  },
});
