import { sudoPackages, x220Scenario } from './x220';

/** The happy path before any setup: the GPU is on the bus with its memory assigned, no NVIDIA software yet. */
export const x220Fresh = x220Scenario({
  name: 'x220-fresh',
  description: 'ThinkPad X220, fresh FreeBSD 14.2, Tesla P4 in the EXP GDC Beast, connected and powered',
  gpu: 'healthy',
  powered: true,
  user: { name: 'demo', uid: 1001 },
  elevation: { sudo: 'password', sudoPassword: 'demo', doas: 'absent' },
  packages: sudoPackages,
});
