import type { Plugin } from 'vite';

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
