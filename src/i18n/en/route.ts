/** The choice at the Linux jail step between the jail and bhyve passthrough, and reserving the card for a guest. */
export const routeEn = {
  'route.passthrough.title': 'CUDA in a bhyve VM',
  'route.passthrough.intro':
    'On this route FreeBSD gives the card up at boot: bhyve’s ppt(4) driver holds it, and the wizard builds a Linux virtual machine named “cuda” (Ubuntu 24.04) that gets the card itself. Each piece is shown before it is made, and “Undo changes” takes the route back.',
  'route.instructions':
    'There are two ways for CUDA to reach the card. Choose one below; the wizard recommends one from this machine’s CPU, firmware and memory, and you can change your mind later.',
  'route.input': 'How CUDA reaches the card',
  'route.choice.jail': 'Linux jail on this machine',
  'route.choice.jail.hint':
    'The card stays with FreeBSD and its NVIDIA driver; CUDA programs run in a jail through the Linux ABI. The FreeBSD driver and linux-nvidia-libs must be the same version, now and after every upgrade. Needs no VT-d and no memory set aside.',
  'route.choice.passthrough': 'Pass the card through to a Linux VM (bhyve)',
  'route.choice.passthrough.hint':
    'A Linux virtual machine gets the card itself and runs NVIDIA’s own Linux driver, so every CUDA program runs unmodified and no FreeBSD driver has to match. FreeBSD loses the card (no nvidia-smi on the host), the VM needs memory of its own (an X220 takes 16 GB at most), and the CPU and the BIOS must provide VT-d.',
  'route.notChecked': 'Run the checks first: whether this machine can pass the card through is read from its CPU and its firmware’s ACPI tables.',

  'route.check': 'Route: can this machine pass the card through?',
  'route.unreadable': 'The wizard could not read the CPU model (sysctl hw.model) or the ACPI tables (acpidump -t), so it cannot tell whether passthrough is possible.',
  'route.possible':
    'VT-d is on: the {cpu} supports it and the firmware provides its DMAR table. Passthrough is possible and, with {memory} GiB of memory, recommended: the VM gets {guest} GiB and NVIDIA’s own Linux driver, the host keeps the rest.',
  'route.possibleLowMemory':
    'VT-d is on (the {cpu}, with a DMAR table), so passthrough is possible, but with {memory} GiB of memory a VM of at least 4 GiB would leave the host less than the 2 GiB it needs: the Linux jail is recommended. With more memory (an X220 takes 16 GB) passthrough fits.',
  'route.blocked.cpu':
    'Passthrough is not possible: the CPU ({cpu}, as sysctl hw.model names it) has no VT-d, and no BIOS setting can add it. The Linux jail is the route for this machine.',
  'route.blocked.bios':
    'Passthrough is not possible yet: the CPU ({cpu}) supports VT-d, but the firmware provides no DMAR table, so the BIOS option “Intel (R) VT-d Feature” is off. The Linux jail is recommended unless you turn it on.',
  'route.blocked.no-dmar':
    'Passthrough is not possible: the firmware provides no DMAR table (no IOMMU), and the wizard does not know whether the CPU ({cpu}) has VT-d. The Linux jail is recommended.',
  'route.advice.bios':
    'To use passthrough: restart, press F1 for the BIOS setup, open Security → Virtualization and set both “Intel (R) Virtualization Technology” and “Intel (R) VT-d Feature” to Enabled. Save with F10, power the machine off fully and start it again, then run these checks again.',
  'route.advice.cpu': 'Only a CPU with VT-d would change this (on an X220: i5-2520M, i5-2540M, i7-2620M or i7-2640M).',
  'route.advice.noDmar': 'Look the CPU up in Intel’s specifications (“Intel Virtualization Technology for Directed I/O”); if it has VT-d, turn VT-d on in the BIOS setup.',
  'route.advice.useJail': 'Or choose the Linux jail above: it needs no VT-d.',

  'reserve.check': 'Card reserved for the virtual machine',
  'reserve.noGpu': 'pciconf -l lists no NVIDIA GPU, so there is no card to reserve. Go back to the Adapter card step.',
  'reserve.domain': 'The GPU is at {selector}, outside PCI domain 0, which loader.conf’s pptdevs cannot name.',
  'reserve.cannotEdit': 'The wizard will not change the boot files, because it cannot edit them safely: {detail}',
  'reserve.planned':
    'The card at {selector} is not reserved yet. The plan loads vmm.ko at boot, reserves the card with pptdevs="{entry}" and keeps the host’s NVIDIA driver from loading.',
  'reserve.advice.plan': 'Review the changes under “Reserve the card for a virtual machine”, apply them, then restart: ppt(4) takes the card at the next boot.',
  'reserve.waitingRestart':
    '/boot/loader.conf reserves the card (pptdevs="{entry}"), but pciconf -l still lists it as {driver}: the reservation takes effect at the next boot.',
  'reserve.advice.restart': 'Restart the machine. Afterwards pciconf -l must list the card as pptN.',
  'reserve.ok': 'pciconf -l lists the card as {driver}@{selector}: ppt(4) holds it for a bhyve guest, and the host’s driver leaves it alone.',
  'reserve.reason.vmm': 'vmm_load="YES": the loader loads vmm.ko, bhyve’s kernel part, whose ppt(4) driver holds reserved devices.',
  'reserve.reason.pptdevs': 'pptdevs="{entry}": the card at {selector} (bus/slot/function) is kept for a virtual machine from the next boot on.',
  'reserve.reason.loaderDriver': '{key} removed: the host’s NVIDIA driver must not load while the card belongs to the virtual machine.',
  'reserve.reason.kldList': '{module} removed from kld_list: the host’s NVIDIA driver must not load while the card belongs to the virtual machine. “Undo changes” puts it back.',
  'reserve.action.reserve.title': 'Reserve the card for a virtual machine',
  'reserve.action.reserve.description':
    'Writes vmm_load and pptdevs into /boot/loader.conf and takes the NVIDIA driver out of rc.conf’s kld_list, each file with a backup. “Undo changes” reverts both.',
  'reserve.action.reserve.after': 'Nothing changes until the next boot; the wizard then offers the restart.',
  'reserve.action.restart.description': 'Restarts the machine so that ppt(4) takes the card at boot. The wizard resumes at this step and checks pciconf -l.',
  'reserve.note.bootConfig': 'The card at {selector} is reserved for a virtual machine (pptdevs in /boot/loader.conf), so kld_list is left without the NVIDIA driver.',
} as const;
