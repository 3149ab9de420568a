import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { z } from 'zod';

const HINT = '//# allFunctionsCalledOnLoad';

/**
 * V8's compile hint at the top of the named chunk: V8 then compiles all of its functions while the file
 * streams in, on a background thread, instead of each one on the main thread the first time it is called.
 * Most functions of the startup script run before the first screen; compiling the others as well costs more
 * in total, but not on the thread that draws. The hint only counts above the first statement, and Vite puts
 * its own helper there at the very end, so this runs after every other plugin.
 */
export function compileHints(chunkName: string): Plugin {
  return {
    name: 'egpu-compile-hints',
    apply: 'build',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        for (const chunk of Object.values(bundle)) {
          if (chunk.type !== 'chunk' || chunk.name !== chunkName) continue;
          chunk.code = `${HINT}\n${chunk.code}`;
          // One line more at the top: every mapping moves down a line.
          const map = bundle[`${chunk.fileName}.map`];
          if (map?.type === 'asset' && typeof map.source === 'string') {
            const parsed = JSON.parse(map.source) as { mappings?: unknown };
            if (typeof parsed.mappings === 'string') map.source = JSON.stringify({ ...parsed, mappings: `;${parsed.mappings}` });
          }
        }
      },
    },
  };
}

/**
 * Each language's dictionary (`<i18nDir>/<locale>/index.ts`, which spreads a dozen and more modules into one
 * object) becomes one `JSON.parse` of the merged texts, worked out here at build time. Spreading them into one
 * object in the page cost about 8 ms of the startup script's evaluation on the main thread; parsing the same
 * texts as JSON costs well under 1 ms. The source modules and their types stay as they are.
 */
export function mergedDictionaries(i18nDir: string): Plugin {
  return {
    name: 'egpu-merged-dictionaries',
    load: {
      filter: { id: /[\\/]i18n[\\/][A-Za-z-]+[\\/]index\.ts$/ },
      async handler(id) {
        const file = id.split('?', 1)[0] ?? id;
        if (!file.startsWith(i18nDir)) return null;
        const { build } = await import('esbuild');
        const bundled = await build({ entryPoints: [file], bundle: true, write: false, format: 'esm', platform: 'neutral', metafile: true, logLevel: 'silent' });
        for (const input of Object.keys(bundled.metafile.inputs)) this.addWatchFile(resolve(input));
        const module: unknown = await import(`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0]?.text ?? '').toString('base64')}`);
        const entries = Object.entries(DictionaryModule.parse({ ...Object(module) }));
        const [name, texts] = entries[0] ?? [];
        if (entries.length !== 1 || name === undefined || texts === undefined) throw new Error(`${file}: expected one export, the dictionary`);
        return `export const ${name} = JSON.parse(${JSON.stringify(JSON.stringify(texts))});\n`;
      },
    },
  };
}

/** A dictionary module exports one object of texts. */
const DictionaryModule = z.record(z.string(), z.record(z.string(), z.string()));
