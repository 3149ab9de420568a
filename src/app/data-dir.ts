import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where progress, settings and the audit log live outside Electron (Electron passes its userData folder). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EGPU_WIZARD_DATA) return env.EGPU_WIZARD_DATA;
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'egpu-wizard');
}
