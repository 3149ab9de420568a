import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { WizardState } from '../../src/contract/state';
import { AuditLog } from '../../src/audit/audit-log';
import { CommandRunner } from '../../src/commands/runner';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';
import { reserveCheck } from '../../src/steps/cuda-jail/reserve-check';
import { passthroughUnavailable, recommendedRoute, routeCheck } from '../../src/steps/cuda-jail/route';
import { progressFile } from '../../src/wizard/progress';
import { CheckRound } from '../../src/wizard/run-checks';
import { atCudaJail, files } from './walk';

const STEP = 'cuda-jail';
const check = (state: WizardState, id: string) => state.current.checks.find((c) => c.id === id);
const routeChoices = (state: WizardState) => state.current.inputs.find((i) => i.id === 'route')?.choices ?? [];
const offered = (state: WizardState, id: string) => state.current.actions.find((a) => a.id === id)?.offered === true;
const pciconfGpu = async (host: ReturnType<Awaited<ReturnType<typeof atCudaJail>>['host']>) =>
  (await host?.exec({ argv: ['pciconf', '-l'], timeoutMs: 10_000 }))?.stdout.split('\n').find((l) => l.includes('vendor=0x10de'));

describe('the route choice at the jail step', () => {
  it('x220-vtd: passthrough is open and recommended; choosing it shows the reservation instead of the jail', async () => {
    const { call, dataDir } = await atCudaJail('x220-vtd');
    let state = await call('wizard:runChecks', { stepId: STEP });
    expect(check(state, 'route')).toMatchObject({ status: 'pass', reason: { key: 'route.possible', params: { cpu: 'i5-2520M', memory: '7.8', guest: '5' } } });
    // The DMAR table's header is the evidence.
    expect(check(state, 'route')?.evidence.flatMap((e) => e.lines.map((l) => l.text))).toEqual(expect.arrayContaining([expect.stringMatching(/^ {2}DMAR: Length=/)]));
    const [jail, passthrough] = routeChoices(state);
    expect(jail).toMatchObject({ value: 0, unavailable: null, recommended: false });
    expect(passthrough).toMatchObject({ value: 1, unavailable: null, recommended: true, hint: { key: 'route.choice.passthrough.hint' } });
    // The jail route by default: its checks, not the reservation.
    expect(check(state, 'userland')).toBeDefined();
    expect(check(state, 'reserve')).toBeUndefined();

    state = await call('wizard:setInput', { stepId: STEP, inputId: 'route', value: 1 });
    expect(state.current.inputs.find((i) => i.id === 'route')?.value).toBe(1);
    expect(check(state, 'userland')).toBeUndefined();
    expect(check(state, 'reserve')).toMatchObject({ status: 'fail', reason: { key: 'reserve.planned', params: { selector: 'pci0:5:0:0', entry: '5/0/0' } } });
    expect(offered(state, 'reserve')).toBe(true);
    expect(offered(state, 'build')).toBe(false);

    // Saved in the host's progress (validated by its zod schema when read back).
    const saved = JSON.parse(await readFile(progressFile(dataDir, 'sim:x220-vtd').path, 'utf8')) as { steps: Record<string, { inputs: Record<string, number> }> };
    expect(saved.steps[STEP]?.inputs.route).toBe(1);

    // And it can be changed back.
    state = await call('wizard:setInput', { stepId: STEP, inputId: 'route', value: 0 });
    expect(check(state, 'reserve')).toBeUndefined();
    expect(offered(state, 'reserve')).toBe(false);
  });

  it('x220-vtd: reserving the card writes the plan, the restart hands it to ppt0, and undo plus a restart give it back', async () => {
    const { call, host } = await atCudaJail('x220-vtd');
    await call('wizard:runChecks', { stepId: STEP });
    await call('wizard:setInput', { stepId: STEP, inputId: 'route', value: 1 });
    let state = await call('wizard:runAction', { stepId: STEP, actionId: 'reserve', confirmed: true });
    const loader = files(host())['/boot/loader.conf'] ?? '';
    expect(loader).toMatch(/^vmm_load="YES"$/m);
    expect(loader).toMatch(/^pptdevs="5\/0\/0"$/m);
    // The driver step put the host driver in kld_list; this route keeps it out.
    expect(files(host())['/etc/rc.conf']).not.toMatch(/^kld_list=.*nvidia/m);
    expect(check(state, 'reserve')?.reason?.key).toBe('reserve.waitingRestart');
    expect(await pciconfGpu(host())).toMatch(/^vgapci1@pci0:5:0:0:/);
    expect(offered(state, 'restart-reserve')).toBe(true);

    state = await call('wizard:runAction', { stepId: STEP, actionId: 'restart-reserve', confirmed: true });
    state = await call('wizard:runChecks', { stepId: STEP });
    expect(check(state, 'reserve')).toMatchObject({ status: 'pass', reason: { key: 'reserve.ok', params: { driver: 'ppt0', selector: 'pci0:5:0:0' } } });
    expect(check(state, 'reserve')?.evidence[0]?.lines.map((l) => l.text)).toEqual([expect.stringMatching(/^ppt0@pci0:5:0:0:\t/)]);
    expect(await pciconfGpu(host())).toMatch(/^ppt0@pci0:5:0:0:/);

    // Back at the boot configuration, the step does not offer to put the host driver back on the card.
    await call('wizard:goTo', { stepId: 'boot-config' });
    const boot = await call('wizard:runChecks', { stepId: 'boot-config' });
    expect(check(boot, 'proposal')).toMatchObject({ status: 'pass', advice: [{ key: 'reserve.note.bootConfig', params: { selector: 'pci0:5:0:0' } }] });
    await call('wizard:goTo', { stepId: STEP });

    // "Undo changes" takes back every change the wizard made, newest first: the reservation with the rest.
    const original = loadScenario('x220-vtd').files;
    const undone = (await call('changes:undo', { confirmed: true })) as unknown as { restored: string[] };
    expect(undone.restored).toEqual(expect.arrayContaining(['/boot/loader.conf', '/etc/rc.conf']));
    expect(files(host())['/boot/loader.conf']).toBe(original['/boot/loader.conf']);
    expect(files(host())['/etc/rc.conf']).toBe(original['/etc/rc.conf']);
    const root = (argv: string[]) => host()?.exec({ argv: ['sudo', '-S', '-p', '', '--', ...argv], stdin: 'demo\n', timeoutMs: 10_000 });
    await root(['shutdown', '-r', 'now']);
    expect(await pciconfGpu(host())).toMatch(/^vgapci1@pci0:5:0:0:/);
    // Back with vgapci, the card is the host driver's again.
    await root(['kldload', 'nvidia']);
    const dmesg = (await host()?.exec({ argv: ['dmesg'], timeoutMs: 10_000 }))?.stdout ?? '';
    expect(dmesg).toMatch(/^nvidia0: <Tesla P4> on vgapci1$/m);
  });

  it('x220-no-vtd: passthrough is shown unavailable with the BIOS option named, the jail recommended, and a direct choice is refused', async () => {
    const { call } = await atCudaJail('x220-no-vtd');
    const state = await call('wizard:runChecks', { stepId: STEP });
    expect(check(state, 'route')).toMatchObject({ status: 'pass', reason: { key: 'route.blocked.bios', params: { cpu: 'i5-2520M' } } });
    const [jail, passthrough] = routeChoices(state);
    expect(jail?.recommended).toBe(true);
    expect(passthrough?.unavailable).toEqual({ key: 'route.blocked.bios', params: { cpu: 'i5-2520M' } });
    await expect(call('wizard:setInput', { stepId: STEP, inputId: 'route', value: 1 })).rejects.toThrow(/not available/);
    expect((await call('wizard:state', {})).current.inputs.find((i) => i.id === 'route')?.value).toBe(0);
  });

  it('an X220 with the i3-2310M: the CPU, as sysctl hw.model names it, is the reason, and no BIOS setting is suggested', async () => {
    const scenario = loadScenario('x220-no-vtd');
    scenario.sysctls['hw.model'] = 'Intel(R) Core(TM) i3-2310M CPU @ 2.10GHz';
    const runner = new CommandRunner(new SimulatedHost(scenario, { timeScale: 0 }), new AuditLog(null), () => ({ method: 'sudo', password: 'demo' }));
    const round = new CheckRound(runner, {});
    const asJail = await round.check(routeCheck, { passwordVerified: true, inputs: {} });
    expect(asJail.verdict).toMatchObject({ status: 'pass', reason: { key: 'route.blocked.cpu', params: { cpu: 'i3-2310M' } } });
    expect(asJail.verdict.evidence[0]?.lines.map((l) => l.text)).toEqual(['Intel(R) Core(TM) i3-2310M CPU @ 2.10GHz']);
    // Saved as passthrough before (say, on another CPU): the check fails and says what is left to do.
    const asPassthrough = await new CheckRound(runner, {}).check(routeCheck, { passwordVerified: true, inputs: { route: 1 } });
    expect(asPassthrough.verdict.status).toBe('fail');
    expect(asPassthrough.verdict.advice.map((a) => a.key)).toEqual(['route.advice.cpu', 'route.advice.useJail']);
  });
});

describe('the route check and the guest’s memory', () => {
  const verdictWith = async (physmem: number) => {
    const scenario = loadScenario('x220-vtd');
    scenario.sysctls['hw.physmem'] = String(physmem);
    const runner = new CommandRunner(new SimulatedHost(scenario, { timeScale: 0 }), new AuditLog(null), () => ({ method: 'sudo', password: 'demo' }));
    return (await new CheckRound(runner, {}).check(routeCheck, { passwordVerified: true, inputs: {} })).verdict;
  };

  it('follows guestMemory(): 6 GiB installed gives a 4 GiB guest, just under it recommends the jail', async () => {
    const six = await verdictWith(6 * 2 ** 30);
    expect(six.reason).toMatchObject({ key: 'route.possible', params: { guest: '4' } });
    const under = await verdictWith(6 * 2 ** 30 - 2 ** 20);
    expect(under.reason.key).toBe('route.possibleLowMemory');
    const results = { route: { ...under, figures: [], plan: [], commands: [], ranAt: null } };
    expect(recommendedRoute(results)).toBe(0);
    expect(passthroughUnavailable(results)).toBeNull();
  });
});

describe('the route check without the ACPI tables', () => {
  it('skips on the jail route (it only informs the choice) but is an error once passthrough is chosen', async () => {
    const runner = new CommandRunner(new SimulatedHost(loadScenario('x220-vtd'), { timeScale: 0 }), new AuditLog(null), () => ({ method: 'none', password: null }));
    const asJail = await new CheckRound(runner, {}).check(routeCheck, { passwordVerified: false, inputs: {} });
    expect(asJail.verdict).toMatchObject({ status: 'skip', reason: { key: 'route.unreadable' } });
    const asPassthrough = await new CheckRound(runner, {}).check(routeCheck, { passwordVerified: false, inputs: { route: 1 } });
    expect(asPassthrough.verdict.status).toBe('error');
  });

  it('keeps passthrough closed, with that reason, until the evidence is read', () => {
    const unread = { status: 'skip' as const, reason: { key: 'route.unreadable' }, advice: [], evidence: [], figures: [], plan: [], commands: [], ranAt: null };
    expect(passthroughUnavailable({ route: unread })).toEqual({ key: 'route.unreadable' });
    expect(recommendedRoute({ route: unread })).toBeNull();
    expect(passthroughUnavailable({})).toEqual({ key: 'route.notChecked' });
  });
});

describe('the reservation check', () => {
  const runOn = async (scenario: string) => {
    const runner = new CommandRunner(new SimulatedHost(loadScenario(scenario), { timeScale: 0 }), new AuditLog(null), () => ({ method: 'sudo', password: 'demo' }));
    return (await new CheckRound(runner, {}).check(reserveCheck, { passwordVerified: true, inputs: { route: 1 } })).verdict;
  };

  it('proposes nothing when the card is not on the bus: there is nothing to reserve', async () => {
    const verdict = await runOn('x220-unpowered');
    expect(verdict).toMatchObject({ status: 'fail', reason: { key: 'reserve.noGpu' } });
    expect(verdict.plan ?? []).toEqual([]);
  });

  it('on x220-vtd proposes loader.conf, with the GPU’s pciconf line as evidence', async () => {
    const verdict = await runOn('x220-vtd');
    expect(verdict.reason.key).toBe('reserve.planned');
    expect(verdict.plan?.map((c) => c.path)).toEqual(['/boot/loader.conf']);
    expect(verdict.evidence[0]?.lines.map((l) => l.text)).toEqual([expect.stringMatching(/^vgapci1@pci0:5:0:0:\t/)]);
  });
});
