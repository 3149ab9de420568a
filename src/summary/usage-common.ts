import { msg } from '../contract/messages';
import type { UsageItem } from '../contract/summary';
import { JAIL_NAME } from '../jail/layout';
import { asRoot, type Elevation } from './facts';
import { bootSettings, RC_CONF } from './rc-conf';

/** How the laptop reaches the host, and where the wizard itself runs (where its CLI is typed). */
export interface Reach {
  /** `user@host` for ssh; null where the host did not say who and where it is. */
  address: string | null;
  port: number;
  /** `host` when the wizard runs on the host itself (local), `laptop` when it drives it over SSH. */
  wizardWhere: 'host' | 'laptop';
}

/**
 * What starts by itself at boot, for every runtime: the Linux ABI, the driver and the jail, as rc.conf says
 * after the wizard's changes; what the wizard did not write is said so, with the command that sets it.
 */
export function bootItems(rcConf: string | null, elevation: Elevation): UsageItem[] {
  const root = (argv: string[]): UsageItem['command'] => ({ where: 'host', argv: asRoot(elevation, argv) });
  const settings = rcConf === null ? null : bootSettings(rcConf, JAIL_NAME);
  if (settings === null) {
    return [
      { say: msg('summary.boot.unknown', { file: RC_CONF }), command: root(['sysrc', 'linux_enable', 'kld_list', 'jail_enable', 'jail_list']) },
      { say: msg('summary.boot.setJail', { jail: JAIL_NAME }), command: root(['sysrc', 'jail_enable=YES', `jail_list+=${JAIL_NAME}`]) },
    ];
  }
  const items: UsageItem[] = [];
  if (settings.driverModule !== null) items.push({ say: msg('summary.boot.driver', { module: settings.driverModule, file: RC_CONF }), command: null });
  else items.push({ say: msg('summary.boot.noDriver', { file: RC_CONF }), command: root(['sysrc', 'kld_list+=nvidia-modeset']) });
  if (settings.linux) items.push({ say: msg('summary.boot.linux', { file: RC_CONF }), command: null });
  else items.push({ say: msg('summary.boot.noLinux', { file: RC_CONF }), command: root(['sysrc', 'linux_enable=YES']) });
  if (settings.jail) items.push({ say: msg('summary.boot.jail', { jail: JAIL_NAME, file: RC_CONF, list: settings.jailList ?? '' }), command: null });
  else items.push({ say: msg('summary.boot.noJail', { jail: JAIL_NAME, file: RC_CONF }), command: root(['sysrc', 'jail_enable=YES', `jail_list+=${JAIL_NAME}`]) });
  if (!settings.sshd) items.push({ say: msg('summary.boot.noSshd', { file: RC_CONF }), command: root(['sysrc', 'sshd_enable=YES']) });
  return items;
}
