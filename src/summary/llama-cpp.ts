import { msg } from '../contract/messages';
import type { RuntimeUsage, UsageItem } from '../contract/summary';
import { FIRST_MODEL_PATH, JAIL_NAME, LLAMA_BENCH, LLAMA_BUILD, LLAMA_SERVER, LLAMA_SERVER_LOG, LLAMA_SERVER_PID, LLAMA_SERVER_PORT, MODELS_DIR, jailPath } from '../jail/layout';
import type { SavedProgress } from '../wizard/progress';
import { asRoot, elevationOf, sudoNeedsPassword } from './facts';
import { bootItems, type Reach } from './usage-common';

/** llama-server in the jail, on the host's loopback only: the jail shares the host's network (ip4=inherit). */
export const llamaServerArgv = (): string[] => ['jexec', JAIL_NAME, LLAMA_SERVER, '-m', FIRST_MODEL_PATH, '-ngl', '99', '--host', '127.0.0.1', '--port', String(LLAMA_SERVER_PORT)];

const host = (argv: string[]): UsageItem['command'] => ({ where: 'host', argv });
const laptop = (argv: string[]): UsageItem['command'] => ({ where: 'laptop', argv });

/**
 * How to use llama.cpp from now on, with this host's names: the jail, the model the wizard measured, the
 * host's own way to root, its address as the wizard reached it.
 */
export function llamaCppUsage(progress: SavedProgress, reach: Reach, rcConf: string | null): RuntimeUsage {
  const elevation = elevationOf(progress);
  const root = (argv: string[]) => host(asRoot(elevation, argv));
  const port = String(LLAMA_SERVER_PORT);
  const url = `http://127.0.0.1:${port}`;
  // The wizard's own build includes llama-server; a llama.cpp that was there before may lack it.
  const builtByWizard = progress.steps['first-model']?.actions.build?.status === 'ok';

  const start: UsageItem[] = [
    ...(builtByWizard
      ? []
      : [{ say: msg('summary.llama.buildServer'), command: root(['jexec', JAIL_NAME, 'cmake', '--build', LLAMA_BUILD, '--config', 'Release', '--target', 'llama-server', '-j', '4']) }]),
    { say: msg('summary.llama.start', { port }), command: root(llamaServerArgv()) },
    { say: msg('summary.llama.background', { log: LLAMA_SERVER_LOG }), command: root(['daemon', '-o', LLAMA_SERVER_LOG, '-p', LLAMA_SERVER_PID, ...llamaServerArgv()]) },
    { say: msg('summary.llama.stop'), command: root(['pkill', '-F', LLAMA_SERVER_PID]) },
  ];

  const tunnel = reach.address === null ? null : ['ssh', '-N', ...(reach.port === 22 ? [] : ['-p', String(reach.port)]), '-L', `${port}:127.0.0.1:${port}`, reach.address];
  const reachItems: UsageItem[] = [
    tunnel === null
      ? { say: msg('summary.reach.tunnelUnknown', { port }), command: laptop(['ssh', '-N', '-L', `${port}:127.0.0.1:${port}`, 'USER@X220']) }
      : { say: msg('summary.reach.tunnel', { port }), command: laptop(tunnel) },
    { say: msg('summary.reach.browser', { url }), command: null },
    {
      say: msg('summary.reach.api'),
      command: laptop(['curl', `${url}/v1/chat/completions`, '-H', 'Content-Type: application/json', '-d', '{"messages":[{"role":"user","content":"Hello"}]}']),
    },
    { say: msg('summary.reach.loopback', { jail: JAIL_NAME }), command: null },
  ];

  const boot: UsageItem[] = [
    ...bootItems(rcConf, elevation),
    { say: msg('summary.boot.llamaManual'), command: null },
  ];

  const models: UsageItem[] = [
    { say: msg('summary.models.where', { hostDir: jailPath(MODELS_DIR), jailDir: MODELS_DIR, model: FIRST_MODEL_PATH }), command: host(['ls', '-lh', jailPath(MODELS_DIR)]) },
    { say: msg('summary.models.other', { jailDir: MODELS_DIR }), command: null },
  ];

  const benchmark: UsageItem[] = [
    {
      say: msg('summary.bench.wizard'),
      command: { where: reach.wizardWhere, argv: ['egpu-wizard', 'bench', '--host', progress.host, ...(sudoNeedsPassword(progress) ? ['--password-stdin'] : [])] },
    },
    { say: msg('summary.bench.direct'), command: root(['jexec', JAIL_NAME, LLAMA_BENCH, '-m', FIRST_MODEL_PATH, '-ngl', '99']) },
  ];

  return {
    runtime: 'llama.cpp',
    sections: [
      { id: 'start', items: start },
      { id: 'reach', items: reachItems },
      { id: 'boot', items: boot },
      { id: 'models', items: models },
      { id: 'benchmark', items: benchmark },
    ],
  };
}
