// `npm test`: typecheck, unit tests, electronegativity, then the e2e suite; ends with one "N passed, N failed" line
// over all of them (electronegativity counts as one).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// Not under test-results/: Playwright empties that folder when it starts.
const reports = 'test-reports';
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

function step(title, command, args, env = {}) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

// Built first: the CSP test reads the built page, and it must be this checkout's.
const buildOk = step('build the renderer', 'npm', ['run', '--silent', 'build:renderer']);
const typecheckOk = step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
const unitOk = step('unit tests (vitest)', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${join(reports, 'unit.json')}`]);
const electronegativityOk = step('electronegativity', 'node', ['scripts/electronegativity.mjs']);
const e2eOk = buildOk && step('end-to-end tests (playwright)', 'npx', ['playwright', 'test', '--reporter=list,json'], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: join(reports, 'e2e.json'),
});

const unit = readJson(join(reports, 'unit.json'));
const e2e = readJson(join(reports, 'e2e.json'));
const passed = (unit?.numPassedTests ?? 0) + (e2e?.stats?.expected ?? 0) + (electronegativityOk ? 1 : 0);
const failed = (unit?.numFailedTests ?? 0) + (e2e?.stats?.unexpected ?? 0) + (e2e?.stats?.flaky ?? 0) + (electronegativityOk ? 0 : 1);
const skipped = (unit?.numPendingTests ?? 0) + (e2e?.stats?.skipped ?? 0);
const allOk = typecheckOk && unitOk && electronegativityOk && e2eOk && unit !== null && e2e !== null;

const verdict = (ok) => (ok ? 'ok' : 'FAILED');
console.log(`\ntypecheck: ${verdict(typecheckOk)}; unit: ${verdict(unitOk)}; electronegativity: ${verdict(electronegativityOk)}; e2e: ${verdict(e2eOk)}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(allOk ? 0 : 1);
