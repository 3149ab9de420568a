import { sudoPackages, x220Scenario } from './x220';

/**
 * The adapter's power supply was switched on after FreeBSD booted. FreeBSD scanned the ExpressCard port at
 * boot, found nothing, and gave it no bus; it does not rescan when the card comes alive, so the GPU is not
 * on the bus (and the port reads like the unpowered one) until the next boot, after which the machine is
 * exactly x220-fresh.
 */
export const x220Hotplugged = x220Scenario({
  name: 'x220-hotplugged',
  description: 'ThinkPad X220, EXP GDC Beast powered on after FreeBSD booted: the Tesla P4 appears only after a restart',
  gpu: 'healthy',
  powered: true,
  enumerated: false,
  user: { name: 'demo', uid: 1001 },
  elevation: { sudo: 'password', sudoPassword: 'demo', doas: 'absent' },
  packages: sudoPackages,
});
