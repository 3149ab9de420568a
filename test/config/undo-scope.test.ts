/** Undo down to one change, the origin each change records, and the files undo deletes rather than leaves. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { PlanApplier } from '../../src/config/apply';
import { journalFile } from '../../src/config/journal';
import { fileChange, type FileChange, type ManagedPath } from '../../src/config/plan';
import { CommandRunner } from '../../src/commands/runner';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';

const TEMPLATE = '/vm/.templates/egpu-cuda.conf';
const RC = '/etc/rc.conf';

async function setup() {
  const scenario = loadScenario('x220-vtd');
  scenario.directories = [...(scenario.directories ?? []), '/vm', '/vm/.templates'];
  const host = new SimulatedHost(scenario, { timeScale: 0 });
  const dataDir = await mkdtemp(join(tmpdir(), 'egpu-undo-scope-'));
  const runner = new CommandRunner(host, new AuditLog(null), () => ({ method: 'sudo', password: 'demo' }));
  const file = (path: ManagedPath) => host.snapshot().files[path] ?? null;
  const change = (path: ManagedPath, add: string): FileChange => {
    const made = fileChange(path, file(path), `${file(path) ?? ''}${add}\n`, []);
    if (!made) throw new Error('no change');
    return made;
  };
  return { host, file, change, journal: journalFile(dataDir), applier: new PlanApplier(runner, journalFile(dataDir)), root: (argv: string[], stdin = '') => host.exec({ argv: ['sudo', '-S', '-p', '', '--', ...argv], stdin: `demo\n${stdin}`, timeoutMs: 10_000 }) };
}

describe('undo scopes and removals', () => {
  it('records the origin, undoes newest first down to the named change only, and deletes a template it created', async () => {
    const { file, change, journal, applier } = await setup();
    const rc0 = file(RC);
    await applier.apply([change(RC, 'kld_list="nvidia-modeset"')], { stepId: 'driver', actionId: 'load' });
    const rc1 = file(RC);
    expect((await applier.apply([change(RC, 'vm_enable="YES"')], { stepId: 'cuda-jail', actionId: 'vm-host' })).status).toBe('applied');
    expect((await applier.apply([change(TEMPLATE, 'loader="uefi"')], { stepId: 'cuda-jail', actionId: 'vm-template' })).status).toBe('applied');

    const loaded = await journal.load();
    expect(loaded.status === 'loaded' && loaded.value.entries.map((e) => e.origin?.actionId)).toEqual(['load', 'vm-host', 'vm-template']);
    const listed = await applier.applied();
    expect(listed.map((c) => [c.path, c.removes])).toEqual([[TEMPLATE, true], [RC, false], [RC, false]]);

    const through = listed[1]?.id ?? '';
    const result = await applier.undoAll({ through });
    expect(result).toEqual({ restored: [TEMPLATE, RC], skipped: [] });
    expect(file(TEMPLATE)).toBeNull();
    expect(file(RC)).toBe(rc1);
    // The older change is still applied, and undoing everything now takes it back too.
    expect((await applier.applied()).map((c) => c.path)).toEqual([RC]);
    await applier.undoAll();
    expect(file(RC)).toBe(rc0);
    await expect(applier.undoAll({ through: 'no-such-change' })).rejects.toThrow(/no applied change/);
  });

  it('a created template edited by hand since is left alone, and a created file outside the list is never deleted', async () => {
    const { file, change, applier, root } = await setup();
    await applier.apply([change(TEMPLATE, 'loader="uefi"')]);
    await applier.apply([change('/etc/devfs.rules', '[devfsrules_jail_cuda=61]')]);
    // By hand: the same staged write the wizard uses, with a line of the user's own.
    await root(['tee', `${TEMPLATE}.egpu-new`], `${file(TEMPLATE) ?? ''}# mine\n`);
    await root(['mv', '-f', `${TEMPLATE}.egpu-new`, TEMPLATE]);
    const result = await applier.undoAll();
    expect(result.restored).toEqual([]);
    expect(result.skipped).toEqual([
      { path: '/etc/devfs.rules', reason: 'created-by-wizard' },
      { path: TEMPLATE, reason: 'changed-since' },
    ]);
    expect(file(TEMPLATE)).toMatch(/# mine\n$/);
    expect(file('/etc/devfs.rules')).not.toBeNull();
  });
});
