import { sudoPackages, x220Scenario } from './x220';

/**
 * Error 12 that hw.pci.realloc_bars cannot fix: the PCI root window the firmware declares in its ACPI tables
 * is too small for the P4's 304 MiB of BARs, so after the reboot the kernel still finds no room. Only an
 * ACPI DSDT override (or another BIOS) could help, and the wizard cannot write that table for the user.
 */
export const x220Error12Stubborn = x220Scenario({
  name: 'x220-error12-stubborn',
  description: 'ThinkPad X220, Tesla P4 on the bus but its BARs stay unassigned even with hw.pci.realloc_bars=1',
  gpu: 'error12-stubborn',
  powered: true,
  user: { name: 'demo', uid: 1001 },
  elevation: { sudo: 'password', sudoPassword: 'demo', doas: 'absent' },
  packages: sudoPackages,
});
