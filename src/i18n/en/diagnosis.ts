/** Troubleshooting: findings, their explanations and fixes, and the support report. */
export const diagnosisEn = {
  // The simulated host that only a DSDT override could fix
  'scenario.x220-error12-stubborn': 'ThinkPad X220, “Error 12” that hw.pci.realloc_bars cannot fix (the firmware’s PCI window is too small)',

  // Titles (one per finding id)
  'diagnosis.gpu-not-enumerated.title': 'The GPU is not on the PCI bus',
  'diagnosis.gpu-no-driver.title': 'No NVIDIA driver on the GPU',
  'diagnosis.pci-window-alloc-failed.title': 'A PCI bridge could not get its memory window',
  'diagnosis.pci-bar-alloc-failed.title': 'PCI memory ranges (BARs) could not be assigned',
  'diagnosis.nvidia-version-mismatch.title': 'NVIDIA driver and library versions differ',
  'diagnosis.nvidia-legacy-branch.title': 'This GPU needs a legacy NVIDIA driver branch',
  'diagnosis.nvidia-xid.title': 'The GPU reported Xid errors',
  'diagnosis.link-degraded.title': 'The PCI-Express link runs below what both ends support',
  'diagnosis.gpu-hot.title': 'The GPU is hot',
  'diagnosis.msi-blacklisted.title': 'Message-signalled interrupts (MSI) are off',
  'diagnosis.cuda-cpu-fallback.title': 'llama.cpp ran on the CPU instead of CUDA',

  // Explanations
  'diagnosis.gpu-not-enumerated.explanation':
    'pciconf lists {count} devices and none of them is an NVIDIA display or 3D controller. The Tesla P4 was not on the bus when the machine booted: most often the adapter had no power yet, the card or the ExpressCard was not seated fully, or the laptop resumed instead of booting cold.',
  'diagnosis.gpu-no-driver.none':
    'The GPU at {selector} is on the bus, but no driver attached to it at all (pciconf lists it as noneN).',
  'diagnosis.gpu-no-driver.notInstalled': 'The GPU at {selector} is on the bus as {name}; no NVIDIA driver package is installed yet (the driver step installs it).',
  'diagnosis.gpu-no-driver.notLoaded':
    'The GPU at {selector} is on the bus as {name}, but the NVIDIA kernel module (nvidia.ko) is not loaded.',
  'diagnosis.gpu-no-driver.notAttached':
    'nvidia.ko is loaded, but it did not attach to the GPU at {selector} ({name} has no nvidia child).',
  'diagnosis.gpu-no-driver.smi': 'nvidia-smi cannot reach the NVIDIA driver, so no driver is working on the GPU at {selector}.',
  'diagnosis.pci-window-alloc-failed.above':
    'Bridge {bridge} sits above the GPU at {gpu} and could not get the memory window the firmware gave it ({windows}). Without that window the GPU’s memory ranges have nowhere to go: this is what Windows calls “Error 12”.',
  'diagnosis.pci-window-alloc-failed.aboveRecovered':
    'Bridge {bridge} above the GPU at {gpu} could not keep its firmware window ({windows}), but the GPU’s memory ranges were placed anyway: the kernel found room. Keep it in mind if the GPU misbehaves.',
  'diagnosis.pci-window-alloc-failed.elsewhere':
    '{count} window allocation failure(s) on bridge(s) {devices}, which are not above the NVIDIA GPU (or hold only I/O ports, which a GPU’s memory does not need). They do not explain a GPU problem.',
  'diagnosis.pci-window-alloc-failed.unknown':
    'Bridge(s) {devices} could not get their memory window. Whether the GPU sits behind them is not known from these inputs; if it does, this is the “Error 12” problem.',
  'diagnosis.pci-bar-alloc-failed.gpu':
    'The GPU at {selector} is on the bus, but its memory ranges {bars} got no address. The driver cannot use a GPU without them (Windows shows this as “Error 12”). Usually the firmware left too little PCI memory space for the card.',
  'diagnosis.pci-bar-alloc-failed.gpu.reallocInForce':
    'The GPU at {selector} is on the bus, but its memory ranges {bars} got no address, even though hw.pci.realloc_bars=1 is in force: the kernel tried to place them again and found no room.',
  'diagnosis.pci-bar-alloc-failed.elsewhere':
    '{count} memory range(s) of {devices} could not be assigned. That is not the NVIDIA GPU, so it does not explain a GPU problem.',
  'diagnosis.pci-bar-alloc-failed.unknown':
    '{count} memory range(s) of {devices} could not be assigned. Which device that is cannot be told from these inputs; if it is the GPU, this is the “Error 12” problem.',
  'diagnosis.nvidia-version-mismatch.versions':
    'The NVIDIA user-space libraries (version {client}) and the loaded kernel module (version {kernel}) are not the same version, so the driver refuses every request.',
  'diagnosis.nvidia-version-mismatch.smi':
    'nvidia-smi reports a driver/library version mismatch: the loaded kernel module and the NVIDIA libraries are not the same version.',
  'diagnosis.nvidia-legacy-branch.explanation':
    'The driver {driver} ignores the {gpu}: NVIDIA supports this GPU only in the {branch}.xx legacy branch.',
  'diagnosis.link-degraded.slow':
    'The GPU’s link trained at {gts} GT/s on {width} lane(s) although both it and port {port} support {possible} GT/s: about {mbps} MB/s instead of {possibleMbps} MB/s.',
  'diagnosis.link-degraded.narrow':
    'The GPU’s link uses {width} lane(s) although both it and port {port} support {possible}: about {mbps} MB/s instead of {possibleMbps} MB/s.',
  'diagnosis.link-degraded.note.idle':
    'An idle GPU may lower its link speed to save power. Check again while it is busy before changing anything.',
  'diagnosis.gpu-hot.explanation':
    '{gpu} is at {celsius} °C. The card slows itself down when hot and shuts down near {limit} °C; the passively cooled P4 needs air forced along its fins.',
  'diagnosis.msi-blacklisted.disabled':
    'MSI is switched off ({tunables} = 0), so the GPU shares a legacy interrupt line with other devices.',
  'diagnosis.msi-blacklisted.chipset':
    'No device on this machine has a PCI-Express or PCI-X capability, so FreeBSD treats the chipset as unable to deliver MSI and uses legacy interrupts (hw.pci.honor_msi_blacklist).',
  'diagnosis.cuda-cpu-fallback.explanation':
    'llama.cpp did not use the GPU: it found no usable CUDA device, or it was built without CUDA. Generation runs on the CPU, many times slower.',
  'diagnosis.gpu-not-enumerated.unread':
    'pciconf printed {count} lines that mention NVIDIA but that the wizard could not read (they are among the evidence): the card may be on the bus after all. Check those lines yourself, and please attach the whole output to a bug report.',
  'diagnosis.nvidia-xid.note':
    'Xid {code}: the number is NVIDIA’s error code. The driver logs it in the kernel messages each time it happens.',

  // Xid numbers (NVIDIA's Xid error table, in the words that matter on this build)
  'diagnosis.xid.8': 'Xid 8 ({count}×, {pci}): the GPU stopped processing and the driver timed out a channel. Usually the application; if it repeats, check power and temperature.',
  'diagnosis.xid.13': 'Xid 13 ({count}×, {pci}): graphics engine exception. Almost always a bug or an illegal operation in the application, not broken hardware.',
  'diagnosis.xid.31': 'Xid 31 ({count}×, {pci}): GPU memory page fault. An application accessed memory it does not own; usually an application or driver bug.',
  'diagnosis.xid.32': 'Xid 32 ({count}×, {pci}): invalid or corrupted command stream. Often trouble on the PCI-Express link or in system memory: check the cable, the seating and the power supply.',
  'diagnosis.xid.38': 'Xid 38 ({count}×, {pci}): driver firmware error. Update the driver; if it persists, the card may be faulty.',
  'diagnosis.xid.43': 'Xid 43 ({count}×, {pci}): the GPU stopped processing for one application, whose channel was reset. Usually the application.',
  'diagnosis.xid.45': 'Xid 45 ({count}×, {pci}): the driver cleaned up after earlier errors or a killed application. Look at the Xid before it.',
  'diagnosis.xid.48': 'Xid 48 ({count}×, {pci}): double-bit ECC memory error. The GPU’s memory returned data it could not correct; restart the machine. If it comes back, the card’s memory is failing.',
  'diagnosis.xid.61': 'Xid 61 ({count}×, {pci}): an internal micro-controller hit a breakpoint. A driver or firmware problem; update the driver.',
  'diagnosis.xid.62': 'Xid 62 ({count}×, {pci}): an internal micro-controller halted. Often overheating or a driver problem: check the cooling, then update the driver.',
  'diagnosis.xid.63': 'Xid 63 ({count}×, {pci}): a GPU memory page was retired after ECC errors. Information; many of them mean the memory is wearing out.',
  'diagnosis.xid.64': 'Xid 64 ({count}×, {pci}): retiring a faulty GPU memory page failed. The card’s memory is failing.',
  'diagnosis.xid.69': 'Xid 69 ({count}×, {pci}): graphics engine class error. Usually the application or a driver bug; update the driver if it repeats.',
  'diagnosis.xid.74': 'Xid 74 ({count}×, {pci}): NVLink error. The Tesla P4 has no NVLink; on other cards, check the NVLink bridge.',
  'diagnosis.xid.79': 'Xid 79 ({count}×, {pci}): the GPU has fallen off the bus. The PCI-Express link was lost: on an eGPU almost always power (supply too weak or switched off), a loose ExpressCard or cable, or overheating.',
  'diagnosis.xid.92': 'Xid 92 ({count}×, {pci}): high rate of single-bit ECC errors. They were corrected, but the memory may be degrading.',
  'diagnosis.xid.94': 'Xid 94 ({count}×, {pci}): contained ECC error. One application was stopped; restart it. Others keep running.',
  'diagnosis.xid.95': 'Xid 95 ({count}×, {pci}): uncontained ECC error. The GPU must be reset: restart the machine.',
  'diagnosis.xid.109': 'Xid 109 ({count}×, {pci}): context switch timeout. Usually the application; check temperature and power if it repeats.',
  'diagnosis.xid.119': 'Xid 119 ({count}×, {pci}): GSP firmware did not answer in time. Update the driver; restart the machine to recover.',
  'diagnosis.xid.120': 'Xid 120 ({count}×, {pci}): GSP firmware error. Update the driver; restart the machine to recover.',
  'diagnosis.xid.unknown': 'Xid {code} ({count}×, {pci}): an error the wizard has no explanation for. Look the number up in NVIDIA’s “XID Errors” document.',

  // Notes on the Error 12 class
  'diagnosis.error12.note.windows':
    'A GPU’s memory ranges must fit inside the window of every bridge above it, and those inside the PCI memory space the firmware reserved. An 8 GB card asks for more than an X220’s firmware leaves for the ExpressCard slot.',
  'diagnosis.error12.note.rootWindow':
    'Since re-placing the ranges did not help, the PCI memory space the firmware declares (the root bridge’s window in the ACPI tables) is too small for this card.',
  'diagnosis.error12.note.wizardCannot':
    'The wizard cannot fix this by itself. What is left is an ACPI table override (DSDT), which you have to prepare by hand, or a modified BIOS. Both are described below with their risks.',
  'diagnosis.error12.note.needPciconf':
    'Add the pciconf -lvbc output to see which device sits behind which bridge.',

  // Fixes
  'diagnosis.fix.power-first.title': 'Power the adapter before the laptop',
  'diagnosis.fix.power-first.instruction':
    'Switch the adapter’s 12 V supply on with the GPU seated and the ExpressCard cable connected, then switch the laptop on (a cold boot, not resume). The firmware sizes the slot’s memory windows only for devices it sees at power-on.',
  'diagnosis.fix.realloc-bars.title': 'Let FreeBSD re-place the memory ranges (hw.pci.realloc_bars=1)',
  'diagnosis.fix.realloc-bars.instruction':
    'Adds hw.pci.realloc_bars=1 to /boot/loader.conf: at the next boot the kernel assigns new addresses to memory ranges the firmware left without one. The wizard shows the change and applies it; it takes effect after a restart.',
  'diagnosis.fix.free-address-space.title': 'Free PCI address space in the BIOS setup',
  'diagnosis.fix.free-address-space.instruction':
    'In the BIOS setup (F1 at power-on), disable devices you do not use, for example under Security → I/O Port Access: the memory card slot, the modem or WWAN card, the camera, the fingerprint reader. Each gives back a little PCI memory; this helps only when the shortfall is small.',
  'diagnosis.fix.dsdt-override.title': 'Enlarge the PCI root window with an ACPI DSDT override',
  'diagnosis.fix.dsdt-override.instruction':
    'You prepare the table, the wizard loads it. Dump the firmware’s table (acpidump -dt > dsdt.asl), enlarge the memory range of \\_SB.PCI0’s _CRS (the DWordMemory or QWordMemory entry of the PCI hole), compile it with iasl and copy the result to {file}. The wizard can then add acpi_dsdt_load="YES" and acpi_dsdt_name="{file}" to /boot/loader.conf. It cannot write, check or test the table for you.',
  'diagnosis.fix.dsdt-override.risk':
    'A wrong table can stop the laptop from booting or break power management, suspend and the battery readout. Before restarting, know how to boot without it: at the loader prompt type “disable-module acpi_dsdt” and then “boot”, or undo the loader.conf change from a rescue system.',
  'diagnosis.fix.modified-bios.title': 'Last resort: a modified BIOS',
  'diagnosis.fix.modified-bios.instruction':
    'Community-modified BIOS images for the X220 can change how much PCI memory space the firmware reserves. Use one only if nothing above helped, from a source you trust, matching your exact model.',
  'diagnosis.fix.modified-bios.risk':
    'A failed or wrong flash can leave the laptop unable to start; recovering it may need an SPI programmer and opening the machine. It voids any warranty, and an image from an untrusted source can contain malicious code.',
  'diagnosis.fix.reseat.title': 'Reseat the card and the ExpressCard',
  'diagnosis.fix.reseat.instruction':
    'Switch everything off, push the ExpressCard fully into the slot (right-aligned, with the spacer), seat the GPU firmly in the adapter’s x16 slot, then power the adapter before the laptop.',
  'diagnosis.fix.cold-boot.title': 'Boot cold, do not resume',
  'diagnosis.fix.cold-boot.instruction':
    'Shut the laptop down completely and switch it on again with the adapter powered. The bus is scanned only at boot; a GPU powered later is not seen.',
  'diagnosis.fix.cable.title': 'Check the cable',
  'diagnosis.fix.cable.instruction':
    'Use the short cable that came with the adapter, keep it away from the power supply, and make sure both ends are pushed in fully. A poor cable makes the link train at a lower speed or width.',
  'diagnosis.fix.cooling.title': 'Cool the card',
  'diagnosis.fix.cooling.instruction':
    'The Tesla P4 has no fan of its own: mount a fan that blows along its fins and keep the inlet free, then check the temperature again under load.',
  'diagnosis.fix.reboot-after-upgrade.title': 'Restart after a driver upgrade',
  'diagnosis.fix.reboot-after-upgrade.instruction':
    'After upgrading the NVIDIA packages the old kernel module stays loaded until the next boot. Restart the machine so the new module loads.',
  'diagnosis.fix.matching-packages.title': 'Install matching driver packages',
  'diagnosis.fix.matching-packages.instruction':
    'nvidia-driver and the Linux libraries for the jail (linux-nvidia-libs) must have the same version. Upgrade both together with pkg, then restart.',
  'diagnosis.fix.legacy-driver.title': 'Install the legacy driver branch',
  'diagnosis.fix.legacy-driver.instruction':
    'Remove the current driver and install the {branch} branch (pkg install nvidia-driver-{branch}), then restart. Newer CUDA releases may not support this GPU.',
  'diagnosis.fix.install-driver.title': 'Install the NVIDIA driver',
  'diagnosis.fix.install-driver.instruction': 'Install, with pkg, the driver package of a branch that still supports this card (for the Tesla P4 that is nvidia-driver-580, not the newest nvidia-driver) and its linux-nvidia-libs; the wizard’s driver step picks and installs them for you.',
  'diagnosis.fix.load-driver.title': 'Load the driver at boot',
  'diagnosis.fix.load-driver.instruction':
    'Add nvidia-modeset to kld_list in /etc/rc.conf (the wizard proposes this change), then restart or run kldload nvidia-modeset.',
  'diagnosis.fix.enable-msi.title': 'Switch MSI back on',
  'diagnosis.fix.enable-msi.instruction': 'Remove hw.pci.enable_msi=0 and hw.pci.enable_msix=0 from /boot/loader.conf and restart, unless you set them to work around a specific problem.',
  'diagnosis.fix.cuda-build.title': 'Use a llama.cpp built with CUDA',
  'diagnosis.fix.cuda-build.instruction': 'Build or install llama.cpp with the CUDA backend inside the Linux jail, and start it with GPU layers (-ngl).',
  'diagnosis.fix.jail-devices.title': 'Give the jail the NVIDIA devices',
  'diagnosis.fix.jail-devices.instruction': 'The jail must see /dev/nvidia0, /dev/nvidiactl and /dev/nvidia-uvm (devfs rules), and its Linux libraries must match the host driver’s version.',

  // Plans
  'diagnosis.plan.dsdt.reason': 'load the hand-made ACPI table {file}, which enlarges the PCI root window',

  // Support report
  'diagnosis.report.title': 'eGPU Wizard support report',
  'diagnosis.report.redacted': 'Serial numbers, MAC addresses, UUIDs, host names and user names are replaced by placeholders such as [serial-1].',
  'diagnosis.report.findings': 'Findings',
  'diagnosis.report.noFindings': 'No problems found in the collected outputs.',
  'diagnosis.report.steps': 'Wizard steps',
  'diagnosis.report.audit': 'Commands the wizard ran',
  'diagnosis.report.outputs': 'Raw outputs',
  'diagnosis.report.unreadable': 'Outputs that could not be read',
  'diagnosis.report.evidence': 'Evidence',
  'diagnosis.report.fixes': 'What to try, in order',
  'diagnosis.report.inForce': 'already in force',
  'diagnosis.report.risk': 'Risk',
} as const;
