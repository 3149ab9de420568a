import { describe, expect, it } from 'vitest';
import { JAIL_FSTAB } from '../../src/jail/layout';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { parseFstab, renderFstab } from '../../src/config/formats/fstab';
import { parseDevfsRules, renderDevfsRules } from '../../src/config/formats/devfs-rules';
import { parseJailConf, renderJailConf } from '../../src/config/formats/jail-conf';
import { atCudaJail, files } from './walk';

describe('the jail step’s file changes round-trip and undo', () => {
  it('x220-jail-no-devfs: devfs.rules, fstab.cuda and jail.conf are changed, read back, and put back by changes:undo', async () => {
    const original = loadScenario('x220-jail-no-devfs').files;
    const { call, host } = await atCudaJail('x220-jail-no-devfs');
    await call('wizard:runChecks', { stepId: 'cuda-jail' });
    await call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'devfs', confirmed: true });
    let state = await call('wizard:runAction', { stepId: 'cuda-jail', actionId: 'jail', confirmed: true });
    expect(state.current.checks.find((c) => c.id === 'devfs')?.status).toBe('pass');

    const changed = files(host());
    // Each file the wizard wrote parses and renders back to exactly its bytes.
    for (const [path, render] of [
      [JAIL_FSTAB, (t: string) => { const d = parseFstab(t); return d.ok ? renderFstab(d.value) : null; }],
      ['/etc/devfs.rules', (t: string) => { const d = parseDevfsRules(t); return d.ok ? renderDevfsRules(d.value) : null; }],
      ['/etc/jail.conf', (t: string) => { const d = parseJailConf(t); return d.ok ? renderJailConf(d.value) : null; }],
    ] as const) {
      const text = changed[path] ?? '';
      expect(render(text), path).toBe(text);
    }
    expect(changed[JAIL_FSTAB]).not.toBe(original[JAIL_FSTAB]);
    expect(changed['/etc/jail.conf']).not.toBe(original['/etc/jail.conf']);

    const listed = (await call('changes:list', {})) as unknown as { changes: { path: string; undoDiff: string }[] };
    expect(listed.changes.map((c) => c.path)).toEqual(['/etc/jail.conf', JAIL_FSTAB, '/etc/devfs.rules']);
    expect(listed.changes[1]?.undoDiff).toContain('+devfs\t/usr/local/jails/cuda/dev\tdevfs\trw,ruleset=4\t0\t0');

    const undone = (await call('changes:undo', { confirmed: true })) as unknown as { restored: string[]; skipped: { path: string; reason: string }[] };
    expect(undone.restored).toEqual(['/etc/jail.conf', JAIL_FSTAB]);
    // devfs.rules did not exist before: the wizard created it, and undo leaves it (and says so).
    expect(undone.skipped).toEqual([{ path: '/etc/devfs.rules', reason: 'created-by-wizard' }]);
    const after = files(host());
    expect(after[JAIL_FSTAB]).toBe(original[JAIL_FSTAB]);
    expect(after['/etc/jail.conf']).toBe(original['/etc/jail.conf']);

    // With the hand-made ruleset 4 back, the jail (once restarted) hides the nodes again and the check says so.
    await host()?.exec({ argv: ['sudo', '-S', '-p', '', '--', 'service', 'jail', 'restart', 'cuda'], stdin: 'demo\n', timeoutMs: 10_000 });
    state = await call('wizard:runChecks', { stepId: 'cuda-jail' });
    expect(state.current.checks.find((c) => c.id === 'jail-smi')?.reason?.key).toBe('jail.smi.nodesHidden');
  });
});
