import type { Scenario } from '../scenario';
import { x220Error12 } from './x220-error12';

/**
 * A loader.conf the user has tended for years: comments, odd spacing, single quotes, a commented-out
 * setting, no final newline. Every byte of it must survive the wizard's change and its undo.
 */
const loaderConf = [
  '# /boot/loader.conf — my X220',
  '#',
  '',
  'autoboot_delay="3"      # quicker boot',
  "beastie_disable='YES'",
  '  kern.vty=vt',
  '#hw.pci.realloc_bars="1"   # tried this once in 2019',
  'zfs_load="YES"',
  'cryptodev_load="YES"',
  '',
  '# power',
  'hw.pci.do_power_nodriver=3',
  'acpi_ibm_load="YES"',
].join('\n');

export const x220CustomLoader: Scenario = {
  ...structuredClone(x220Error12),
  name: 'x220-custom-loader',
  description: 'ThinkPad X220 (GPU memory ranges unassigned) with a hand-written loader.conf full of comments',
  files: { ...x220Error12.files, '/boot/loader.conf': loaderConf },
};
