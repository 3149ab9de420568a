import type { Scenario } from '../scenario';
import { x220Error12 } from './x220-error12';

/**
 * sudo refuses once, in the middle of a two-file change (as when a password timestamp runs out or a policy
 * changes under the wizard): the rename of rc.conf fails after loader.conf was already replaced, so the
 * wizard must put loader.conf back.
 */
export const x220SudoFails: Scenario = {
  ...structuredClone(x220Error12),
  name: 'x220-sudo-fails',
  description: 'ThinkPad X220 where sudo refuses once, halfway through a change',
  failures: [
    {
      argv: ['sudo', '-S', '-p', '', '-k', '--', 'mv', '-f', '/etc/rc.conf.egpu-new', '/etc/rc.conf'],
      exitCode: 1,
      stdout: '',
      stderr: 'sudo: a password is required\n',
      durationMs: 0,
      times: 1,
    },
  ],
};
