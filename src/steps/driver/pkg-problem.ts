import { msg, type Message } from '../../contract/messages';
import type { CommandRun } from '../../commands/runner';
import { pkgProblem } from '../../commands/pkg/problems';

/** A failed pkg run in words the user can act on; every kind says what to do before trying again. */
export function explainPkgFailure(run: CommandRun<unknown>): Message {
  if (run.outcome === 'timeout') return msg('steps.driver.pkg.timeout');
  // sudo -n, used while no password is held, refuses before pkg (or the daemon(8) that would start it) runs.
  if (run.refusal === 'password-required' || /^sudo: a password is required$/m.test(run.stderr)) return msg('steps.driver.pkg.needsPassword');
  if (run.refusal === 'no-elevation') return msg('steps.driver.pkg.noElevation');
  const kind = pkgProblem(run);
  return kind === null ? msg('steps.driver.pkg.other', { code: run.exitCode ?? '—' }) : msg(`steps.driver.pkg.${kind}`);
}
