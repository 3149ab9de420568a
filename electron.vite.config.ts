import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import { stepAssets } from './vite.assets-plugin.ts';
import { mergedDictionaries } from './vite.compile-hints-plugin.ts';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: resolve(import.meta.dirname, 'electron/main.ts') },
      rollupOptions: { output: { entryFileNames: 'index.js' } },
    },
  },
  preload: {
    // A sandboxed preload must be CommonJS.
    build: {
      outDir: 'out/preload',
      lib: { entry: resolve(import.meta.dirname, 'electron/preload.ts'), formats: ['cjs'] },
      rollupOptions: { output: { entryFileNames: 'index.cjs' } },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    publicDir: false,
    // Each language is a chunk the page loads before its first paint: one JSON.parse each, as in browser mode.
    plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') }), stepAssets(), mergedDictionaries(resolve(import.meta.dirname, 'src/i18n'))],
    build: { outDir: 'out/renderer', rollupOptions: { input: resolve(import.meta.dirname, 'renderer/index.html') } },
  },
});
