import { msg } from '../contract/messages';
import type { CheckResult, ProposedCommand } from '../contract/state';
import type { CommandId } from '../commands/catalogue';
import type { CommandRun, CommandRunner, RunOptions } from '../commands/runner';
import { sshAddressOf } from '../contract/ssh-spec';
import { Limiter } from '../host/limit';
import type { CheckDefinition, EvaluationContext, Invocation, Verdict } from './step';

/**
 * Commands of one round running at a time. A remote host serves a bounded number of sessions (sshd's
 * MaxSessions is 10 per connection), and a whole diagnosis asks for some twenty commands at once.
 */
export const ROUND_CONCURRENCY = 6;

/**
 * Runs checks side by side. A command two checks both need (pciconf, say) runs once per round: the
 * cache is keyed by command and arguments. At most ROUND_CONCURRENCY commands run at a time.
 */
export class CheckRound {
  private readonly cache = new Map<string, Promise<CommandRun<unknown>>>();
  private readonly limiter = new Limiter(ROUND_CONCURRENCY);

  constructor(
    private readonly runner: CommandRunner,
    private readonly options: RunOptions,
  ) {}

  private runOnce(command: CommandId, args: unknown): Promise<CommandRun<unknown>> {
    const key = `${command}\u0000${JSON.stringify(args)}`;
    let pending = this.cache.get(key);
    if (!pending) {
      // The invocation was built by `invoke()`, which checked the arguments' type for this command.
      pending = this.limited(command, args);
      this.cache.set(key, pending);
    }
    return pending;
  }

  private limited(command: CommandId, args: unknown): Promise<CommandRun<unknown>> {
    // Cancelled while waiting its turn, the command still goes to the runner, which records it as cancelled.
    return this.limiter.run(() => this.runner.run(command, args as never, this.options) as Promise<CommandRun<unknown>>);
  }

  async check(check: CheckDefinition, context: EvaluationContext): Promise<{ verdict: Verdict; runs: CommandRun<unknown>[] }> {
    const names = Object.keys(check.commands);
    const runs = await Promise.all(
      names.map((name) => {
        const invocation = check.commands[name];
        if (!invocation) throw new Error(`check ${check.id}: no invocation ${name}`);
        return this.runOnce(invocation.command, invocation.args);
      }),
    );
    const byName: Record<string, CommandRun<unknown>> = {};
    names.forEach((name, i) => {
      const run = runs[i];
      if (run) byName[name] = run;
    });
    // Readings that must follow the first commands run afresh, after them (see CheckDefinition.then).
    if (check.then && !runs.some((r) => r.outcome === 'cancelled')) {
      // Every value of a `then` map is an Invocation (defineCheck's type says so); the widened type forgot it.
      const later: Record<string, Invocation<unknown> | undefined> = typeof check.then === 'function' ? check.then(byName as never, context) : check.then;
      for (const [name, invocation] of Object.entries(later)) {
        if (invocation === undefined) continue;
        const run = await this.limited(invocation.command, invocation.args);
        byName[name] = run;
        runs.push(run);
      }
    }
    if (runs.some((r) => r.outcome === 'cancelled')) {
      return { verdict: { status: 'skip', reason: msg('wizard.check.cancelled'), advice: [], evidence: [] }, runs };
    }
    // The way to a remote host failed: the outputs say nothing about the machine; running again may work.
    const lost = runs.find((r) => r.outcome === 'connection-lost');
    if (lost) {
      const kind = lost.transport?.kind ?? 'connection-lost';
      const reason = msg(`ssh.error.${kind}`, { host: sshAddressOf(lost.host ?? this.runner.hostSpec), detail: lost.transport?.detail ?? '' });
      return { verdict: { status: 'error', reason, advice: [msg('ssh.advice.retry')], evidence: [] }, runs };
    }
    try {
      return { verdict: check.evaluate(byName as never, context), runs };
    } catch (error) {
      return {
        verdict: {
          status: 'error',
          reason: msg('wizard.check.internalError', { detail: error instanceof Error ? error.message : String(error) }),
          advice: [],
          evidence: [],
        },
        runs,
      };
    }
  }
}

export const toCheckResult = (verdict: Verdict, at: Date): CheckResult => ({
  status: verdict.status,
  reason: verdict.reason,
  advice: verdict.advice,
  evidence: verdict.evidence,
  figures: verdict.figures ?? [],
  plan: verdict.plan ?? [],
  commands: (verdict.commands ?? []).map(proposed),
  ranAt: at.toISOString(),
});

/** An invocation as it is saved with a check result; every catalogue entry takes an object of arguments. */
function proposed(invocation: Invocation<unknown>): ProposedCommand {
  const { args } = invocation;
  const record = typeof args === 'object' && args !== null && !Array.isArray(args) ? Object.fromEntries(Object.entries(args)) : {};
  return { command: invocation.command, args: record };
}
