/** The bhyve passthrough route: the card reserved for a guest, and whether the machine has an IOMMU. */
export const passthroughEn = {
  'scenario.x220-vtd': 'ThinkPad X220 (i5-2520M) with VT-d enabled in the BIOS',
  'scenario.x220-no-vtd': 'ThinkPad X220 (i5-2520M) with VT-d disabled in the BIOS (the factory default)',

  'diagnosis.gpu-reserved-for-passthrough.title': 'The GPU is reserved for a virtual machine',
  'diagnosis.iommu-missing.title': 'No IOMMU (VT-d): the card cannot be passed to a virtual machine',

  'diagnosis.gpu-reserved-for-passthrough.explanation':
    'The GPU at {selector} is held by ppt(4) as {name}: it was set aside for bhyve (pptdevs in /boot/loader.conf), so bhyve can hand it to a guest and no driver on this machine will take it. That is what the passthrough route wants, not a fault.',
  'diagnosis.gpu-reserved-for-passthrough.note':
    'To use the card on this machine again (the jail route), remove it from pptdevs in /boot/loader.conf (“Undo changes” does this for a reservation the wizard made) and restart.',
  'diagnosis.iommu-missing.bios':
    'The firmware provides no DMAR table, so VT-d is off. The CPU ({cpu}) supports VT-d, so the BIOS option is what is missing: on a ThinkPad X220 it is “Intel (R) VT-d Feature” under Security → Virtualization.',
  'diagnosis.iommu-missing.cpu':
    'The CPU ({cpu}) has no VT-d, so bhyve cannot pass a PCI device to a guest on this machine. No BIOS setting changes that; only a CPU with VT-d (on an X220: i5-2520M, i5-2540M, i7-2620M or i7-2640M) would.',
  'diagnosis.iommu-missing.unknown':
    'The firmware provides no DMAR table, so VT-d is off. Either the BIOS option is off or the CPU ({cpu}) has no VT-d: check Intel’s specifications for the CPU, then the BIOS.',
  'diagnosis.iommu-missing.note':
    'This matters only for the passthrough route (bhyve). The Linux jail route does not need VT-d.',

  'diagnosis.fix.enable-vtd.title': 'Turn on VT-d in the BIOS',
  'diagnosis.fix.enable-vtd.instruction':
    'Restart, press F1 for the BIOS setup, open Security → Virtualization and set both “Intel (R) Virtualization Technology” and “Intel (R) VT-d Feature” to Enabled. Save with F10, then power the machine off fully and start it again (VT-d changes need a cold boot).',
  'diagnosis.fix.use-jail-route.title': 'Use the Linux jail route instead',
  'diagnosis.fix.use-jail-route.instruction':
    'The jail route runs CUDA through the FreeBSD NVIDIA driver and needs no VT-d. It is the route this wizard takes by default.',
} as const;
