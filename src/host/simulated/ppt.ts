import type { Scenario } from './scenario';

/**
 * bhyve's ppt(4) at boot (sys/amd64/vmm/io/ppt.c): with vmm.ko loaded by the loader, every endpoint (header
 * type 0) whose bus/slot/function is in loader.conf's `pptdevs`, `pptdevs2` or `pptdevs3` is taken by ppt
 * before any other driver can probe it; ppt sets no description. A device no longer listed gets back the
 * driver it had before, so undoing the reservation and restarting returns the card to vgapci and nvidia.
 */
export function attachPassthrough(state: Scenario, vmmLoaded: boolean): void {
  const reserved = vmmLoaded ? pptdevsOf(state.files['/boot/loader.conf'] ?? '') : new Set<string>();
  const onBus = (device: Scenario['pciDevices'][number]): boolean => !device.egpu || state.egpu.enumerated;
  let unit = 0;
  for (const device of [...state.pciDevices].sort((a, b) => compare(a.selector, b.selector))) {
    const entry = bsf(device.selector);
    if (onBus(device) && device.hdr === '0x00' && entry !== null && reserved.has(entry)) {
      device.ownDriver ??= { driver: device.driver, description: device.description };
      device.driver = `ppt${unit++}`;
      device.description = null;
    } else if (device.ownDriver !== undefined) {
      device.driver = device.ownDriver.driver;
      device.description = device.ownDriver.description;
      delete device.ownDriver;
    }
  }
}

/** The B/S/F triples of the last assignment of each pptdevs variable. */
function pptdevsOf(loaderConf: string): Set<string> {
  const byKey = new Map<string, string>();
  for (const line of loaderConf.split('\n')) {
    const match = /^\s*(pptdevs[23]?)\s*=\s*(?:"([^"]*)"|(\S*))\s*(?:#.*)?$/.exec(line);
    if (match?.[1] !== undefined) byKey.set(match[1], match[2] ?? match[3] ?? '');
  }
  return new Set([...byKey.values()].flatMap((value) => value.split(/\s+/).filter((w) => w !== '')));
}

const parts = (selector: string): number[] => selector.replace(/^pci/, '').split(':').map(Number);

function compare(a: string, b: string): number {
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 4; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** `pci0:5:0:0` → `5/0/0`; pptdevs names no domain, so only domain 0 can be listed. */
function bsf(selector: string): string | null {
  const [domain, bus, slot, func] = parts(selector);
  return domain === 0 ? `${bus}/${slot}/${func}` : null;
}
