import { describe, expect, it } from 'vitest';
import { parseShellVars } from '../../src/config/formats/shell-vars';
import type { BootFiles } from '../../src/steps/boot-files';
import { reservationPlan } from '../../src/steps/cuda-jail/reservation';

const META = { owner: 'root', group: 'wheel', mode: '644' };

function bootFiles(loaderText: string | null, rcText: string | null): BootFiles {
  const loader = parseShellVars(loaderText ?? '', { dialect: 'loader' });
  const rc = parseShellVars(rcText ?? '', { dialect: 'rc' });
  if (!loader.ok || !rc.ok) throw new Error('test files do not parse');
  return { loaderText, rcText, loader: loader.value, rc: rc.value };
}

const plan = (loader: string | null, rc: string | null) => reservationPlan(bootFiles(loader, rc), '5/0/0', 'pci0:5:0:0', { loader: META, rc: META });

describe('the reservation plan', () => {
  it('loads vmm, lists the card in pptdevs and takes the NVIDIA driver out of kld_list, keeping the rest', () => {
    const loader = 'zfs_load="YES"\nhw.pci.realloc_bars=1\n';
    const rc = 'hostname="x220"\nkld_list="linux64 nvidia-modeset"\n';
    const changes = plan(loader, rc);
    expect(changes.map((c) => c.path)).toEqual(['/boot/loader.conf', '/etc/rc.conf']);
    const [loaderChange, rcChange] = changes;
    expect(loaderChange?.after).toContain('zfs_load="YES"\nhw.pci.realloc_bars=1\n');
    expect(loaderChange?.after).toMatch(/^vmm_load="YES"$/m);
    expect(loaderChange?.after).toMatch(/^pptdevs="5\/0\/0"$/m);
    expect(loaderChange?.diff).toContain('+pptdevs="5/0/0"');
    expect(loaderChange?.reasons.map((r) => r.key)).toEqual(['reserve.reason.vmm', 'reserve.reason.pptdevs']);
    expect(rcChange?.after).toBe('hostname="x220"\nkld_list="linux64"\n');
    expect(rcChange?.reasons).toEqual([{ key: 'reserve.reason.kldList', params: { module: 'nvidia-modeset' } }]);
    expect(rcChange?.meta).toEqual(META);
  });

  it('adds to a pptdevs that reserves other devices, and drops the loader’s own nvidia_load', () => {
    const [loaderChange, ...rest] = plan('vmm_load="YES"\npptdevs="2/0/0"\nnvidia_load="YES"\n', 'kld_list="nvidia nvidia-modeset"\n');
    expect(loaderChange?.after).toMatch(/^pptdevs="2\/0\/0 5\/0\/0"$/m);
    expect(loaderChange?.after).not.toMatch(/nvidia_load/);
    expect(loaderChange?.after.match(/vmm_load/g)).toHaveLength(1);
    expect(rest[0]?.after).toBe('kld_list=""\n');
  });

  it('creates loader.conf when there is none', () => {
    const [loaderChange] = plan(null, 'hostname="x220"\n');
    expect(loaderChange?.before).toBeNull();
    expect(loaderChange?.after).toMatch(/^pptdevs="5\/0\/0"$/m);
  });

  it('proposes nothing once the files already reserve the card: applying it twice changes nothing', () => {
    const changes = plan('zfs_load="YES"\n', 'kld_list="linux64 nvidia-modeset"\n');
    const applied = plan(changes[0]?.after ?? null, changes[1]?.after ?? null);
    expect(applied).toEqual([]);
  });
});
