import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { PlanApplier } from '../../src/config/apply';
import { journalFile } from '../../src/config/journal';
import { fileChange, type FileChange } from '../../src/config/plan';
import { CommandRunner, type Elevation } from '../../src/commands/runner';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';
import type { ExecRequest, ExecResult, Host } from '../../src/host/types';

const LOADER = '/boot/loader.conf';
const sudo: Elevation = { method: 'sudo', password: 'demo' };

/** Stands for the wizard being killed: from the `killAt`-th command on, nothing runs any more. */
class DyingHost implements Host {
  readonly simulated = true;
  private count = 0;
  constructor(
    private readonly inner: SimulatedHost,
    private readonly killAt: number,
  ) {}
  get spec() {
    return this.inner.spec;
  }
  async exec(request: ExecRequest): Promise<ExecResult> {
    this.count++;
    if (this.count >= this.killAt) {
      return { exitCode: null, signal: 'SIGKILL', stdout: '', stderr: '', durationMs: 0, timedOut: false, cancelled: true, truncated: false, spawnError: null };
    }
    return this.inner.exec(request);
  }
}

async function setup(host: Host, elevation: Elevation = sudo) {
  const dataDir = await mkdtemp(join(tmpdir(), 'egpu-apply-'));
  const runner = new CommandRunner(host, new AuditLog(null), () => elevation);
  return { runner, journal: journalFile(dataDir), applier: new PlanApplier(runner, journalFile(dataDir)) };
}

const fresh = () => new SimulatedHost(loadScenario('x220-fresh'), { timeScale: 0 });
const loaderOf = (host: SimulatedHost) => host.snapshot().files[LOADER] ?? null;

function plan(host: SimulatedHost): FileChange {
  const before = loaderOf(host);
  const change = fileChange(LOADER, before, `${before ?? ''}hw.pci.realloc_bars="1"\n`, []);
  if (!change) throw new Error('no change');
  return change;
}

describe('PlanApplier on the harder hosts', () => {
  it('rolls the whole plan back when sudo refuses halfway through it', async () => {
    const host = new SimulatedHost(loadScenario('x220-sudo-fails'), { timeScale: 0 });
    const loader = loaderOf(host);
    const rc = host.snapshot().files['/etc/rc.conf'] ?? null;
    const changes = [plan(host), fileChange('/etc/rc.conf', rc, `${rc ?? ''}linux_enable="YES"\n`, []) as FileChange];
    const { applier, journal } = await setup(host);
    const outcome = await applier.apply(changes);
    expect(outcome).toMatchObject({ path: '/etc/rc.conf', rolledBack: [LOADER] });
    expect(loaderOf(host)).toBe(loader);
    expect(host.snapshot().files['/etc/rc.conf']).toBe(rc);
    const saved = await journal.load();
    expect(saved.status === 'loaded' && saved.value.entries.map((e) => e.state)).toEqual(['restored', 'failed']);
    // Nothing is left for undo to do.
    expect(await applier.applied()).toEqual([]);
  });

  it('keeps every byte of a hand-written loader.conf, and undo restores it exactly', async () => {
    const host = new SimulatedHost(loadScenario('x220-custom-loader'), { timeScale: 0 });
    const original = loaderOf(host) ?? '';
    const { applier } = await setup(host);
    const { parseShellVars, renderShellVars, setValue } = await import('../../src/config/formats/shell-vars');
    const doc = parseShellVars(original, { dialect: 'loader' });
    if (!doc.ok) throw new Error(doc.error.message);
    const after = renderShellVars(setValue(doc.value, 'hw.pci.realloc_bars', '1'));
    expect(after.startsWith(original)).toBe(true); // only appended: the user's lines are untouched
    await applier.apply([fileChange(LOADER, original, after, []) as FileChange]);
    expect(loaderOf(host)).toBe(after);
    expect(await applier.undoAll()).toMatchObject({ restored: [LOADER] });
    expect(loaderOf(host)).toBe(original);
  });
});

describe('PlanApplier', () => {
  it('replaces the file, keeps owner and mode, leaves no staged copy and journals the original', async () => {
    const host = fresh();
    const change = plan(host);
    const { applier, journal } = await setup(host);
    expect(await applier.apply([change])).toEqual({ status: 'applied', paths: [LOADER] });
    const state = host.snapshot();
    expect(state.files[LOADER]).toBe(change.after);
    expect(state.files[`${LOADER}.egpu-new`]).toBeUndefined();
    expect(state.fileMeta?.[LOADER]).toEqual({ owner: 'root', group: 'wheel', mode: '644' });
    const saved = await journal.load();
    expect(saved.status === 'loaded' && saved.value.entries).toMatchObject([{ path: LOADER, before: change.before, state: 'applied' }]);
    const backups = join(dirname(journal.path), 'backups');
    const [backup] = await readdir(backups);
    expect(backup).toMatch(/^\d{4}-\d{2}-\d{2}T.*_boot_loader\.conf$/);
    expect(await readFile(join(backups, backup ?? ''), 'utf8')).toBe(change.before);
  });

  it('refuses a plan made from an older version of the file, changing nothing', async () => {
    const host = fresh();
    const change = plan(host);
    const { applier } = await setup(host);
    await applier.apply([change]);
    expect(await applier.apply([change])).toMatchObject({ status: 'not-applied', path: LOADER });
    expect(loaderOf(host)).toBe(change.after);
  });

  it('changes nothing without a way to become root', async () => {
    const host = fresh();
    const before = loaderOf(host);
    const { applier } = await setup(host, { method: 'none', password: null });
    expect(await applier.apply([plan(host)])).toMatchObject({ status: 'not-applied' });
    expect(loaderOf(host)).toBe(before);
  });

  it('leaves the old file or the new one, never anything else, wherever it is killed', async () => {
    for (let killAt = 1; killAt <= 12; killAt++) {
      const inner = fresh();
      const change = plan(inner);
      const { applier } = await setup(new DyingHost(inner, killAt));
      await applier.apply([change]).catch(() => undefined);
      expect([change.before, change.after], `killed at command ${killAt}`).toContain(loaderOf(inner));
    }
  });

  it('undoes every change, newest first, and leaves files edited by hand alone', async () => {
    const host = fresh();
    const original = loaderOf(host);
    const { applier, runner, journal } = await setup(host);
    const first = plan(host);
    await applier.apply([first]);
    const second = fileChange(LOADER, first.after, `${first.after}nvidia_load="YES"\n`, []);
    if (!second) throw new Error('no change');
    expect(await applier.apply([second])).toMatchObject({ status: 'applied' });
    expect(await applier.undoAll()).toEqual({ restored: [LOADER, LOADER], skipped: [] });
    expect(loaderOf(host)).toBe(original);
    expect(await applier.undoAll()).toEqual({ restored: [], skipped: [] });

    // Applied again, then edited by hand (as root, outside the wizard): undo must not overwrite that.
    await applier.apply([plan(host)]);
    const handEdited = `${loaderOf(host) ?? ''}# edited by hand\n`;
    await runner.run('stageManaged', { path: LOADER, content: handEdited });
    await runner.run('commitStaged', { path: LOADER });
    expect(await applier.undoAll()).toEqual({ restored: [], skipped: [{ path: LOADER, reason: 'changed-since' }] });
    expect(loaderOf(host)).toBe(handEdited);
    expect((await journal.load()).status).toBe('loaded');
  });
});

describe('PlanApplier.recover after an apply that was cut off', () => {
  it('puts every file of the interrupted plan back, and only once', async () => {
    const inner = fresh();
    const loader = loaderOf(inner);
    const rc = inner.snapshot().files['/etc/rc.conf'] ?? null;
    const changes = [plan(inner), fileChange('/etc/rc.conf', rc, `${rc ?? ''}linux_enable="YES"\n`, []) as FileChange];
    // Commands 1–7 write loader.conf, 8–13 stage and rename rc.conf; from the 14th (reading it back) the host is gone.
    const dying = new DyingHost(inner, 14);
    const { applier, journal } = await setup(dying);
    await expect(applier.apply(changes)).rejects.toThrow();
    expect(loaderOf(inner)).toBe(changes[0]?.after);
    expect(inner.snapshot().files['/etc/rc.conf']).toBe(changes[1]?.after);

    // The connection is back: the next applier on the same journal finishes the job.
    const runner = new CommandRunner(inner, new AuditLog(null), () => sudo);
    const recovered = await new PlanApplier(runner, journal).recover();
    expect(recovered).toEqual({ rolledBack: ['/etc/rc.conf', '/boot/loader.conf'], leftAlone: [], waiting: false });
    expect(loaderOf(inner)).toBe(loader);
    expect(inner.snapshot().files['/etc/rc.conf']).toBe(rc);
    const loaded = await journal.load();
    expect(loaded.status === 'loaded' && loaded.value.entries.map((e) => e.state)).toEqual(['restored', 'restored']);
    expect(await new PlanApplier(runner, journal).recover()).toEqual({ rolledBack: [], leftAlone: [], waiting: false });
  });

  it('waits for the password rather than half-doing it, and leaves a file edited since alone', async () => {
    const inner = fresh();
    const change = plan(inner);
    const { applier, journal } = await setup(new DyingHost(inner, 7));
    await expect(applier.apply([change])).rejects.toThrow();
    expect(loaderOf(inner)).toBe(change.after);

    const noPassword = new CommandRunner(inner, new AuditLog(null), () => ({ method: 'sudo', password: null }));
    expect(await new PlanApplier(noPassword, journal).recover()).toMatchObject({ rolledBack: [], waiting: true });
    expect(loaderOf(inner)).toBe(change.after);

    // Someone edits the file by hand before the wizard gets back to it.
    const runner = new CommandRunner(inner, new AuditLog(null), () => sudo);
    await runner.run('stageManaged', { path: LOADER, content: 'kern.vty="vt"\n' });
    await runner.run('commitStaged', { path: LOADER });
    expect(await new PlanApplier(runner, journal).recover()).toEqual({ rolledBack: [], leftAlone: [{ path: LOADER, reason: 'changed-since' }], waiting: false });
    expect(loaderOf(inner)).toBe('kern.vty="vt"\n');
  });
});
