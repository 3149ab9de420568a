import type { DmesgEntry } from '../scenario';

/**
 * A FreeBSD 14.2 boot of a ThinkPad X220, shortened from real X220 boots. Newbus numbers pci buses in attach
 * order, not by bus number: with the eGPU present the ExpressCard port's bus attaches as pci2 (the card
 * reader's becomes pci3), so the Tesla P4 at pci0:5:0:0 reports "on pci2"; an empty hot-plug slot gets no
 * pci bus at all.
 */

const head: DmesgEntry[] = [
  '---<<BOOT>>---',
  'Copyright (c) 1992-2024 The FreeBSD Project.',
  'Copyright (c) 1979, 1980, 1983, 1986, 1988, 1989, 1991, 1992, 1993, 1994',
  '\tThe Regents of the University of California. All rights reserved.',
  'FreeBSD is a registered trademark of The FreeBSD Foundation.',
  'FreeBSD 14.2-RELEASE releng/14.2-n269506-c8918d6c7412 GENERIC amd64',
  'FreeBSD clang version 18.1.6 (https://github.com/llvm/llvm-project.git llvmorg-18.1.6-0-g1118c2e05e67)',
  'VT(vga): resolution 640x480',
  'CPU: Intel(R) Core(TM) i5-2520M CPU @ 2.50GHz (2491.97-MHz K8-class CPU)',
  '  Origin="GenuineIntel"  Id=0x206a7  Family=0x6  Model=0x2a  Stepping=7',
  '  Features=0xbfebfbff<FPU,VME,DE,PSE,TSC,MSR,PAE,MCE,CX8,APIC,SEP,MTRR,PGE,MCA,CMOV,PAT,PSE36,CLFLUSH,DTS,ACPI,MMX,FXSR,SSE,SSE2,SS,HTT,TM,PBE>',
  '  Features2=0x1fbae3ff<SSE3,PCLMULQDQ,DTES64,MON,DS_CPL,VMX,SMX,EST,TM2,SSSE3,CX16,xTPR,PDCM,PCID,SSE4.1,SSE4.2,x2APIC,POPCNT,TSCDLT,AESNI,XSAVE,OSXSAVE,AVX>',
  '  AMD Features=0x28000800<SYSCALL,RDTSCP,LM>',
  '  AMD Features2=0x1<LAHF>',
  '  XSAVE Features=0x1<XSAVEOPT>',
  '  VT-x: PAT,HLT,MTF,PAUSE,EPT,UG,VPID',
  '  TSC: P-state invariant, performance statistics',
  'real memory  = 8589934592 (8192 MB)',
  'avail memory = 8040394752 (7667 MB)',
  'Event timer "LAPIC" quality 600',
  'ACPI APIC Table: <LENOVO TP-8D   >',
  'FreeBSD/SMP: Multiprocessor System Detected: 4 CPUs',
  'FreeBSD/SMP: 1 package(s) x 2 core(s) x 2 hardware threads',
  'ioapic0 <Version 2.0> irqs 0-23',
  'Launching APs: 1 2 3',
  'random: entropy device external interface',
  'kbd1 at kbdmux0',
  'vtvga0: <VT VGA driver>',
  'smbios0: <System Management BIOS> at iomem 0xf03d0-0xf03ee',
  'smbios0: Version: 2.6, BCD Revision: 2.6',
  'aesni0: <AES-CBC,AES-CCM,AES-GCM,AES-ICM,AES-XTS>',
  'acpi0: <LENOVO TP-8D>',
  'acpi_ec0: <Embedded Controller: GPE 0x11, ECDT> port 0x62,0x66 on acpi0',
  'acpi0: Power Button (fixed)',
  'cpu0: <ACPI CPU> on acpi0',
  'hpet0: <High Precision Event Timer> iomem 0xfed00000-0xfed003ff on acpi0',
  'Timecounter "HPET" frequency 14318180 Hz quality 950',
  'atrtc0: <AT realtime clock> port 0x70-0x71 irq 8 on acpi0',
  'atrtc0: registered as a time-of-day clock, resolution 1.000000s',
  'Timecounter "ACPI-fast" frequency 3579545 Hz quality 900',
  'acpi_timer0: <24-bit timer at 3.579545MHz> port 0x408-0x40b on acpi0',
  'acpi_lid0: <Control Method Lid Switch> on acpi0',
  'acpi_button0: <Sleep Button> on acpi0',
  'pcib0: <ACPI Host-PCI bridge> port 0xcf8-0xcff on acpi0',
  'pci0: <ACPI PCI bus> on pcib0',
  'vgapci0: <VGA-compatible display> port 0x5000-0x503f mem 0xf0000000-0xf03fffff,0xe0000000-0xefffffff irq 16 at device 2.0 on pci0',
  'vgapci0: Boot video device',
  'pci0: <simple comms> at device 22.0 (no driver attached)',
  'uart2: <Intel AMT - KT Controller> port 0x50b0-0x50b7 mem 0xf252c000-0xf252cfff irq 19 at device 22.3 on pci0',
  'em0: <Intel(R) 82579LM> port 0x5080-0x509f mem 0xf2500000-0xf251ffff,0xf252b000-0xf252bfff irq 20 at device 25.0 on pci0',
  'em0: Using 1024 TX descriptors and 1024 RX descriptors',
  'em0: Using an MSI interrupt',
  'em0: Ethernet address: f0:de:f1:5a:3c:21',
  'ehci0: <Intel Cougar Point USB 2.0 controller> mem 0xf252a000-0xf252a3ff irq 16 at device 26.0 on pci0',
  'usbus0: EHCI version 1.0',
  'usbus0 on ehci0',
  'usbus0: 480Mbps High Speed USB v2.0',
  'hdac0: <Intel Cougar Point HDA Controller> mem 0xf2520000-0xf2523fff irq 22 at device 27.0 on pci0',
  'pcib1: <ACPI PCI-PCI bridge> irq 16 at device 28.0 on pci0',
  'pcib2: <ACPI PCI-PCI bridge> irq 17 at device 28.1 on pci0',
  'pci1: <ACPI PCI bus> on pcib2',
  'iwn0: <Intel Centrino Advanced-N 6205> mem 0xf2400000-0xf2401fff irq 17 at device 0.0 on pci1',
  'pcib3: <ACPI PCI-PCI bridge> irq 19 at device 28.3 on pci0',
];

/** The card reader's bus, numbered after the ExpressCard port's when that one has a bus. */
const cardReader = (pci: string): string[] => [
  'pcib4: <ACPI PCI-PCI bridge> irq 16 at device 28.4 on pci0',
  `${pci}: <ACPI PCI bus> on pcib4`,
  `sdhci_pci0: <RICOH R5CE823 SD> mem 0xf1400000-0xf14000ff irq 16 at device 0.0 on ${pci}`,
  'sdhci_pci0: 1 slot(s) allocated',
];

const tail: DmesgEntry[] = [
  'ehci1: <Intel Cougar Point USB 2.0 controller> mem 0xf2529000-0xf25293ff irq 23 at device 29.0 on pci0',
  'usbus1: EHCI version 1.0',
  'usbus1 on ehci1',
  'usbus1: 480Mbps High Speed USB v2.0',
  'isab0: <PCI-ISA bridge> at device 31.0 on pci0',
  'isa0: <ISA bus> on isab0',
  'ahci0: <Intel Cougar Point AHCI SATA controller> port 0x50a8-0x50af,0x50bc-0x50bf,0x50a0-0x50a7,0x50b8-0x50bb,0x5060-0x507f mem 0xf2528000-0xf25287ff irq 19 at device 31.2 on pci0',
  'ahci0: AHCI v1.30 with 6 6Gbps ports, Port Multiplier not supported',
  'ahcich0: <AHCI channel> at channel 0 on ahci0',
  'ahcich1: <AHCI channel> at channel 1 on ahci0',
  'ahcich4: <AHCI channel> at channel 4 on ahci0',
  'ahciem0: <AHCI enclosure management bridge> on ahci0',
  'acpi_tz0: <Thermal Zone> on acpi0',
  'atkbdc0: <Keyboard controller (i8042)> port 0x60,0x64 irq 1 on acpi0',
  'atkbd0: <AT Keyboard> irq 1 on atkbdc0',
  'kbd0 at atkbd0',
  'atkbd0: [GIANT-LOCKED]',
  'psm0: <PS/2 Mouse> irq 12 on atkbdc0',
  'psm0: [GIANT-LOCKED]',
  'psm0: model Synaptics Touchpad, device ID 0',
  'battery0: <ACPI Control Method Battery> on acpi0',
  'acpi_acad0: <AC Adapter> on acpi0',
  'est0: <Enhanced SpeedStep Frequency Control> on cpu0',
  'Timecounter "TSC-low" frequency 1245984270 Hz quality 1000',
  'Timecounters tick every 1.000 msec',
  'ZFS filesystem version: 5',
  'ZFS storage pool version: features support (5000)',
  'hdacc0: <Conexant CX20590 HDA CODEC> at cad 0 on hdac0',
  'hdaa0: <Conexant CX20590 Audio Function Group> at nid 1 on hdacc0',
  'pcm0: <Conexant CX20590 (Analog 2.0+HP/2.0)> at nid 31,25 and 35,27 on hdaa0',
  'ada0 at ahcich0 bus 0 scbus0 target 0 lun 0',
  'ada0: <Samsung SSD 860 EVO 500GB RVT04B6Q> ACS-4 ATA SATA 3.x device',
  'ada0: 300.000MB/s transfers (SATA 2.x, UDMA6, PIO 512bytes)',
  'ada0: Command Queueing enabled',
  'ada0: 476940MB (976773168 512 byte sectors)',
  'ugen0.1: <Intel EHCI root HUB> at usbus0',
  'ugen1.1: <Intel EHCI root HUB> at usbus1',
  'uhub0 on usbus0',
  'uhub0: <Intel EHCI root HUB, class 9/0, rev 2.00/1.00, addr 1> on usbus0',
  'uhub1 on usbus1',
  'uhub1: <Intel EHCI root HUB, class 9/0, rev 2.00/1.00, addr 1> on usbus1',
  'Trying to mount root from zfs:zroot/ROOT/default []...',
  'uhub0: 3 ports with 3 removable, self powered',
  'uhub1: 3 ports with 3 removable, self powered',
  'ichsmb0: <Intel Cougar Point SMBus controller> port 0xefa0-0xefbf mem 0xf2524000-0xf25240ff irq 18 at device 31.3 on pci0',
  'smbus0: <System Management Bus> on ichsmb0',
  'acpi_ibm0: <ThinkPad ACPI Extras> on acpi0',
  'lo0: link state changed to UP',
  'em0: link state changed to UP',
];

/** The eGPU's lines when its BARs got addresses. */
const gpuAttached = [
  'pci2: <ACPI PCI bus> on pcib3',
  'vgapci1: <VGA-compatible display> mem 0xd2000000-0xd2ffffff,0xc0000000-0xcfffffff,0xd0000000-0xd1ffffff irq 19 at device 0.0 on pci2',
];

/**
 * The Error 12 case: the firmware programmed the ExpressCard port's windows over ranges the integrated
 * graphics already decodes, the kernel could neither keep nor grow them, and none of the
 * GPU's BARs got an address. The per-BAR lines only appear in a verbose boot (boot -v), which is how a user
 * asked to look for them would have booted; of its many other verbose lines only the BAR probes are kept.
 */
const gpuBarsFailed = [
  'pcib3: failed to allocate initial memory window: 0xf0000000-0xf0ffffff',
  'pcib3: failed to allocate initial prefetch window: 0xe0000000-0xefffffff',
  'pci2: <ACPI PCI bus> on pcib3',
  '\tmap[10]: type Memory, range 32, base 0, size 24, enabled',
  'pci2: pci0:5:0:0 bar 0x10 failed to allocate',
  '\tmap[14]: type Prefetchable Memory, range 64, base 0, size 28, enabled',
  'pci2: pci0:5:0:0 bar 0x14 failed to allocate',
  '\tmap[1c]: type Prefetchable Memory, range 64, base 0, size 25, enabled',
  'pci2: pci0:5:0:0 bar 0x1c failed to allocate',
  'vgapci1: <VGA-compatible display> irq 19 at device 0.0 on pci2',
];

/** The eGPU's lines: a healthy GPU always gets its BARs; otherwise each boot decides (see bootMachine). */
export function x220Dmesg(gpu: 'healthy' | 'error12' | 'error12-stubborn'): DmesgEntry[] {
  const egpu: DmesgEntry[] =
    gpu === 'healthy'
      ? [{ when: 'egpu', lines: [...gpuAttached, ...cardReader('pci3')] }]
      : [
          { when: 'egpu-bars-assigned', lines: gpuAttached },
          { when: 'egpu-bars-failed', lines: gpuBarsFailed },
          { when: 'egpu', lines: cardReader('pci3') },
        ];
  return [
    ...head,
    ...egpu,
    { when: 'no-egpu', lines: cardReader('pci2') },
    ...tail,
  ];
}
