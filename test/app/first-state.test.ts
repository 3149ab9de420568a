import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventName } from '../../src/contract/channels';
import type { WizardState } from '../../src/contract/state';
import type { ExecRequest, ExecResult, Host } from '../../src/host/types';

// Every file the backend opens for reading, by path: the audit log must not be among them.
const opened = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const note = (path: unknown) => opened.push(String(path));
  return {
    ...actual,
    readFile: ((path: Parameters<typeof actual.readFile>[0], ...rest: unknown[]) => {
      note(path);
      return (actual.readFile as (...args: unknown[]) => unknown)(path, ...rest);
    }) as typeof actual.readFile,
    open: ((path: Parameters<typeof actual.open>[0], ...rest: unknown[]) => {
      note(path);
      return (actual.open as (...args: unknown[]) => unknown)(path, ...rest);
    }) as typeof actual.open,
  };
});
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return {
    ...actual,
    readFileSync: ((path: Parameters<typeof actual.readFileSync>[0], ...rest: unknown[]) => {
      opened.push(String(path));
      return (actual.readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
    }) as typeof actual.readFileSync,
    createReadStream: ((path: Parameters<typeof actual.createReadStream>[0], ...rest: unknown[]) => {
      opened.push(String(path));
      return (actual.createReadStream as (...args: unknown[]) => unknown)(path, ...rest);
    }) as typeof actual.createReadStream,
  };
});

const { Backend } = await import('../../src/app/backend');

/** A host whose commands start but do not finish until the test lets them: what waits for one, hangs. */
class GatedHost implements Host {
  readonly simulated = true;
  started: string[] = [];
  finished = 0;
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));

  constructor(
    readonly spec: string,
    private readonly uname: string,
  ) {}

  release(): void {
    this.open();
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    this.started.push(request.argv.join(' '));
    await this.gate;
    this.finished += 1;
    const known = request.argv.join(' ') === 'uname -rsm';
    return {
      exitCode: known ? 0 : null,
      signal: null,
      stdout: known ? this.uname : '',
      stderr: '',
      durationMs: 1,
      timedOut: false,
      cancelled: false,
      truncated: false,
      spawnError: known ? null : 'ENOENT',
    };
  }
}

/** A host that answers at once. */
function openHost(spec: string, uname: string): GatedHost {
  const host = new GatedHost(spec, uname);
  host.release();
  return host;
}

async function open(uname: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'egpu-first-state-'));
  // A long history of earlier runs: the first screen does not need it.
  const line = JSON.stringify({ id: 'x', argv: ['uname', '-rsm'], stdout: 'FreeBSD 14.2-RELEASE amd64\n' });
  await writeFile(join(dataDir, 'audit.log'), `${line}\n`.repeat(20_000));
  const host = new GatedHost('sim:x220-fresh', uname);
  const events: { event: EventName; payload: unknown }[] = [];
  // Fake timers: anything on the way to the first state that waited on a timer would never get there.
  vi.useFakeTimers();
  const backend = await Backend.create({
    dataDir,
    hostSpec: 'sim:x220-fresh',
    mode: 'browser',
    version: '0.0.0',
    emit: (event, payload) => events.push({ event, payload }),
    hostFactory: (spec) => (spec === host.spec ? host : openHost(spec, 'Linux 6.1.0-18-amd64 x86_64\n')),
  });
  const reply = await backend.dispatch('wizard:state', {});
  vi.useRealTimers();
  return { dataDir, host, events, backend, reply };
}

afterEach(() => {
  vi.useRealTimers();
  opened.length = 0;
});

describe('the first state', () => {
  it('is answered before any host command has finished, without a timer, and without reading the audit log', async () => {
    const { dataDir, host, backend, reply } = await open('FreeBSD 14.2-RELEASE amd64\n');
    expect(host.finished).toBe(0);
    expect(reply.ok).toBe(true);
    const state = reply.ok ? (reply.data as WizardState) : null;
    expect(state?.steps.length).toBeGreaterThan(3);
    expect(state?.current.id).toBe('preflight');
    expect(state?.host).toEqual({ spec: 'sim:x220-fresh', label: { key: 'scenario.x220-fresh' }, simulated: true });
    expect(opened.filter((path) => path.startsWith(dataDir))).not.toHaveLength(0);
    expect(opened.filter((path) => path.endsWith('audit.log'))).toEqual([]);
    host.release();
    await backend.hostChecked;
    // The one command opening runs, in the background: is this FreeBSD?
    expect(host.started).toEqual(['uname -rsm']);
    expect(backend.state().hostPickerReason).toBeNull();
    await backend.close();
  });

  it('is followed by the host check as an event when the host will not do', async () => {
    const { host, events, backend, reply } = await open('Linux 6.1.0-18-amd64 x86_64\n');
    expect(reply.ok && (reply.data as WizardState).hostPickerReason).toBeNull();
    host.release();
    await backend.hostChecked;
    await Promise.resolve();
    const states = events.filter((e) => e.event === 'state:changed').map((e) => e.payload as WizardState);
    expect(states.at(-1)?.hostPickerReason).toEqual({ key: 'host.picker.notFreeBSD', params: { os: 'Linux 6.1.0-18-amd64' } });
    await backend.close();
  });

  it('a host chosen in the picker is checked before the answer, so the picker can say why it will not do', async () => {
    const { host, backend } = await open('FreeBSD 14.2-RELEASE amd64\n');
    host.release();
    await backend.hostChecked;
    const reply = await backend.dispatch('host:select', { spec: 'sim:not-freebsd' });
    expect(reply.ok && (reply.data as WizardState).hostPickerReason).toEqual({ key: 'host.picker.notFreeBSD', params: { os: 'Linux 6.1.0-18-amd64' } });
    await backend.close();
  });
});
