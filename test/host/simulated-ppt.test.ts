import { describe, expect, it } from 'vitest';
import { parsePciconf } from '../../src/commands/parsers/pciconf';
import { diagnoseOutputs } from '../../src/diagnosis/engine';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';

const RESERVATION = 'vmm_load="YES"\npptdevs="5/0/0"\n';

/** x220-cpu-fallback (a jail-route X220): the host driver loads through kld_list and attaches to the P4 at pci0:5:0:0. */
const hostWith = (): SimulatedHost => new SimulatedHost(loadScenario('x220-cpu-fallback'), { timeScale: 0 });

const sudo = (h: SimulatedHost, argv: string[]) => h.exec({ argv: ['sudo', '-S', '-p', '', '-k', '--', ...argv], stdin: 'demo\n', timeoutMs: 10_000 });
const restart = (h: SimulatedHost) => sudo(h, ['shutdown', '-r', 'now']);
const gpuLine = async (h: SimulatedHost) => (await h.exec({ argv: ['pciconf', '-l'], timeoutMs: 10_000 })).stdout.split('\n').find((l) => l.includes('vendor=0x10de'));
const kernelMessages = async (h: SimulatedHost) => (await h.exec({ argv: ['dmesg'], timeoutMs: 10_000 })).stdout;

/** The same machine, as it is now, with loader.conf as the wizard's plan (or its undo) would leave it. */
function withLoader(h: SimulatedHost, text: string): SimulatedHost {
  const state = h.snapshot();
  state.files['/boot/loader.conf'] = text;
  return new SimulatedHost(state, { timeScale: 0 });
}

describe('ppt(4) in the simulated boot', () => {
  it('a restart with vmm_load and pptdevs gives the card to ppt0, and the host driver finds no GPU', async () => {
    const before = hostWith();
    expect(await gpuLine(before)).toMatch(/^vgapci1@pci0:5:0:0:/);
    const h = withLoader(before, `${before.snapshot().files['/boot/loader.conf'] ?? ''}${RESERVATION}`);
    // Nothing changes before the boot.
    expect(await gpuLine(h)).toMatch(/^vgapci1@pci0:5:0:0:/);
    await restart(h);
    expect(await gpuLine(h)).toMatch(/^ppt0@pci0:5:0:0:\tclass=0x030200 /);
    expect((await h.exec({ argv: ['kldstat'], timeoutMs: 10_000 })).stdout).toContain('vmm.ko');
    // nvidia.ko still loads from kld_list here (rc, so its messages are in dmesg), but the card is not there for it.
    expect(await kernelMessages(h)).not.toMatch(/^nvidia0: </m);
    const device = h.snapshot().pciDevices.find((d) => d.selector === 'pci0:5:0:0');
    expect(device?.ownDriver).toEqual({ driver: 'vgapci1', description: expect.any(String) });
    expect(device?.description).toBeNull();
  });

  it('removing the reservation and restarting returns the card to vgapci1 and nvidia0', async () => {
    const fresh = hostWith();
    const original = fresh.snapshot().files['/boot/loader.conf'] ?? '';
    const description = fresh.snapshot().pciDevices.find((d) => d.selector === 'pci0:5:0:0')?.description;
    const reserved = withLoader(fresh, `${original}${RESERVATION}`);
    await restart(reserved);
    expect(await gpuLine(reserved)).toMatch(/^ppt0@/);
    const h = withLoader(reserved, original);
    await restart(h);
    expect(await gpuLine(h)).toMatch(/^vgapci1@pci0:5:0:0:/);
    expect(await kernelMessages(h)).toMatch(/^nvidia0: <Tesla P4> on vgapci1$/m);
    const device = h.snapshot().pciDevices.find((d) => d.selector === 'pci0:5:0:0');
    expect(device?.ownDriver).toBeUndefined();
    expect(device?.description).toBe(description);
  });

  it('pptdevs without vmm_load reserves nothing: ppt lives in vmm.ko', async () => {
    const h = withLoader(hostWith(), 'pptdevs="5/0/0"\n');
    await restart(h);
    expect(await gpuLine(h)).toMatch(/^vgapci1@/);
  });

  it('the diagnosis reads the reserved card as reserved for passthrough, not as a card without a driver', async () => {
    const h = withLoader(hostWith(), RESERVATION);
    await restart(h);
    const pciconf = (await sudo(h, ['pciconf', '-lvbc'])).stdout;
    expect(parsePciconf(pciconf).ok).toBe(true);
    const kldstat = (await h.exec({ argv: ['kldstat'], timeoutMs: 10_000 })).stdout;
    const report = diagnoseOutputs({ outputs: [{ source: 'pciconf', text: pciconf, origin: null }, { source: 'kldstat', text: kldstat, origin: null }] });
    const ids = report.findings.map((f) => f.id);
    // The same shape as a real reserved NVIDIA card's line (fixtures/pciconf/nv-ppt-*).
    expect(pciconf).toMatch(/^ppt0@pci0:5:0:0:\s+class=0x03\S* .*vendor=0x10de/m);
    expect(ids).toContain('gpu-reserved-for-passthrough');
    expect(ids).not.toContain('gpu-no-driver');
  });
});
