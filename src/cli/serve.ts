import { parseArgs } from 'node:util';
import { Backend } from '../app/backend';
import { defaultDataDir } from '../app/data-dir';
import { ensureRendererBuilt } from '../server/build-renderer';
import { startServer } from '../server/http-server';
import { version } from '../version';
import { UsageError } from './errors';
import { hostFromSpec } from './host';
import { out, print } from './io';

export const SERVE_HELP = `Usage: egpu-wizard serve [--host local|ssh://user@host|sim:NAME] [--port N] [--data DIR]

Starts the wizard in browser mode on 127.0.0.1 and prints the address (with its session token).
From another machine: ssh -L N:127.0.0.1:N user@x220, then open the printed address there.`;

/** `egpu-wizard serve`: browser mode until Ctrl+C. The backend makes (and changes) its own host. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean' },
      host: { type: 'string', default: 'local' },
      port: { type: 'string', default: '0' },
      data: { type: 'string' },
    },
  });
  if (values.help) return print(SERVE_HELP);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, not "${values.port}"`);
  const dataDir = values.data ?? defaultDataDir();
  hostFromSpec(values.host, dataDir); // fail fast with a clear message before building anything
  const rendererDir = await ensureRendererBuilt((line) => process.stderr.write(`${line}\n`));
  let server;
  try {
    server = await startServer({
      rendererDir,
      port,
      createBackend: (emit) => Backend.create({ dataDir, hostSpec: values.host, mode: 'browser', version, emit }),
      warn: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'EADDRINUSE') {
      throw new UsageError(`port ${port} is already in use: choose another with --port, or 0 for any free port`);
    }
    throw error;
  }
  out(`eGPU Wizard is running in browser mode (host ${values.host}).\nOpen: ${server.url}\n`);
  out(`Data folder: ${dataDir}\nStop with Ctrl+C.\n`);
  await new Promise<void>((resolvePromise) => {
    const stop = () => resolvePromise();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
