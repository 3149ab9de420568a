import type { PciconfOutput } from '../commands/parsers/pciconf';
import { invoke } from '../wizard/step';

export type PciDevice = PciconfOutput['devices'][number];

const NVIDIA = '0x10de';
export const isDisplay = (d: PciDevice): boolean => d.class.startsWith('0x03');
export const isNvidiaGpu = (d: PciDevice): boolean => d.vendorId === NVIDIA && isDisplay(d);
export const findNvidiaGpu = (out: PciconfOutput): PciDevice | undefined => out.devices.find(isNvidiaGpu);

/** Without -c: listing devices and BARs needs no root. */
export const pciconfLvb = invoke('pciconf', { verbose: true, bars: true });
