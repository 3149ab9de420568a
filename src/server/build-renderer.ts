import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const projectRoot = resolve(import.meta.dirname, '..', '..');
export const rendererOutDir = resolve(projectRoot, 'out', 'renderer');

/** `serve` right after install should just work: build the interface once if it is not there yet. */
export async function ensureRendererBuilt(say: (line: string) => void): Promise<string> {
  if (existsSync(resolve(rendererOutDir, 'index.html'))) return rendererOutDir;
  say('Building the wizard’s interface (first run only)…');
  const { build } = await import('vite');
  await build({ configFile: resolve(projectRoot, 'vite.renderer.config.ts'), logLevel: 'warn' });
  return rendererOutDir;
}
