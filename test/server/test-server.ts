import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backend } from '../../src/app/backend';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/http-server';
import { FakeHost } from '../wizard/fake-host';

/**
 * Browser mode's server on a renderer folder the test made, with a backend whose host answers only `uname`
 * (FreeBSD 14.2): nothing else runs, so the tests see the server, not a host.
 */
export async function startTestServer(rendererDir: string, options: Partial<Omit<ServerOptions, 'rendererDir' | 'createBackend'>> = {}): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'egpu-server-'));
  return startServer({
    ...options,
    rendererDir,
    createBackend: (emit) =>
      Backend.create({
        dataDir,
        hostSpec: 'sim:x220-fresh',
        mode: 'browser',
        version: '0.0.0',
        emit,
        hostFactory: (spec) => new FakeHost(spec, { 'uname -rsm': { stdout: 'FreeBSD 14.2-RELEASE amd64\n' } }),
      }),
  });
}
