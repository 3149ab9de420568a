/**
 * Which NVIDIA driver branches drive which cards, by PCI device ID (vendor 0x10de).
 *
 * Sources: NVIDIA's FreeBSD driver READMEs, "Appendix A. Supported NVIDIA GPU Products" (580.105.08 for the
 * current list; the 470.xx, 390.xx and 340.xx legacy READMEs for the older cards), NVIDIA's statement that
 * the 580 series is the last to support Maxwell, Pascal and Volta, and the PCI ID Repository
 * (pci-ids.ucw.cz) for which chip each device ID belongs to. NVIDIA gives every chip a block of device IDs,
 * so the table lists blocks per chip instead of thousands of single IDs; an ID outside every block is
 * "not in our table", never a guess.
 */

export type Architecture = 'Tesla' | 'Fermi' | 'Kepler' | 'Maxwell' | 'Pascal' | 'Volta' | 'Turing' | 'Ampere' | 'Hopper' | 'Ada' | 'Blackwell';

export interface ArchitectureSupport {
  /** The first driver branch that knows the architecture. */
  readonly firstBranch: number;
  /** The last branch that supports it; null while the current branch still does. */
  readonly lastBranch: number | null;
  /** CUDA compute capability of the architecture's chips (the lowest, where they differ). */
  readonly computeCapability: string;
}

export const ARCHITECTURES: Readonly<Record<Architecture, ArchitectureSupport>> = {
  Tesla: { firstBranch: 169, lastBranch: 340, computeCapability: '1.0' },
  Fermi: { firstBranch: 195, lastBranch: 390, computeCapability: '2.0' },
  Kepler: { firstBranch: 295, lastBranch: 470, computeCapability: '3.0' },
  Maxwell: { firstBranch: 334, lastBranch: 580, computeCapability: '5.0' },
  Pascal: { firstBranch: 367, lastBranch: 580, computeCapability: '6.0' },
  Volta: { firstBranch: 384, lastBranch: 580, computeCapability: '7.0' },
  Turing: { firstBranch: 410, lastBranch: null, computeCapability: '7.5' },
  Ampere: { firstBranch: 450, lastBranch: null, computeCapability: '8.0' },
  Hopper: { firstBranch: 520, lastBranch: null, computeCapability: '9.0' },
  Ada: { firstBranch: 520, lastBranch: null, computeCapability: '8.9' },
  Blackwell: { firstBranch: 570, lastBranch: null, computeCapability: '10.0' },
};

export interface ChipBlock {
  /** Inclusive device ID range. */
  readonly from: number;
  readonly to: number;
  readonly chip: string;
  readonly architecture: Architecture;
}

const block = (from: number, to: number, chip: string, architecture: Architecture): ChipBlock => ({ from, to, chip, architecture });

/** Ordered by device ID; blocks do not overlap (a test checks). */
export const CHIP_BLOCKS: readonly ChipBlock[] = [
  block(0x0190, 0x019f, 'G80', 'Tesla'),
  block(0x0400, 0x042f, 'G84/G86', 'Tesla'),
  block(0x05e0, 0x05ff, 'GT200', 'Tesla'),
  block(0x0600, 0x06bf, 'G92/G94/G96', 'Tesla'),
  block(0x06c0, 0x06df, 'GF100', 'Fermi'),
  block(0x06e0, 0x06ff, 'G98', 'Tesla'),
  block(0x0840, 0x087f, 'MCP77/MCP79', 'Tesla'),
  block(0x0a20, 0x0a7f, 'GT216/GT218', 'Tesla'),
  block(0x0ca0, 0x0cbf, 'GT215', 'Tesla'),
  block(0x0dc0, 0x0dff, 'GF106/GF108', 'Fermi'),
  block(0x0e20, 0x0e3f, 'GF104', 'Fermi'),
  block(0x0fc0, 0x0fff, 'GK107', 'Kepler'),
  block(0x1000, 0x103f, 'GK110/GK210', 'Kepler'),
  block(0x1040, 0x107f, 'GF119', 'Fermi'),
  block(0x1080, 0x109f, 'GF110', 'Fermi'),
  block(0x10c0, 0x10df, 'GT218', 'Tesla'),
  block(0x1140, 0x117f, 'GF117', 'Fermi'),
  block(0x1180, 0x11bf, 'GK104', 'Kepler'),
  block(0x11c0, 0x11ff, 'GK106', 'Kepler'),
  block(0x1200, 0x121f, 'GF114', 'Fermi'),
  block(0x1240, 0x125f, 'GF116', 'Fermi'),
  block(0x1280, 0x12bf, 'GK208', 'Kepler'),
  block(0x1340, 0x137f, 'GM108', 'Maxwell'),
  block(0x1380, 0x13bf, 'GM107', 'Maxwell'),
  block(0x13c0, 0x13ff, 'GM204', 'Maxwell'),
  block(0x1400, 0x143f, 'GM206', 'Maxwell'),
  block(0x15f0, 0x15ff, 'GP100', 'Pascal'),
  block(0x1740, 0x177f, 'GM108', 'Maxwell'),
  block(0x17c0, 0x17ff, 'GM200', 'Maxwell'),
  block(0x1b00, 0x1b3f, 'GP102', 'Pascal'),
  block(0x1b80, 0x1bff, 'GP104', 'Pascal'),
  block(0x1c00, 0x1c7f, 'GP106', 'Pascal'),
  block(0x1c80, 0x1cff, 'GP107', 'Pascal'),
  block(0x1d00, 0x1d3f, 'GP108', 'Pascal'),
  block(0x1d80, 0x1dbf, 'GV100', 'Volta'),
  block(0x1e00, 0x1e7f, 'TU102', 'Turing'),
  block(0x1e80, 0x1eff, 'TU104', 'Turing'),
  block(0x1f00, 0x1f7f, 'TU106', 'Turing'),
  block(0x1f80, 0x1fff, 'TU117', 'Turing'),
  block(0x20b0, 0x20ff, 'GA100', 'Ampere'),
  block(0x2180, 0x21ff, 'TU116', 'Turing'),
  block(0x2200, 0x222f, 'GA102', 'Ampere'),
  block(0x2300, 0x233f, 'GH100', 'Hopper'),
  block(0x2400, 0x24ff, 'GA103/GA104', 'Ampere'),
  block(0x2500, 0x25ff, 'GA106/GA107', 'Ampere'),
  block(0x2680, 0x26ff, 'AD102', 'Ada'),
  block(0x2700, 0x27ff, 'AD103/AD104', 'Ada'),
  block(0x2800, 0x28ff, 'AD106/AD107', 'Ada'),
  block(0x2900, 0x2bff, 'GB100/GB202', 'Blackwell'),
  block(0x2c00, 0x2fff, 'GB203/GB205/GB206/GB207', 'Blackwell'),
];

/** NVIDIA's list of supported GPUs per driver release, for IDs the table does not know. */
export const NVIDIA_SUPPORTED_GPUS_URL = 'https://www.nvidia.com/en-us/drivers/unix/';

export interface CardSupport {
  readonly deviceId: string;
  readonly chip: string;
  readonly architecture: Architecture;
  readonly support: ArchitectureSupport;
}

/** What the table says about an NVIDIA device ID ("0x1bb3"); null when the ID is not in it. */
export function supportFor(deviceId: string): CardSupport | null {
  const id = Number.parseInt(deviceId, 16);
  if (!/^0x[0-9a-f]{4}$/i.test(deviceId) || Number.isNaN(id)) return null;
  const found = CHIP_BLOCKS.find((b) => id >= b.from && id <= b.to);
  if (found === undefined) return null;
  return { deviceId: deviceId.toLowerCase(), chip: found.chip, architecture: found.architecture, support: ARCHITECTURES[found.architecture] };
}
