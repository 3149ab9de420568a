import { _electron, test as base, type Page } from '@playwright/test';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Backend } from '../src/app/backend';
import { createHost } from '../src/host/create-host';
import { VirtualClock } from '../src/host/simulated/clock';
import { SimulatedHost } from '../src/host/simulated/simulated-host';
import type { Host } from '../src/host/types';
import { startServer, type RunningServer } from '../src/server/http-server';
import { version } from '../src/version';
import { progressFile } from '../src/wizard/progress';
import { journalFile } from '../src/config/journal';

const root = resolve(import.meta.dirname, '..');

/** The Electron binary, where one could be installed; otherwise the same specs run in browser mode. */
function electronBinary(): string | null {
  if (process.env.E2E_MODE === 'browser') return null;
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) && existsSync(join(root, 'out/main/index.js')) ? path : null;
  } catch {
    return null;
  }
}

export interface WizardApp {
  mode: 'electron' | 'browser';
  page: Page;
  dataDir: string;
  /** Browser mode only: the running server, for the token and header tests. */
  server: RunningServer | null;
  /**
   * Browser mode only: the simulated hosts' clock. It runs on its own (commands finish at once, in simulated
   * time); a test pauses it to look at a command half-way. In Electron mode it lives in the main process.
   */
  clock: VirtualClock | null;
  /** Browser mode only: the simulated host the wizard last opened (a test restarts it under a job). */
  simHost: () => SimulatedHost | null;
  /** Calls a contract channel with any payload, the way a compromised renderer could. */
  rawInvoke(channel: string, payload: unknown): Promise<{ status: number | null; body: unknown }>;
}

interface Options {
  hostSpec: string;
  /** Saved progress to put in place before the app starts (a function here would be taken for a fixture). */
  savedProgress: string | null;
  /** The change journal to put in place before the app starts (what earlier changes on this host recorded). */
  savedJournal: string | null;
  /**
   * Browser mode only: host time between the first two looks at a detached job (the app's 5 s when null). A
   * spec that watches a job's progress on the paused clock looks more often than a real host needs.
   */
  jobPollMs: number | null;
}

export const test = base.extend<Options & { wizard: WizardApp }>({
  hostSpec: ['sim:x220-fresh', { option: true }],
  savedProgress: [null, { option: true }],
  savedJournal: [null, { option: true }],
  jobPollMs: [null, { option: true }],
  wizard: async ({ hostSpec, savedProgress, savedJournal, jobPollMs, browser }, use) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'egpu-e2e-'));
    if (savedProgress !== null) {
      const path = progressFile(dataDir, hostSpec).path;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, savedProgress);
    }
    if (savedJournal !== null) {
      const path = journalFile(dataDir).path;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, savedJournal);
    }
    const electronPath = electronBinary();
    if (electronPath) {
      const app = await _electron.launch({
        executablePath: electronPath,
        args: [join(root, 'out/main/index.js'), '--host', hostSpec],
        env: { ...process.env, EGPU_WIZARD_DATA: dataDir, EGPU_WIZARD_SIM_CLOCK: 'instant' },
      });
      const page = await app.firstWindow();
      await use({
        mode: 'electron',
        page,
        dataDir,
        server: null,
        clock: null,
        simHost: () => null,
        rawInvoke: async (channel, payload) => ({
          status: null,
          body: await page.evaluate(
            ([c, p]) => (globalThis as unknown as { egpuWizard: { invoke(c: unknown, p: unknown): Promise<unknown> } }).egpuWizard.invoke(c, p),
            [channel, payload] as const,
          ),
        }),
      });
      await app.close();
    } else {
      const clock = new VirtualClock();
      let simHost: SimulatedHost | null = null;
      // The backend's own host factory, keeping hold of the simulated host it makes.
      const hostFactory = (spec: string): Host => {
        const host = createHost(spec, { dataDir, simClock: clock });
        simHost = host instanceof SimulatedHost ? host : null;
        return host;
      };
      const server = await startServer({
        rendererDir: join(root, 'out/renderer'),
        createBackend: (emit) => Backend.create({ dataDir, hostSpec, mode: 'browser', version, emit, simClock: clock, hostFactory, ...(jobPollMs !== null ? { jobPollMs } : {}) }),
      });
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(server.url);
      await use({
        mode: 'browser',
        page,
        dataDir,
        server,
        clock,
        simHost: () => simHost,
        rawInvoke: async (channel, payload) => {
          const response = await page.request.post(`http://127.0.0.1:${server.port}/api/invoke/${channel}`, {
            headers: { 'X-Egpu-Token': server.token, 'Content-Type': 'application/json' },
            data: JSON.stringify(payload),
          });
          return { status: response.status(), body: await response.json() };
        },
      });
      await context.close();
      await server.close();
    }
    await rm(dataDir, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
