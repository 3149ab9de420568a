#!/usr/bin/env node
// Runs the built CLI in out/cli/ (plain JavaScript: `npm ci` builds it, and so does `npm run build:cli`).
// The same file starts the portable bundle, whose out/cli/ sits beside it in the same layout.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// package.json's engines: Node 20.19 or later. An older Node (an old FreeBSD package, say) gets one clear line
// instead of a syntax or missing-API error from deep inside the build.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`egpu-wizard: needs Node.js 20.19 or later; this is ${process.version} (on FreeBSD: pkg install node).\n`);
  process.exit(1);
}

const root = new URL('..', import.meta.url);
const entry = new URL('out/cli/index.mjs', root);

async function load() {
  try {
    return await import(entry.href);
  } catch (error) {
    if (existsSync(entry)) throw error;
  }
  // A checkout where the build has not run yet (npm ci --ignore-scripts, say): build it once, as serve does
  // with the interface. Where there is nothing to build it from, say what is missing.
  const builder = new URL('scripts/build-cli.mjs', root);
  if (!existsSync(builder) || !existsSync(new URL('node_modules/esbuild', root))) {
    process.stderr.write(`egpu-wizard: the command line is not built (${fileURLToPath(entry)} is missing): run "npm ci" or "npm run build:cli" in the checkout, or unpack the portable bundle again.\n`);
    process.exit(1);
  }
  process.stderr.write('egpu-wizard: building the command line (first run only)…\n');
  await (await import(builder.href)).buildCliInPlace();
  return import(entry.href);
}

const { main } = await load();
process.exitCode = await main(process.argv.slice(2));
