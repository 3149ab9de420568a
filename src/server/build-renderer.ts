import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Two folders up from this module: from `src/server/` when run from source (tests, Electron's build), and from
 * `out/cli/` when run as the built CLI, in the checkout or unpacked from the portable bundle, whose layout is
 * the checkout's (`bin/`, `out/cli/`, `out/renderer/`). The CLI build keeps its chunks flat in `out/cli/`.
 */
export const projectRoot = resolve(import.meta.dirname, '..', '..');
export const rendererOutDir = resolve(projectRoot, 'out', 'renderer');

/** `serve` right after install should just work: build the interface once if it is not there yet. */
export async function ensureRendererBuilt(say: (line: string) => void): Promise<string> {
  if (existsSync(resolve(rendererOutDir, 'index.html'))) return rendererOutDir;
  const config = resolve(projectRoot, 'vite.renderer.config.ts');
  // The portable bundle ships the interface built and has no vite; a bundle without it is damaged.
  if (!existsSync(config)) throw new Error(`the wizard's interface is missing (${rendererOutDir}): unpack the portable bundle again`);
  say('Building the wizard’s interface (first run only)…');
  const { build } = await import('vite');
  await build({ configFile: config, logLevel: 'warn' });
  return rendererOutDir;
}
