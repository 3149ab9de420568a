/**
 * Plays one FreeBSD tool on the "remote" side of the test sshd: `sim-shim.ts <program> [args…]`. The machine
 * is the SimulatedHost's scenario, kept in the JSON file named by $EGPU_SIM_STATE between calls, so what one
 * command changes (a file written, a module loaded) the next one sees. The test sshd puts wrappers named
 * after each tool first in the PATH; each runs this with its own name.
 *
 * $EGPU_SIM_DROP (tests of lost connections): a JSON file `{ "argv0": "mv", "when": "before" | "after",
 * "skip": 0, "times": 1 }`; after `skip` matching calls, the next `times` ones kill this connection's sshd
 * session process, before or after the command's effect is saved, as a network failure at that moment would
 * look to the wizard.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { Scenario } from '../../../src/host/simulated/scenario';
import { SimulatedHost } from '../../../src/host/simulated/simulated-host';

const Drop = z
  .object({ argv0: z.string(), when: z.enum(['before', 'after']), skip: z.number().int().nonnegative().default(0), times: z.number().int().nonnegative() })
  .strict();

function readStdin(): string | undefined {
  try {
    const text = readFileSync(0, 'utf8');
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

/** Sessions of one master run side by side: each writes its own temporary file before the rename. */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** The sshd process serving this session: the nearest ancestor called sshd. */
function sessionSshd(): number | null {
  let pid = process.ppid;
  for (let depth = 0; depth < 10 && pid > 1; depth++) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = /\(([^)]*)\)/.exec(stat)?.[1] ?? '';
    if (comm.startsWith('sshd')) return pid;
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return null;
}

/** Cuts this connection if the drop file says so for this program at this moment. */
function maybeDrop(program: string, when: 'before' | 'after'): void {
  const path = process.env.EGPU_SIM_DROP;
  if (!path) return;
  let drop: z.infer<typeof Drop>;
  try {
    drop = Drop.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return;
  }
  if (drop.argv0 !== program || drop.when !== when || drop.times === 0) return;
  if (drop.skip > 0) {
    writeAtomically(path, JSON.stringify({ ...drop, skip: drop.skip - 1 }));
    return;
  }
  writeAtomically(path, JSON.stringify({ ...drop, times: drop.times - 1 }));
  const sshd = sessionSshd();
  if (sshd !== null) process.kill(sshd, 'SIGKILL');
  process.exit(255);
}

async function main(): Promise<number> {
  const statePath = process.env.EGPU_SIM_STATE;
  const [program = '', ...args] = process.argv.slice(2);
  if (!statePath) {
    process.stderr.write('sim-shim: EGPU_SIM_STATE is not set\n');
    return 70;
  }
  // The real wrapped programs: sudo and doas hand the wrapped program's name on, so drop on that too.
  const effective = program === 'sudo' || program === 'doas' ? (args.find((a, i) => i > 0 && args[i - 1] === '--') ?? args.find((a) => !a.startsWith('-')) ?? program) : program;
  maybeDrop(effective, 'before');
  const scenario = Scenario.parse(JSON.parse(readFileSync(statePath, 'utf8')));
  const before = JSON.stringify(scenario);
  const host = new SimulatedHost(scenario, { timeScale: 0 });
  const stdin = readStdin();
  const result = await host.exec({ argv: [program, ...args], timeoutMs: 60_000, ...(stdin !== undefined ? { stdin } : {}) });
  if (result.spawnError === 'ENOENT') {
    // What env(1) says when the program is not on the PATH.
    process.stderr.write(`env: ${program}: No such file or directory\n`);
    return 127;
  }
  // A reading changes nothing: leaving the file alone keeps concurrent readings from undoing each other's writes.
  const after = JSON.stringify(host.snapshot());
  if (after !== before) writeAtomically(statePath, after);
  maybeDrop(effective, 'after');
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.exitCode ?? 70;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`sim-shim: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);
