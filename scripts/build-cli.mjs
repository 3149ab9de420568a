// Builds the CLI and the browser-mode server into plain JavaScript in out/cli/, so `egpu-wizard` compiles
// nothing when it starts. `npm ci` runs this (the `prepare` script); the unit tests run it before they spawn
// bin/egpu-wizard.mjs (test/global-setup.ts); `npm run bundle` builds the same into the portable bundle.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cliOutDir = join(projectRoot, 'out', 'cli');

/**
 * Every npm dependency is bundled in (zod, execa and theirs), so the output runs with Node alone. Each
 * command is its own chunk, loaded when that command runs. Chunks stay flat beside index.mjs: the server finds
 * the interface two folders up from them (src/server/build-renderer.ts).
 */
export async function buildCli(outdir) {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: projectRoot,
    entryPoints: { index: 'src/cli/index.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
    // Only `serve` in a checkout without a built interface builds it with vite, a development tool; the
    // portable bundle ships the interface built.
    external: ['vite'],
    // Some of execa's dependencies are CommonJS and require Node's built-in modules.
    banner: { js: "import { createRequire as __egpuCreateRequire } from 'node:module';\nconst require = __egpuCreateRequire(import.meta.url);" },
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

/** Builds beside out/cli and swaps it in, so a CLI started meanwhile never sees half a build. */
export async function buildCliInPlace() {
  const fresh = `${cliOutDir}.new-${process.pid}`;
  const old = `${cliOutDir}.old-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  await buildCli(fresh);
  if (existsSync(cliOutDir)) renameSync(cliOutDir, old);
  renameSync(fresh, cliOutDir);
  rmSync(old, { recursive: true, force: true });
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  try {
    await import('esbuild');
  } catch {
    // `npm ci --omit=dev` has no esbuild: say so instead of failing the whole install.
    console.warn('egpu-wizard: esbuild is not installed (npm ci --omit=dev?), so the command line is not built; run a full "npm ci", or use the portable bundle ("npm run bundle").');
    process.exit(0);
  }
  await buildCliInPlace();
}
