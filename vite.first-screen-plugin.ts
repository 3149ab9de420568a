import { svelte } from '@sveltejs/vite-plugin-svelte';
import { join, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { EARLY_CLICKS_SCRIPT, FIRST_SCREEN_MODULE, TEXTS_CHUNKS } from './src/server/first-screen-path.ts';
import { mergedDictionaries } from './vite.compile-hints-plugin.ts';

const [FIRST_SCREEN_DIR, FIRST_SCREEN_FILE] = FIRST_SCREEN_MODULE;

/**
 * After the renderer's build, builds the same App for Node (`renderer/src/first-screen.server.ts`) into its
 * `server/` folder, so every build of the renderer (npm scripts, `serve`'s first run, the portable bundle, the
 * bench) comes with the code browser mode's server draws the first screen with, and with the small script that
 * holds clicks in the drawn screen until the page has taken it over (`renderer/src/early-clicks.ts`, built
 * alone so it stays small and never waits for the page's script), and with the list of each language's texts
 * chunk (`server/texts-chunks.json`). Everything the drawing code needs is bundled in: the portable bundle runs
 * with Node alone.
 */
export function firstScreenRenderer(): Plugin {
  const project = import.meta.dirname;
  let outDir = '';
  return {
    name: 'egpu-first-screen-renderer',
    apply: (_config, env) => env.command === 'build' && !env.isSsrBuild,
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    // Which chunk holds which language's texts (the dictionaries i18n.svelte.ts imports when needed): the server
    // has the browser fetch the page's language beside the page's script, not after it.
    generateBundle(_options, bundle) {
      const chunks: Record<string, string> = {};
      for (const chunk of Object.values(bundle)) {
        const locale = chunk.type === 'chunk' ? /[\\/]src[\\/]i18n[\\/]([A-Za-z-]+)[\\/]index\.ts$/.exec(chunk.facadeModuleId ?? '')?.[1] : undefined;
        if (locale !== undefined) chunks[locale] = chunk.fileName;
      }
      this.emitFile({ type: 'asset', fileName: TEXTS_CHUNKS.join('/'), source: `${JSON.stringify(chunks, null, 2)}\n` });
    },
    async closeBundle() {
      const esbuild = await import('esbuild');
      await esbuild.build({
        entryPoints: [join(project, 'renderer/src/early-clicks.ts')],
        outfile: join(outDir, ...EARLY_CLICKS_SCRIPT),
        bundle: true,
        format: 'iife',
        minify: true,
        target: 'es2022',
        logLevel: 'warning',
      });
      const { build } = await import('vite');
      await build({
        configFile: false,
        root: join(project, 'renderer'),
        logLevel: 'warn',
        plugins: [svelte({ configFile: join(project, 'svelte.config.js') }), mergedDictionaries(join(project, 'src/i18n'))],
        ssr: { noExternal: true, target: 'node' },
        build: {
          ssr: join(project, 'renderer/src/first-screen.server.ts'),
          outDir: join(outDir, FIRST_SCREEN_DIR),
          emptyOutDir: false,
          minify: true,
          sourcemap: false,
          rolldownOptions: { output: { entryFileNames: FIRST_SCREEN_FILE, format: 'es' } },
        },
      });
    },
  };
}
