import { sudoPackages, x220Scenario } from './x220';

/**
 * The healthy setup, except that the adapter's lane trained at 2.5 GT/s (PCIe Gen1) instead of the 5 GT/s
 * both the X220's ExpressCard port and the GPU can do: a marginal cable, or the adapter's Gen1 setting. It
 * works, at half the bandwidth; pciconf shows it at both ends of the link.
 */
export const x220Gen1Link = x220Scenario({
  name: 'x220-gen1-link',
  description: 'ThinkPad X220, Tesla P4 on the bus, but its one-lane link trained at 2.5 GT/s (PCIe Gen1) instead of 5 GT/s',
  gpu: 'healthy',
  powered: true,
  link: 'gen1',
  user: { name: 'demo', uid: 1001 },
  elevation: { sudo: 'password', sudoPassword: 'demo', doas: 'absent' },
  packages: sudoPackages,
});
