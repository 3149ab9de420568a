import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { stepAssets } from './vite.assets-plugin.ts';

/** Builds the renderer alone, for browser mode (`serve`) and the e2e tests; Electron builds use electron.vite.config.ts. */
export default defineConfig({
  root: resolve(import.meta.dirname, 'renderer'),
  base: './',
  publicDir: false,
  plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') }), stepAssets()],
  build: { outDir: resolve(import.meta.dirname, 'out/renderer'), emptyOutDir: true, sourcemap: true },
});
