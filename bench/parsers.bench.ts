// Parser and diagnosis timings on the real FreeBSD outputs; prints numbers, asserts nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AuditLog } from '../src/audit/audit-log';
import { CommandRunner } from '../src/commands/runner';
import { parseDmesg } from '../src/commands/parsers/dmesg';
import { parsePciconf } from '../src/commands/parsers/pciconf';
import { createHost } from '../src/host/create-host';
import { wizardSteps } from '../src/steps';
import { diagnose } from '../src/wizard/diagnose';

const shared = resolve(import.meta.dirname, '..', '..', 'shared', 'fixtures');

function texts(folder: string): string[] {
  const dir = join(shared, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

function time(label: string, rounds: number, work: () => void): void {
  work(); // warm-up
  const start = performance.now();
  for (let i = 0; i < rounds; i++) work();
  const perRound = (performance.now() - start) / rounds;
  console.log(`${label.padEnd(44)} ${perRound.toFixed(2).padStart(9)} ms per round`);
}

const pciconf = texts('pciconf');
const dmesg = texts('dmesg');
const pciBytes = pciconf.reduce((n, t) => n + t.length, 0);
const dmesgBytes = dmesg.reduce((n, t) => n + t.length, 0);
console.log(`fixtures: ${pciconf.length} pciconf (${(pciBytes / 1024).toFixed(0)} KiB), ${dmesg.length} dmesg (${(dmesgBytes / 1024).toFixed(0)} KiB)`);
time(`parse all pciconf fixtures`, 50, () => pciconf.forEach((t) => parsePciconf(t)));
time(`parse all dmesg fixtures`, 50, () => dmesg.forEach((t) => parseDmesg(t)));
const big = dmesg.join('\n').repeat(4);
time(`parse one ${(big.length / 1048576).toFixed(1)} MiB dmesg`, 10, () => parseDmesg(big));

for (const spec of ['sim:x220-fresh', 'sim:x220-error12']) {
  const runner = new CommandRunner(createHost(spec), new AuditLog(null), () => ({ method: 'none', password: null }));
  const start = performance.now();
  await diagnose(runner, wizardSteps);
  console.log(`${`diagnose on ${spec}`.padEnd(44)} ${(performance.now() - start).toFixed(2).padStart(9)} ms`);
}
