// How long `egpu-wizard` takes to start, next to a bare `node -e 0` on the same machine in the same run.
// Each round runs every command once, in turn, so a busy machine slows all of them alike; prints medians and
// the ratio to bare node. Asserts nothing.
//   node bench/cli-start.bench.mjs [--runs N] [--tsx]     (--tsx adds the CLI run from source through tsx)
// Needs the built CLI (npm ci, or npm run build:cli).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' }, tsx: { type: 'boolean' } } });
const runs = Number(values.runs);
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'egpu-wizard.mjs');
// A 22 KB pciconf -lvbc from a real machine, like the X220's own listing.
const pciconf = resolve(root, '..', 'shared', 'fixtures', 'pciconf', 'nv-TUF-Gaming-Z690-PLUS-WIFI-D4-0d10adf1.txt');
if (!existsSync(join(root, 'out', 'cli', 'index.mjs'))) throw new Error('the CLI is not built: npm run build:cli');
if (!existsSync(pciconf)) throw new Error(`fixture missing: ${pciconf}`);

const cases = [
  ['node -e 0', [process.execPath, '-e', '0']],
  ['egpu-wizard --help', [process.execPath, bin, '--help']],
  ['egpu-wizard parse pciconf (22 KB)', [process.execPath, bin, 'parse', 'pciconf', pciconf]],
  ['egpu-wizard estimate --model-size 6GB', [process.execPath, bin, 'estimate', '--model-size', '6GB']],
];
if (values.tsx) {
  const source = ['--import', 'tsx', join(root, 'src', 'cli', 'index.ts')];
  cases.push(['from source via tsx: --help', [process.execPath, ...source, '--help']]);
  cases.push(['from source via tsx: parse pciconf', [process.execPath, ...source, 'parse', 'pciconf', pciconf]]);
}

const times = cases.map(() => []);
const once = ([command, ...args]) => {
  const started = process.hrtime.bigint();
  const run = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
};
cases.forEach(([, argv]) => once(argv)); // warm the file cache
for (let round = 0; round < runs; round++) cases.forEach(([, argv], i) => times[i].push(once(argv)));

const median = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const base = median(times[0]);
console.log(`Node ${process.version}, ${runs} interleaved runs each; median wall time, and ratio to node -e 0`);
cases.forEach(([label], i) => {
  const m = median(times[i]);
  console.log(`${label.padEnd(40)} ${m.toFixed(1).padStart(8)} ms  ${(m / base).toFixed(2).padStart(6)}×`);
});
