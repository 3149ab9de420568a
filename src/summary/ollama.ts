import { msg } from '../contract/messages';
import type { RuntimeUsage, UsageItem } from '../contract/summary';
import { JAIL_NAME, jailPath } from '../jail/layout';
import { OLLAMA_ADDRESS, OLLAMA_BIN, OLLAMA_GENERATE_BODY, OLLAMA_GENERATE_URL, OLLAMA_LOG, OLLAMA_MODEL, OLLAMA_MODELS, OLLAMA_SERVICE } from '../jail/ollama';
import type { SavedProgress } from '../wizard/progress';
import { asRoot, elevationOf } from './facts';
import { bootItems, onHost as host, onLaptop as laptop, runtimeUsage, tunnelItem, type Reach } from './usage-common';

/**
 * How to use ollama from now on: the rc.d service the wizard installed runs `ollama serve` in the jail on the
 * jail's loopback (the host's, with ip4=inherit); the laptop reaches it through an SSH tunnel.
 */
export function ollamaUsage(progress: SavedProgress, reach: Reach, rcConf: string | null): RuntimeUsage {
  const elevation = elevationOf(progress);
  const root = (argv: string[]) => host(asRoot(elevation, argv));
  const port = OLLAMA_ADDRESS.split(':')[1] ?? '11434';
  const url = `http://${OLLAMA_ADDRESS}`;
  const ollama = (...args: string[]) => root(['jexec', JAIL_NAME, OLLAMA_BIN, ...args]);

  const start: UsageItem[] = [
    { say: msg('summary.ollama.service', { service: OLLAMA_SERVICE, log: OLLAMA_LOG }), command: root(['service', OLLAMA_SERVICE, 'status']) },
    { say: msg('summary.ollama.run', { model: OLLAMA_MODEL.tag }), command: ollama('run', OLLAMA_MODEL.tag) },
    { say: msg('summary.ollama.ps'), command: ollama('ps') },
    { say: msg('summary.ollama.restart'), command: root(['service', OLLAMA_SERVICE, 'restart']) },
  ];

  const reachItems: UsageItem[] = [
    tunnelItem(reach, port),
    { say: msg('summary.ollama.client', { url }), command: laptop(['env', `OLLAMA_HOST=${OLLAMA_ADDRESS}`, 'ollama', 'run', OLLAMA_MODEL.tag]) },
    { say: msg('summary.ollama.api'), command: laptop(['curl', `${url}/api/generate`, '-d', JSON.stringify({ model: OLLAMA_MODEL.tag, prompt: 'Hello', stream: false })]) },
    { say: msg('summary.ollama.otherAddress', { service: OLLAMA_SERVICE }), command: root(['sysrc', `${OLLAMA_SERVICE}_host=0.0.0.0:${port}`]) },
  ];

  const boot: UsageItem[] = [...bootItems(rcConf, elevation), { say: msg('summary.ollama.boot', { service: OLLAMA_SERVICE }), command: null }];

  const models: UsageItem[] = [
    { say: msg('summary.ollama.models', { hostDir: jailPath(OLLAMA_MODELS), jailDir: OLLAMA_MODELS }), command: ollama('list') },
    { say: msg('summary.ollama.pull'), command: ollama('pull', 'MODEL') },
  ];

  // The answer goes to the jail's /tmp, readable on the host without root; the serve log is root's, so only a
  // wizard on the host itself reads it too.
  const answer = '/tmp/ollama-generate.json';
  const onHost = jailPath(answer);
  const judge: UsageItem[] =
    reach.wizardWhere === 'host'
      ? [{ say: msg('summary.ollama.benchJudge'), command: root(['egpu-wizard', 'bench', '--from-files', `ollama=${onHost}`, `ollama-log=${OLLAMA_LOG}`]) }]
      : [
          { say: msg('summary.ollama.benchCopy'), command: laptop(['scp', ...(reach.port === 22 ? [] : ['-P', String(reach.port)]), `${reach.address ?? 'USER@X220'}:${onHost}`, '.']) },
          { say: msg('summary.ollama.benchJudge'), command: laptop(['egpu-wizard', 'bench', '--from-files', 'ollama=ollama-generate.json']) },
        ];
  const benchmark: UsageItem[] = [
    { say: msg('summary.ollama.benchRestart'), command: root(['service', OLLAMA_SERVICE, 'restart']) },
    { say: msg('summary.ollama.benchGenerate'), command: root(['jexec', JAIL_NAME, 'curl', '-s', OLLAMA_GENERATE_URL, '-d', OLLAMA_GENERATE_BODY, '-o', answer]) },
    ...judge,
  ];

  return runtimeUsage('ollama', { start, reach: reachItems, boot, models, benchmark });
}
