import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePciconf } from '../../src/commands/parsers/pciconf';
import { ARCHITECTURES, CHIP_BLOCKS, supportFor } from '../../src/drivers/branch-table';
import { branchOf, chooseDriver, compareReleases, releaseOf, type OfferedPackage } from '../../src/drivers/choose-package';
import { findNvidiaGpu, isNvidiaGpu } from '../../src/steps/gpu-on-bus';
import { sharedFixtureFiles } from '../fixtures-path';

describe('the branch table', () => {
  it('has ordered, non-overlapping blocks', () => {
    for (let i = 1; i < CHIP_BLOCKS.length; i++) {
      const prev = CHIP_BLOCKS[i - 1];
      const block = CHIP_BLOCKS[i];
      if (prev === undefined || block === undefined) continue;
      expect(block.from, block.chip).toBeGreaterThan(prev.to);
      expect(block.to, block.chip).toBeGreaterThanOrEqual(block.from);
    }
  });

  it('keeps the Tesla P4 on Pascal, whose last branch is 580', () => {
    expect(supportFor('0x1bb3')).toMatchObject({ chip: 'GP104', architecture: 'Pascal', support: { lastBranch: 580 } });
    expect(ARCHITECTURES.Maxwell.lastBranch).toBe(580);
    expect(ARCHITECTURES.Volta.lastBranch).toBe(580);
    expect(ARCHITECTURES.Kepler.lastBranch).toBe(470);
    expect(ARCHITECTURES.Fermi.lastBranch).toBe(390);
    expect(ARCHITECTURES.Tesla.lastBranch).toBe(340);
    expect(ARCHITECTURES.Turing.lastBranch).toBeNull();
  });

  it('says "not in the table" for ids it has no block for, and for what is not an id', () => {
    expect(supportFor('0x0001')).toBeNull();
    expect(supportFor('0xffff')).toBeNull();
    expect(supportFor('1bb3')).toBeNull();
    expect(supportFor('0x1bb3; rm -rf /')).toBeNull();
  });

  /** The chip pciconf's database names ("GP107 [GeForce GTX 1050 Ti]" → GP107) must be the table's. */
  const CHIP_NAME = /^((?:G[A-Z]?|TU|MCP|C)\d{2,3})/;

  it.each(sharedFixtureFiles('pciconf').map((f) => [basename(f), f]))('%s: every NVIDIA GPU in it is in the table, on the right chip', (name, file) => {
    const parsed = parsePciconf(readFileSync(file, 'utf8'));
    if (!parsed.ok) {
      expect(name).toMatch(/README-md/); // the one Markdown file filed among the outputs
      return;
    }
    for (const gpu of parsed.value.devices.filter(isNvidiaGpu)) {
      const support = supportFor(gpu.deviceId);
      expect(support, `${gpu.deviceId} ${gpu.device ?? ''}`).not.toBeNull();
      const chip = CHIP_NAME.exec(gpu.device ?? '')?.[1];
      if (chip === undefined || support === null) continue;
      // pciconf says "C79" for the chipset GPU NVIDIA calls MCP79.
      const family = chip.replace(/^C(\d{2})$/, 'MCP$1');
      expect(support.chip.split('/'), `${gpu.deviceId} ${gpu.device ?? ''}`).toContain(family);
    }
    if (findNvidiaGpu(parsed.value) === undefined) expect(name.startsWith('x220-')).toBe(true);
  });
});

const offered = (...pairs: [string, string][]): OfferedPackage[] => pairs.map(([name, version]) => ({ name, version }));

describe('choosing the driver packages', () => {
  const repo = offered(
    ['nvidia-driver', '595.58.03'],
    ['nvidia-driver-580', '580.105.08'],
    ['nvidia-driver-470', '470.256.02_1'],
    ['linux-nvidia-libs', '595.58.03'],
    ['linux-nvidia-libs-580', '580.105.08'],
    ['linux-nvidia-libs-470', '470.256.02'],
  );

  it('takes the newest package of a branch that still supports the card, with libs of the same release', () => {
    const pascal = chooseDriver(repo, ARCHITECTURES.Pascal);
    expect(pascal).toMatchObject({ kind: 'chosen', choice: { driver: { name: 'nvidia-driver-580' }, libs: { name: 'linux-nvidia-libs-580' }, branch: 580, skippedDefault: { name: 'nvidia-driver' } } });
    const kepler = chooseDriver(repo, ARCHITECTURES.Kepler);
    expect(kepler).toMatchObject({ kind: 'chosen', choice: { driver: { name: 'nvidia-driver-470' }, libs: { name: 'linux-nvidia-libs-470' } } });
    const ada = chooseDriver(repo, ARCHITECTURES.Ada);
    expect(ada).toMatchObject({ kind: 'chosen', choice: { driver: { name: 'nvidia-driver' }, skippedDefault: null } });
  });

  it('refuses rather than falling back to a branch that dropped the card', () => {
    expect(chooseDriver(offered(['nvidia-driver', '595.58.03'], ['linux-nvidia-libs', '595.58.03']), ARCHITECTURES.Pascal)).toMatchObject({ kind: 'no-driver' });
    expect(chooseDriver(repo, ARCHITECTURES.Fermi)).toMatchObject({ kind: 'no-driver' });
  });

  it('insists on Linux libraries of exactly the driver\'s release', () => {
    const lagging = offered(['nvidia-driver-580', '580.105.08'], ['linux-nvidia-libs-580', '580.95.05']);
    expect(chooseDriver(lagging, ARCHITECTURES.Pascal)).toMatchObject({ kind: 'no-libs', driver: { version: '580.105.08' } });
  });

  it('reads versions the way pkg writes them', () => {
    expect(releaseOf('470.256.02_1,1')).toBe('470.256.02');
    expect(branchOf('580.105.08')).toBe(580);
    expect(compareReleases('580.105.08', '580.95.05')).toBeGreaterThan(0);
    expect(compareReleases('580.95.05', '580.95.05_2')).toBe(0);
  });
});
