import { sudoPackages, x220Scenario } from './x220';

/** The adapter's ExpressCard is in the slot but its power supply is off, so nothing is behind the port. */
export const x220Unpowered = x220Scenario({
  name: 'x220-unpowered',
  description: 'ThinkPad X220, EXP GDC Beast inserted but without power: no NVIDIA device on the bus',
  gpu: 'healthy',
  powered: false,
  user: { name: 'demo', uid: 1001 },
  elevation: { sudo: 'password', sudoPassword: 'demo', doas: 'absent' },
  packages: sudoPackages,
});
