import type { PciBar, PciDevice } from '../scenario';

/**
 * A ThinkPad X220's PCI devices, modelled on real `pciconf -lvbc` reports of X220s (QM67 chipset, Intel
 * 6205 wireless, Ricoh card reader). The chipset's root ports are pcib1..pcib4 at pci0:0:28:N; the ExpressCard
 * slot is Root Port 4 (pcib3, pci0:0:28:3, a hot-plug slot), and the firmware reserves buses 5-12 behind it,
 * which is why the card reader behind pcib4 sits on bus 13 and the eGPU appears at pci0:5:0:0.
 */

type Device = PciDevice;

/** What newbus knows of a device besides its config space: the driver's description and the ACPI node. */
interface Attach {
  description: string | null;
  acpiHandle: string | null;
}

const intel = (
  driver: string | null,
  selector: string,
  ids: { class: string; rev: string; device: string; subdevice?: string },
  names: { device: string; classDesc: string; subclassDesc: string | null },
  bars: PciBar[],
  caps: string[],
  attach: Attach,
): Device => ({
  driver,
  selector,
  class: ids.class,
  rev: ids.rev,
  hdr: ids.class === '0x060400' ? '0x01' : '0x00',
  vendorId: '0x8086',
  deviceId: ids.device,
  subvendorId: '0x17aa',
  subdeviceId: ids.subdevice ?? '0x21da',
  vendor: 'Intel Corporation',
  device: names.device,
  classDesc: names.classDesc,
  subclassDesc: names.subclassDesc,
  bars,
  caps,
  egpu: false,
  capsWithoutEgpu: null,
  description: attach.description,
  acpiHandle: attach.acpiHandle,
  bridge: null,
});

const bar = (reg: string, type: PciBar['type'], range: PciBar['range'], base: string, size: number): PciBar => ({
  reg,
  type,
  range,
  base,
  size,
  enabled: true,
});

const rootPortCaps = (link: string, slot: string, msi: string): string[] => [
  '    cap 10[40] = PCI-Express 2 root port max data 128(128)',
  '                 max read 128',
  `                 ${link}`,
  `                 ${slot}`,
  `    cap 05[80] = ${msi}`,
  '    cap 0d[90] = PCI Bridge subvendor=0x17aa subdevice=0x21da',
  '    cap 01[a0] = powerspec 2  supports D0 D3  current D0',
];

/**
 * Root Port N at pci0:0:28:(N-1), which the X220's DSDT names \\_SB_.PCI0.EXPN, with the buses the firmware
 * numbered behind it: 2 behind Root Port 1, 3 behind Root Port 2, 4 for the disabled Root Port 3, 5-12
 * reserved behind the ExpressCard port for whatever gets plugged in, and 13 behind Root Port 5.
 */
const rootPort = (unit: number, func: number, port: number, device: string, caps: string[], buses: [number, number]): Device => ({
  ...intel(
    `pcib${unit}`,
    `pci0:0:28:${func}`,
    { class: '0x060400', rev: '0xb4', device },
    { device: `6 Series/C200 Series Chipset Family PCI Express Root Port ${port}`, classDesc: 'bridge', subclassDesc: 'PCI-PCI' },
    [],
    caps,
    { description: 'ACPI PCI-PCI bridge', acpiHandle: `\\_SB_.PCI0.EXP${port}` },
  ),
  bridge: { secondaryBus: buses[0], subordinateBus: buses[1] },
});

/**
 * The speed the adapter's one lane trained at: 5 GT/s (PCIe 2.0, the most the X220's port can do) or only
 * 2.5 GT/s (Gen1), as a marginal ExpressCard cable or the adapter's Gen1 setting leaves it.
 */
export type LinkSpeed = 'gen2' | 'gen1';

const GT_PER_S: Record<LinkSpeed, string> = { gen2: '5.0', gen1: '2.5' };

/** The ExpressCard root port's PCI-Express lines with the adapter's link trained on its one lane. */
const expressCardLinkUp = (speed: LinkSpeed): string[] =>
  rootPortCaps(
    `link x1(x1) speed ${GT_PER_S[speed]}(5.0) ASPM disabled(L0s/L1)`,
    'slot 3 power limit 100 mW HotPlug(present) surprise',
    'MSI supports 1 message enabled with 1 message',
  );

/**
 * The same port with the adapter's ExpressCard inserted but the adapter unpowered: the card's presence pin
 * still reports a card (HotPlug(present)), but no link trains, so the port reads like an empty one.
 */
const EXPRESSCARD_LINK_DOWN = rootPortCaps(
  'link x0(x1) speed 0.0(5.0) ASPM L0s/L1(L0s/L1)',
  'slot 3 power limit 100 mW HotPlug(present) surprise',
  'MSI supports 1 message enabled with 1 message',
);

const chipset: Device[] = [
  intel(
    'hostb0',
    'pci0:0:0:0',
    { class: '0x060000', rev: '0x09', device: '0x0104' },
    { device: '2nd Generation Core Processor Family DRAM Controller', classDesc: 'bridge', subclassDesc: 'HOST-PCI' },
    [],
    ['    cap 09[e0] = vendor (length 12) Intel cap 0 version 1'],
    { description: 'Host to PCI bridge', acpiHandle: null },
  ),
  intel(
    'vgapci0',
    'pci0:0:2:0',
    { class: '0x030000', rev: '0x09', device: '0x0126' },
    { device: '2nd Generation Core Processor Family Integrated Graphics Controller', classDesc: 'display', subclassDesc: 'VGA' },
    [
      bar('0x10', 'Memory', 64, '0xf0000000', 4194304),
      bar('0x18', 'Prefetchable Memory', 64, '0xe0000000', 268435456),
      bar('0x20', 'I/O Port', 32, '0x5000', 64),
    ],
    [
      '    cap 05[90] = MSI supports 1 message enabled with 1 message',
      '    cap 01[d0] = powerspec 2  supports D0 D3  current D0',
      '    cap 13[a4] = PCI Advanced Features: FLR TP',
    ],
    { description: 'VGA-compatible display', acpiHandle: '\\_SB_.PCI0.VID_' },
  ),
  intel(
    null,
    'pci0:0:22:0',
    { class: '0x078000', rev: '0x04', device: '0x1c3a' },
    { device: '6 Series/C200 Series Chipset Family MEI Controller', classDesc: 'simple comms', subclassDesc: null },
    [bar('0x10', 'Memory', 64, '0xf2525000', 16)],
    ['    cap 01[50] = powerspec 3  supports D0 D3  current D3', '    cap 05[8c] = MSI supports 1 message, 64 bit '],
    { description: null, acpiHandle: null },
  ),
  intel(
    'uart2',
    'pci0:0:22:3',
    { class: '0x070002', rev: '0x04', device: '0x1c3d' },
    { device: '6 Series/C200 Series Chipset Family KT Controller', classDesc: 'simple comms', subclassDesc: 'UART' },
    [bar('0x10', 'I/O Port', 32, '0x50b0', 8), bar('0x14', 'Memory', 32, '0xf252c000', 4096)],
    ['    cap 01[c8] = powerspec 3  supports D0 D3  current D0', '    cap 05[d0] = MSI supports 1 message, 64 bit enabled with 1 message'],
    { description: 'Intel AMT - KT Controller', acpiHandle: null },
  ),
  intel(
    'em0',
    'pci0:0:25:0',
    { class: '0x020000', rev: '0x04', device: '0x1502', subdevice: '0x21ce' },
    { device: '82579LM Gigabit Network Connection (Lewisville)', classDesc: 'network', subclassDesc: 'ethernet' },
    [bar('0x10', 'Memory', 32, '0xf2500000', 131072), bar('0x14', 'Memory', 32, '0xf252b000', 4096), bar('0x18', 'I/O Port', 32, '0x5080', 32)],
    [
      '    cap 01[c8] = powerspec 2  supports D0 D3  current D0',
      '    cap 05[d0] = MSI supports 1 message, 64 bit enabled with 1 message',
      '    cap 13[e0] = PCI Advanced Features: FLR TP',
    ],
    { description: 'Intel(R) 82579LM', acpiHandle: '\\_SB_.PCI0.IGBE' },
  ),
  intel(
    'ehci0',
    'pci0:0:26:0',
    { class: '0x0c0320', rev: '0x04', device: '0x1c2d' },
    { device: '6 Series/C200 Series Chipset Family USB Enhanced Host Controller', classDesc: 'serial bus', subclassDesc: 'USB' },
    [bar('0x10', 'Memory', 32, '0xf252a000', 1024)],
    [
      '    cap 01[50] = powerspec 2  supports D0 D3  current D0',
      '    cap 0a[58] = EHCI Debug Port at offset 0xa0 in map 0x14',
      '    cap 13[98] = PCI Advanced Features: FLR TP',
    ],
    { description: 'Intel Cougar Point USB 2.0 controller', acpiHandle: '\\_SB_.PCI0.EHC2' },
  ),
  intel(
    'hdac0',
    'pci0:0:27:0',
    { class: '0x040300', rev: '0x04', device: '0x1c20' },
    { device: '6 Series/C200 Series Chipset Family High Definition Audio Controller', classDesc: 'multimedia', subclassDesc: 'HDA' },
    [bar('0x10', 'Memory', 64, '0xf2520000', 16384)],
    [
      '    cap 01[50] = powerspec 2  supports D0 D3  current D0',
      '    cap 05[60] = MSI supports 1 message, 64 bit enabled with 1 message',
      '    cap 10[70] = PCI-Express 1 root endpoint max data 128(128) FLR NS',
      '                 max read 128',
      '    ecap 0002[100] = VC 1 max VC1',
      '    ecap 0005[130] = Root Complex Link Declaration 1',
    ],
    { description: 'Intel Cougar Point HDA Controller', acpiHandle: '\\_SB_.PCI0.HDEF' },
  ),
  rootPort(
    1,
    0,
    1,
    '0x1c10',
    rootPortCaps('link x0(x1) speed 0.0(5.0) ASPM L0s/L1(L0s/L1)', 'slot 0 power limit 100 mW', 'MSI supports 1 message '),
    [2, 2],
  ),
  rootPort(2, 1, 2, '0x1c12', rootPortCaps('link x1(x1) speed 2.5(5.0) ASPM L1(L0s/L1)', 'slot 1 power limit 100 mW', 'MSI supports 1 message '), [3, 3]),
  // The ExpressCard slot: replaced per scenario by expressCardPort().
  rootPort(
    4,
    4,
    5,
    '0x1c18',
    rootPortCaps('link x1(x1) speed 2.5(5.0) ASPM L1(L0s/L1)', 'slot 4 power limit 100 mW HotPlug(present) surprise', 'MSI supports 1 message enabled with 1 message'),
    [13, 13],
  ),
  intel(
    'ehci1',
    'pci0:0:29:0',
    { class: '0x0c0320', rev: '0x04', device: '0x1c26' },
    { device: '6 Series/C200 Series Chipset Family USB Enhanced Host Controller', classDesc: 'serial bus', subclassDesc: 'USB' },
    [bar('0x10', 'Memory', 32, '0xf2529000', 1024)],
    [
      '    cap 01[50] = powerspec 2  supports D0 D3  current D0',
      '    cap 0a[58] = EHCI Debug Port at offset 0xa0 in map 0x14',
      '    cap 13[98] = PCI Advanced Features: FLR TP',
    ],
    { description: 'Intel Cougar Point USB 2.0 controller', acpiHandle: '\\_SB_.PCI0.EHC1' },
  ),
  intel(
    'isab0',
    'pci0:0:31:0',
    { class: '0x060100', rev: '0x04', device: '0x1c4f' },
    { device: 'QM67 Express Chipset LPC Controller', classDesc: 'bridge', subclassDesc: 'PCI-ISA' },
    [],
    ['    cap 09[e0] = vendor (length 12) Intel cap 1 version 0', '\t\t features: AMT, 4 PCI-e x1 slots'],
    { description: 'PCI-ISA bridge', acpiHandle: '\\_SB_.PCI0.LPC_' },
  ),
  intel(
    'ahci0',
    'pci0:0:31:2',
    { class: '0x010601', rev: '0x04', device: '0x1c03' },
    { device: '6 Series/C200 Series Chipset Family 6 port Mobile SATA AHCI Controller', classDesc: 'mass storage', subclassDesc: 'SATA' },
    [
      bar('0x10', 'I/O Port', 32, '0x50a8', 8),
      bar('0x14', 'I/O Port', 32, '0x50bc', 4),
      bar('0x18', 'I/O Port', 32, '0x50a0', 8),
      bar('0x1c', 'I/O Port', 32, '0x50b8', 4),
      bar('0x20', 'I/O Port', 32, '0x5060', 32),
      bar('0x24', 'Memory', 32, '0xf2528000', 2048),
    ],
    [
      '    cap 05[80] = MSI supports 1 message enabled with 1 message',
      '    cap 01[70] = powerspec 3  supports D0 D3  current D0',
      '    cap 12[a8] = SATA Index-Data Pair',
      '    cap 13[b0] = PCI Advanced Features: FLR TP',
    ],
    { description: 'Intel Cougar Point AHCI SATA controller', acpiHandle: '\\_SB_.PCI0.SAT1' },
  ),
  intel(
    'ichsmb0',
    'pci0:0:31:3',
    { class: '0x0c0500', rev: '0x04', device: '0x1c22' },
    { device: '6 Series/C200 Series Chipset Family SMBus Controller', classDesc: 'serial bus', subclassDesc: 'SMBus' },
    [bar('0x10', 'Memory', 64, '0xf2524000', 256), bar('0x20', 'I/O Port', 32, '0xefa0', 32)],
    [],
    { description: 'Intel Cougar Point SMBus controller', acpiHandle: '\\_SB_.PCI0.SMBU' },
  ),
  {
    ...intel(
      'iwn0',
      'pci0:3:0:0',
      { class: '0x028000', rev: '0x34', device: '0x0085' },
      { device: 'Centrino Advanced-N 6205 [Taylor Peak]', classDesc: 'network', subclassDesc: null },
      [bar('0x10', 'Memory', 64, '0xf2400000', 8192)],
      [
        '    cap 01[c8] = powerspec 3  supports D0 D3  current D0',
        '    cap 05[d0] = MSI supports 1 message, 64 bit enabled with 1 message',
        '    cap 10[e0] = PCI-Express 1 endpoint max data 128(128) FLR RO NS',
        '                 max read 128',
        '                 link x1(x1) speed 2.5(2.5) ASPM L1(L0s/L1) ClockPM enabled',
        '    ecap 0001[100] = AER 1 0 fatal 0 non-fatal 0 corrected',
        '    ecap 0003[140] = Serial 1 6c88a3ffff1e42d7',
      ],
      { description: 'Intel Centrino Advanced-N 6205', acpiHandle: null },
    ),
    subvendorId: '0x8086',
    subdeviceId: '0x1311',
  },
  {
    driver: 'sdhci_pci0',
    selector: 'pci0:13:0:0',
    class: '0x088001',
    rev: '0x04',
    hdr: '0x00',
    vendorId: '0x1180',
    deviceId: '0xe823',
    subvendorId: '0x17aa',
    subdeviceId: '0x21da',
    vendor: 'Ricoh Co Ltd',
    device: 'PCIe SDXC/MMC Host Controller',
    classDesc: 'base peripheral',
    subclassDesc: null,
    bars: [bar('0x10', 'Memory', 32, '0xf1400000', 256)],
    caps: [
      '    cap 05[50] = MSI supports 1 message, 64 bit enabled with 1 message',
      '    cap 01[78] = powerspec 3  supports D0 D1 D2 D3  current D0',
      '    cap 10[80] = PCI-Express 1 endpoint max data 128(128) RO NS',
      '                 max read 512',
      '                 link x1(x1) speed 2.5(2.5) ASPM L1(L0s/L1) ClockPM enabled',
      '    ecap 0002[100] = VC 1 max VC0',
      '    ecap 0001[800] = AER 1 0 fatal 0 non-fatal 0 corrected',
    ],
    egpu: false,
    capsWithoutEgpu: null,
    description: 'RICOH R5CE823 SD',
    acpiHandle: null,
    bridge: null,
  },
];

/** pcib3, the ExpressCard root port; its link lines follow whether the eGPU is on the bus. */
function expressCardPort(speed: LinkSpeed): Device {
  return { ...rootPort(3, 3, 4, '0x1c16', expressCardLinkUp(speed), [5, 12]), capsWithoutEgpu: EXPRESSCARD_LINK_DOWN };
}

/**
 * BARs of a Tesla P4 (GP104GL) as FreeBSD assigns them when the X220's firmware saw the card at power-on:
 * BAR0 16 MiB registers, BAR1 256 MiB prefetchable (the VRAM aperture; Pascal boards without resizable BAR
 * expose 256 MiB, like the GP107 cards in the nv-pascal-gl reports, rather than all 8 GiB, which could never
 * fit below 4 GiB on a Sandy Bridge laptop), BAR3 32 MiB prefetchable. The addresses sit in the free part of
 * the X220's 32-bit PCI hole, below the integrated graphics at 0xe0000000. No I/O BAR: a 3D controller has none.
 */
export const P4_BARS_ASSIGNED: PciBar[] = [
  bar('0x10', 'Memory', 32, '0xd2000000', 16777216),
  bar('0x14', 'Prefetchable Memory', 64, '0xc0000000', 268435456),
  bar('0x1c', 'Prefetchable Memory', 64, '0xd0000000', 33554432),
];


/** The Tesla P4 as it enumerates behind the adapter: one lane (at 5 GT/s, or 2.5), of the sixteen 8 GT/s lanes it has. */
export function teslaP4(bars: PciBar[], speed: LinkSpeed = 'gen2'): Device {
  return {
    driver: 'vgapci1',
    selector: 'pci0:5:0:0',
    class: '0x030200',
    rev: '0xa1',
    hdr: '0x00',
    vendorId: '0x10de',
    deviceId: '0x1bb3',
    subvendorId: '0x10de',
    subdeviceId: '0x11d8',
    vendor: 'NVIDIA Corporation',
    device: 'GP104GL [Tesla P4]',
    classDesc: 'display',
    subclassDesc: '3D',
    bars,
    caps: [
      '    cap 01[60] = powerspec 3  supports D0 D3  current D0',
      '    cap 05[68] = MSI supports 1 message, 64 bit ',
      '    cap 10[78] = PCI-Express 2 endpoint max data 128(256) RO NS',
      '                 max read 512',
      `                 link x1(x16) speed ${GT_PER_S[speed]}(8.0) ASPM disabled(L0s/L1) ClockPM disabled`,
      '    ecap 0002[100] = VC 1 max VC0',
      '    ecap 0004[128] = Power Budgeting 1',
      '    ecap 0001[420] = AER 2 0 fatal 0 non-fatal 0 corrected',
      '    ecap 000b[600] = Vendor [1] ID 0001 Rev 1 Length 36',
      '    ecap 0019[900] = PCIe Sec 1 lane errors 0',
    ],
    egpu: true,
    capsWithoutEgpu: null,
    description: 'VGA-compatible display',
    // The device the DSDT declares in the ExpressCard slot, under the port's node.
    acpiHandle: '\\_SB_.PCI0.EXP4.SLOT',
    bridge: null,
  };
}

/** All of the X220's devices plus the eGPU (listed in bus order by pciconf whatever the order here). */
export function x220Devices(gpuBars: PciBar[], speed: LinkSpeed = 'gen2'): Device[] {
  return [...chipset, expressCardPort(speed), teslaP4(gpuBars, speed)];
}
