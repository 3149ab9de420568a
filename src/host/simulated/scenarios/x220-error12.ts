import { sudoPackages, x220Scenario } from './x220';

/** The GPU enumerates but none of its memory ranges could be placed (Windows would call it Code 12). */
export const x220Error12 = x220Scenario({
  name: 'x220-error12',
  description: 'ThinkPad X220, Tesla P4 found on the bus but its BARs could not be assigned',
  gpu: 'error12',
  powered: true,
  user: { name: 'demo', uid: 1001 },
  elevation: { sudo: 'password', sudoPassword: 'demo', doas: 'absent' },
  packages: sudoPackages,
});
