/**
 * Backing out of the passthrough route on the simulated X220 with VT-d, after the route was taken to a
 * running guest: the guest must stop first, undo takes back the route's changes (and no earlier ones), the
 * template and key go, and after the offered restart the card is the host driver's again.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUEST_KEY_PATH } from '../../src/bhyve/guest-key';
import { TEMPLATE_PATH } from '../../src/bhyve/layout';
import type { WizardState } from '../../src/contract/state';
import type { UndoPreview } from '../../src/contract/undo';
import { undo as cliUndo } from '../../src/cli/changes';
import { atCudaJail, files } from './walk';

const STEP = 'cuda-jail';
const check = (state: WizardState, id: string) => state.current.checks.find((c) => c.id === id);
type Undone = { restored: string[]; skipped: { path: string; reason: string }[]; restartOffered: boolean };

/** x220-vtd with the card reserved, the machine restarted and every VM piece run to `cuda` Running. */
async function running() {
  const walk = await atCudaJail('x220-vtd');
  const { call, host } = walk;
  await call('wizard:runChecks', { stepId: STEP });
  await call('wizard:setInput', { stepId: STEP, inputId: 'route', value: 1 });
  // The boot files as the driver step left them: what backing out of the route must return to.
  const beforeRoute = { ...files(host()) };
  await call('wizard:runAction', { stepId: STEP, actionId: 'reserve', confirmed: true });
  await call('wizard:runAction', { stepId: STEP, actionId: 'restart-reserve', confirmed: true });
  await call('wizard:runChecks', { stepId: STEP });
  let state: WizardState | null = null;
  for (const action of ['vm-bhyve', 'vm-host', 'vm-template', 'vm-network', 'vm-guest', 'vm-running']) {
    state = await call('wizard:runAction', { stepId: STEP, actionId: action, confirmed: true });
  }
  expect(state && check(state, 'vm-running')?.status).toBe('pass');
  const root = (argv: string[]) => host()?.exec({ argv: ['sudo', '-S', '-p', '', '--', ...argv], stdin: 'demo\n', timeoutMs: 10_000 });
  const pciGpu = async () => (await host()?.exec({ argv: ['pciconf', '-l'], timeoutMs: 10_000 }))?.stdout.split('\n').find((l) => l.includes('vendor=0x10de'));
  const preview = async () => (await call('changes:list', {})) as unknown as UndoPreview;
  return { ...walk, beforeRoute, root, pciGpu, preview };
}

describe('undo after the passthrough route ran to a guest', () => {
  it('x220-vtd: the guest is stopped and deleted first (each shown), the route undone, and after the restart the P4 is on nvidia again and the driver step passes', async () => {
    const { call, host, beforeRoute, pciGpu, preview, dataDir } = await running();
    expect(await pciGpu()).toMatch(/^ppt0@pci0:5:0:0:/);

    // The preview: the route's changes marked, the template and key deleted rather than left, the guest running.
    let seen = await preview();
    const route = seen.changes.filter((c) => c.passthrough);
    expect(route.map((c) => c.path).sort()).toEqual(['/boot/loader.conf', '/etc/rc.conf', '/etc/rc.conf', GUEST_KEY_PATH, TEMPLATE_PATH].sort());
    expect(seen.changes.filter((c) => c.removes).map((c) => c.path).sort()).toEqual([GUEST_KEY_PATH, TEMPLATE_PATH].sort());
    // The driver step's kld_list line is older than the route: the passthrough scope stops before it.
    const from = seen.changes.findIndex((c) => c.id === seen.passthroughFrom);
    expect(seen.changes.slice(0, from + 1).every((c) => c.passthrough)).toBe(true);
    expect(seen.changes.length).toBeGreaterThan(from + 1);
    expect(seen.guest).toEqual({ name: 'cuda', running: true, line: expect.stringMatching(/^cuda\s+default\s+uefi\s+2\s+5G\s+-\s+Yes \[1\]\s+Running \(4800\)$/) });
    expect(seen.guestCommands.stop.argv).toEqual(['vm', 'stop', 'cuda']);
    expect(seen.guestCommands.destroy.argv).toEqual(['vm', 'destroy', '-f', 'cuda']);
    expect(seen.restartCommand.argv).toEqual(['shutdown', '-r', 'now']);

    // While the guest holds the card, neither scope undoes anything, and nothing waits for a restart.
    const changedBefore = { ...files(host()) };
    await expect(call('changes:undo', { confirmed: true, scope: 'passthrough' })).rejects.toThrow(/cuda is running and holds the card/);
    await expect(call('changes:undo', { confirmed: true })).rejects.toThrow(/stop it first/);
    await expect(call('changes:restart', { confirmed: true })).rejects.toThrow(/no undone change waits/);
    await expect(call('changes:guest', { action: 'destroy', confirmed: true })).rejects.toThrow(/running: stop it first/);
    expect(files(host())).toEqual(changedBefore);

    seen = (await call('changes:guest', { action: 'stop', confirmed: true })) as unknown as UndoPreview;
    expect(seen.guest).toMatchObject({ name: 'cuda', running: false, line: expect.stringMatching(/Stopped$/) });
    // The guest logged in once, so its host key is known; deleting the guest forgets it, as a new one gets a new key.
    const knownHosts = join(dataDir, 'bhyve', 'known_hosts');
    await mkdir(join(dataDir, 'bhyve'), { recursive: true });
    await writeFile(knownHosts, '192.168.1.200 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\n');
    seen = (await call('changes:guest', { action: 'destroy', confirmed: true })) as unknown as UndoPreview;
    expect(seen.guest).toBeNull();
    expect(existsSync(knownHosts)).toBe(false);
    expect(Object.keys(files(host())).filter((p) => p.startsWith('/vm/cuda/'))).toEqual([]);

    const undone = (await call('changes:undo', { confirmed: true, scope: 'passthrough' })) as unknown as Undone;
    expect(undone.skipped).toEqual([]);
    expect(undone.restored.sort()).toEqual(route.map((c) => c.path).sort());
    expect(undone.restartOffered).toBe(true);
    const now = files(host());
    // loader.conf and rc.conf as the driver step left them: no vmm_load, pptdevs or vm_* from the wizard, the driver in kld_list.
    expect(now['/boot/loader.conf']).toBe(beforeRoute['/boot/loader.conf']);
    expect(now['/boot/loader.conf']).not.toMatch(/^(vmm_load|pptdevs)=/m);
    expect(now['/etc/rc.conf']).toBe(beforeRoute['/etc/rc.conf']);
    expect(now['/etc/rc.conf']).not.toMatch(/^vm_(enable|dir|list)=/m);
    expect(now['/etc/rc.conf']).toMatch(/^kld_list=.*nvidia-modeset/m);
    expect(now[TEMPLATE_PATH]).toBeUndefined();
    expect(now[GUEST_KEY_PATH]).toBeUndefined();
    // The step is back on the jail route, under its own name.
    let state = await call('wizard:state', {});
    expect(state.current.inputs.find((i) => i.id === 'route')?.value).toBe(0);
    expect(state.current.title.key).toBe('jail.title');
    // Only the route's changes went: the driver's is still there to undo.
    expect((await preview()).changes.length).toBe(seen.changes.length - route.length);

    // Until the restart ppt0 still holds the card; after it, vgapci and nvidia have it again.
    expect(await pciGpu()).toMatch(/^ppt0@pci0:5:0:0:/);
    await call('changes:restart', { confirmed: true });
    expect(await pciGpu()).toMatch(/^vgapci1@pci0:5:0:0:/);
    const dmesg = (await host()?.exec({ argv: ['dmesg'], timeoutMs: 10_000 }))?.stdout ?? '';
    expect(dmesg).toMatch(/^nvidia0: <Tesla P4> on vgapci1$/m);
    await call('wizard:goTo', { stepId: 'driver' });
    state = await call('wizard:runChecks', { stepId: 'driver' });
    expect(state.current.checks.filter((c) => c.status === 'pass').length).toBeGreaterThanOrEqual(3);
    expect(state.current.checks.map((c) => [c.id, c.status]).filter(([, s]) => s !== 'pass' && s !== 'skip')).toEqual([]);
    // The restart was for that undo: a second one is not offered.
    await expect(call('changes:restart', { confirmed: true })).rejects.toThrow(/no undone change waits/);
  });

  it('the guest kept: after its stop, undo of the route leaves it (no autostart, it cannot start without the card) and says what it took back', async () => {
    const { call, host, preview } = await running();
    await call('changes:guest', { action: 'stop', confirmed: true });
    const undone = (await call('changes:undo', { confirmed: true, scope: 'passthrough' })) as unknown as Undone;
    expect(undone.restored).toEqual(expect.arrayContaining(['/boot/loader.conf', '/etc/rc.conf', TEMPLATE_PATH, GUEST_KEY_PATH]));
    // The guest's own folder is vm-bhyve's, not a file the wizard wrote: only `vm destroy` removes it.
    expect(files(host())['/vm/cuda/cuda.conf']).toBeDefined();
    // vm_enable is gone, so vm-bhyve lists nothing and the preview has no guest to offer.
    expect((await preview()).guest).toBeNull();
  });

  it('egpu-wizard undo --passthrough: refuses while the guest runs (naming vm stop cuda), then takes back the route alone', async () => {
    const { host, dataDir, beforeRoute, root } = await running();
    const run = async () => {
      let text = '';
      const code = await cliUndo({ host: host()!, dataDir, dryRun: false, passthrough: true, password: 'demo', locale: 'en', out: (t) => void (text += t) });
      return { code, text };
    };
    let result = await run();
    expect(result.code).toBe(1);
    expect(result.text).toContain('Not undone: the virtual machine cuda is running and holds the card');
    expect(result.text).toContain('vm stop cuda');
    expect(result.text).toContain(`# ${TEMPLATE_PATH}, changed`);
    expect(files(host())['/boot/loader.conf']).toMatch(/^pptdevs="5\/0\/0"$/m);

    await root(['vm', 'stop', 'cuda']);
    result = await run();
    expect(result.text).toContain('Undone: 5 change(s).');
    expect(result.code).toBe(0);
    const now = files(host());
    expect(now['/boot/loader.conf']).toBe(beforeRoute['/boot/loader.conf']);
    expect(now['/etc/rc.conf']).toBe(beforeRoute['/etc/rc.conf']);
    expect(now[TEMPLATE_PATH]).toBeUndefined();
  });
});
