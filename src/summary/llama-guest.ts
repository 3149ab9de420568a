import { GUEST_KEY_IN_DATA } from '../bhyve/guest-key';
import { GUEST_NAME, UBUNTU_IMAGE } from '../bhyve/layout';
import { getValue, parseShellVars } from '../config/formats/shell-vars';
import { msg } from '../contract/messages';
import type { RuntimeUsage, UsageItem } from '../contract/summary';
import { FIRST_MODEL_PATH, LLAMA_BENCH, LLAMA_SERVER, LLAMA_SERVER_PORT, MODELS_DIR } from '../jail/layout';
import { bySpace } from '../steps/boot-files';
import type { SavedProgress } from '../wizard/progress';
import { asRoot, elevationOf, paramsOf, resultOf, textParam } from './facts';
import { RC_CONF } from './rc-conf';
import { onHost, runtimeUsage, type Reach } from './usage-common';

/** The systemd unit llama-server runs as in the background: a transient one, gone when the guest restarts. */
const UNIT = 'llama-server';

/** The guest's fixed address, as the wizard logged in to it; null where that check never passed. */
export const guestAddressOf = (progress: SavedProgress): string | null => textParam(paramsOf(resultOf(progress, 'cuda-jail', 'guest-reach'), 'guest.reach.ok'), 'address');

/**
 * How to use the card from now on on the passthrough route: llama.cpp lives in the Ubuntu guest, reached by SSH
 * with the wizard's own key (kept in its data folder, on the machine the wizard runs on) at the address of the
 * guest's network-config; the VM itself is started on the host with vm-bhyve.
 */
export function llamaGuestUsage(progress: SavedProgress, reach: Reach, rcConf: string | null, dataDir: string | null): RuntimeUsage {
  const key = dataDir === null ? `<data>/${GUEST_KEY_IN_DATA}` : `${dataDir}/${GUEST_KEY_IN_DATA}`;
  const address = guestAddressOf(progress) ?? 'GUEST_ADDRESS';
  const login = `${UBUNTU_IMAGE.user}@${address}`;
  // The key is where the wizard runs: the host when it ran there, the laptop when it drove the host over SSH.
  const ssh = (...rest: string[]): UsageItem['command'] => ({ where: reach.wizardWhere, argv: ['ssh', '-i', key, ...rest] });
  const inGuest = (argv: string[]): UsageItem['command'] => ssh(login, ...argv);
  const port = String(LLAMA_SERVER_PORT);
  const url = `http://127.0.0.1:${port}`;
  const server = [LLAMA_SERVER, '-m', FIRST_MODEL_PATH, '-ngl', '99', '--host', '127.0.0.1', '--port', port];
  const root = (argv: string[]) => onHost(asRoot(elevationOf(progress), argv));
  const params = { name: GUEST_NAME, address, key: GUEST_KEY_IN_DATA, port, unit: UNIT };

  const start: UsageItem[] = [
    { say: msg('summary.guest.login', params), command: ssh(login) },
    // -t: a terminal in the guest, so Ctrl+C reaches llama-server.
    { say: msg('summary.guest.start', params), command: ssh('-t', login, ...server) },
    { say: msg('summary.guest.background', params), command: inGuest(['sudo', 'systemd-run', `--unit=${UNIT}`, ...server]) },
    { say: msg('summary.llama.stop'), command: inGuest(['sudo', 'systemctl', 'stop', UNIT]) },
  ];

  const reachItems: UsageItem[] = [
    { say: msg('summary.guest.tunnel', params), command: ssh('-N', '-L', `${port}:127.0.0.1:${port}`, login) },
    { say: msg('summary.guest.browser', { url }), command: null },
    {
      say: msg('summary.reach.api'),
      command: { where: reach.wizardWhere, argv: ['curl', `${url}/v1/chat/completions`, '-H', 'Content-Type: application/json', '-d', '{"messages":[{"role":"user","content":"Hello"}]}'] },
    },
    { say: msg('summary.guest.loopback', params), command: null },
  ];

  const doc = rcConf === null ? null : parseShellVars(rcConf, { dialect: 'rc' });
  const vars = doc?.ok ? doc.value : null;
  const autostart = vars !== null && (getValue(vars, 'vm_enable') ?? '').toUpperCase() === 'YES' && bySpace(getValue(vars, 'vm_list')).includes(GUEST_NAME);
  const boot: UsageItem[] = [
    { say: msg('summary.guest.vmStart', params), command: root(['vm', 'start', GUEST_NAME]) },
    autostart
      ? { say: msg('summary.guest.autostart', { ...params, file: RC_CONF, list: (vars && getValue(vars, 'vm_list')) ?? GUEST_NAME }), command: null }
      : { say: msg('summary.guest.noAutostart', { ...params, file: RC_CONF }), command: root(['sysrc', 'vm_enable=YES', `vm_list+=${GUEST_NAME}`]) },
    { say: msg('summary.guest.serverManual'), command: null },
  ];

  const models: UsageItem[] = [
    { say: msg('summary.guest.models', { dir: MODELS_DIR, model: FIRST_MODEL_PATH }), command: inGuest(['ls', '-lh', MODELS_DIR]) },
    { say: msg('summary.guest.modelsOther', { dir: MODELS_DIR }), command: null },
  ];

  const benchmark: UsageItem[] = [{ say: msg('summary.guest.bench'), command: inGuest([LLAMA_BENCH, '-m', FIRST_MODEL_PATH, '-ngl', '99']) }];

  return runtimeUsage('llama.cpp', { start, reach: reachItems, boot, models, benchmark });
}
