#!/usr/bin/env node
// Runs the TypeScript CLI directly (through tsx), so the command works right after `npm ci`, with no build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
