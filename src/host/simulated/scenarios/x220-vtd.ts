import { sudoPackages, x220Scenario } from './x220';

/** An X220 with the vPro i5-2520M and “Intel (R) VT-d Feature” enabled: its firmware provides the DMAR table. */
export const x220Vtd = x220Scenario({
  name: 'x220-vtd',
  description: 'ThinkPad X220 (i5-2520M) with VT-d enabled in the BIOS, Tesla P4 connected and powered',
  gpu: 'healthy',
  powered: true,
  user: { name: 'demo', uid: 1001 },
  elevation: { sudo: 'password', sudoPassword: 'demo', doas: 'absent' },
  packages: sudoPackages,
  vtd: true,
});

/** The same machine with the BIOS option left at its default (off): no DMAR table, so no passthrough. */
export const x220NoVtd = x220Scenario({
  name: 'x220-no-vtd',
  description: 'ThinkPad X220 (i5-2520M) with VT-d disabled in the BIOS, Tesla P4 connected and powered',
  gpu: 'healthy',
  powered: true,
  user: { name: 'demo', uid: 1001 },
  elevation: { sudo: 'password', sudoPassword: 'demo', doas: 'absent' },
  packages: sudoPackages,
  vtd: false,
});
