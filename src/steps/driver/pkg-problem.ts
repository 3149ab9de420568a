import { msg, type Message } from '../../contract/messages';
import type { CommandRun } from '../../commands/runner';
import { pkgProblem } from '../../commands/pkg/problems';

/** A failed pkg run in words the user can act on; every kind says what to do before trying again. */
export function explainPkgFailure(run: CommandRun<unknown>): Message {
  if (run.outcome === 'timeout') return msg('steps.driver.pkg.timeout');
  if (run.refusal === 'password-required') return msg('steps.driver.pkg.needsPassword');
  if (run.refusal === 'no-elevation') return msg('steps.driver.pkg.noElevation');
  const kind = pkgProblem(run);
  return kind === null ? msg('steps.driver.pkg.other', { code: run.exitCode ?? '—' }) : msg(`steps.driver.pkg.${kind}`);
}
