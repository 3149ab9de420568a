import type { PciDevice } from '../scenario';
import { sudoPackages, teslaP4, x220Scenario } from './x220';

/**
 * A GeForce GTX 760 (GK104, Kepler) in the adapter instead of the P4. Kepler's last driver branch is 470:
 * the repository's default nvidia-driver (595) and nvidia-driver-580 both ignore it with the "470.xx Legacy
 * drivers" notice, so only nvidia-driver-470 with linux-nvidia-libs-470 drives it.
 */
const scenario = x220Scenario({
  name: 'x220-legacy-card',
  description: 'ThinkPad X220, a Kepler GeForce GTX 760 in the adapter (needs the 470 legacy driver), nothing installed',
  gpu: 'healthy',
  powered: true,
  user: { name: 'demo', uid: 1001 },
  elevation: { sudo: 'password', sudoPassword: 'demo', doas: 'absent' },
  packages: sudoPackages,
  nvidia: {
    ...teslaP4,
    name: 'NVIDIA GeForce GTX 760',
    lastBranch: 470,
    uuid: 'GPU-0c7e5a91-3f2d-4b68-9e1a-7d5c4b3a2f10',
    vbios: '80.04.c3.00.0f',
    memoryTotalMiB: 2048,
    powerDrawW: 11.87,
    powerLimitW: 170,
    ecc: 'N/A',
    clocksMaxSmMHz: 1149,
  },
});

/** GK104 as it enumerates: a VGA controller whose memory window is 128 MiB, not the P4's 256 MiB. */
const gtx760 = (device: PciDevice): PciDevice => ({
  ...device,
  class: '0x030000',
  deviceId: '0x1187',
  subvendorId: '0x1462',
  subdeviceId: '0x2843',
  device: 'GK104 [GeForce GTX 760]',
  subclassDesc: 'VGA',
  bars: device.bars.map((bar) => (bar.reg === '0x14' ? { ...bar, size: 134217728 } : bar)),
});
scenario.pciDevices = scenario.pciDevices.map((device) => (device.egpu ? gtx760(device) : device));

export const x220LegacyCard = scenario;
