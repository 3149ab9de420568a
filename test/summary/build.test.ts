import { describe, expect, it } from 'vitest';
import type { Summary, UsageSectionId } from '../../src/contract/summary';
import { atVerify } from '../steps/walk';

type Call = Awaited<ReturnType<typeof atVerify>>['call'];

/** x220-fresh walked through every step, then Finish: the state, and the summary the backend builds. */
async function finishedWalk(scenario: string) {
  const walk = await atVerify(scenario);
  const verify = await walk.call('wizard:state', {});
  const state = await walk.call('wizard:next', { stepId: 'verify', continueAnyway: !verify.current.canContinue });
  const summary = await summaryOf(walk.call);
  return { ...walk, state, summary };
}

const summaryOf = async (call: Call): Promise<Summary> => (await call('wizard:summary', {})) as unknown as Summary;

const section = (summary: Summary, id: UsageSectionId) => summary.usage.find((u) => u.runtime === 'llama.cpp')?.sections.find((s) => s.id === id)?.items ?? [];
const line = (argv: readonly string[] | undefined) => argv?.join(' ');

describe('the summary of a finished wizard', () => {
  it('x220-fresh: every step done, the driver branch, the jail, the benchmark against its limits and the files changed', async () => {
    const { state, summary } = await finishedWalk('x220-fresh');
    expect(state.showing).toBe('summary');
    expect(state.steps.filter((s) => s.completed)).toHaveLength(8);
    expect(state.steps.every((s) => s.status === 'done')).toBe(true);

    expect(summary.steps.map((s) => s.outcome)).toEqual(Array(8).fill('done'));
    expect(summary.card).toEqual({ name: 'Tesla P4', architecture: 'Pascal', memoryMiB: 7680 });
    expect(summary.driver).toEqual({ package: 'nvidia-driver-580', branch: 580, version: '580.105.08' });
    expect(summary.jail).toEqual({ name: 'cuda', root: '/usr/local/jails/cuda', userland: 'Ubuntu 22.04.5 LTS', cudaRelease: '12.4', devfsRuleset: 61 });
    expect(summary.runtime).toMatchObject({ name: 'llama.cpp', version: '6123 (b3a8f1c2)', model: '/opt/models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf', modelGiB: '4.58' });
    expect(summary.benchmark?.status).toBe('pass');
    expect(summary.benchmark?.figures.find((f) => f.label.key === 'bench.figure.generation')).toMatchObject({ value: 27.65, limit: 39.02, unit: 'tokens/s' });
    expect(summary.benchmark?.thermal).toMatchObject({ key: 'model.thermal.ok', params: { celsius: 71 } });
    expect(summary.warnings).toEqual([]);
    expect(summary.files.map((f) => f.path)).toEqual(['/etc/rc.conf', '/etc/fstab.cuda', '/etc/devfs.rules', '/etc/jail.conf']);
    expect(summary.files.find((f) => f.path === '/etc/rc.conf')).toMatchObject({ changes: 3, state: 'applied' });
  });

  it('x220-fresh: how to use the card, with this machine’s jail, model, sudo and address', async () => {
    const { summary } = await finishedWalk('x220-fresh');
    const start = section(summary, 'start');
    // The wizard built llama.cpp itself, with the server: no extra build step.
    expect(start.map((i) => i.say.key)).toEqual(['summary.llama.start', 'summary.llama.background', 'summary.llama.stop']);
    expect(line(start[0]?.command?.argv)).toBe(
      'sudo jexec cuda /opt/llama.cpp/build/bin/llama-server -m /opt/models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -ngl 99 --host 127.0.0.1 --port 8080',
    );
    expect(start[0]?.command?.where).toBe('host');
    expect(line(start[1]?.command?.argv)).toMatch(/^sudo daemon -o \/var\/log\/llama-server\.log -p \/var\/run\/llama-server\.pid jexec cuda .*llama-server /);

    const reach = section(summary, 'reach');
    // The simulated X220 says it is demo@x220 (id -un, kern.hostname).
    expect(reach[0]).toMatchObject({ say: { key: 'summary.reach.tunnel' }, command: { where: 'laptop', argv: ['ssh', '-N', '-L', '8080:127.0.0.1:8080', 'demo@x220'] } });
    expect(reach.map((i) => i.say.key)).toContain('summary.reach.loopback');

    // What the wizard wrote into rc.conf starts at boot; llama-server does not.
    const boot = section(summary, 'boot');
    expect(boot.map((i) => i.say.key)).toEqual(['summary.boot.driver', 'summary.boot.linux', 'summary.boot.jail', 'summary.boot.llamaManual']);
    expect(boot.find((i) => i.say.key === 'summary.boot.jail')?.say.params).toMatchObject({ jail: 'cuda', list: 'cuda', file: '/etc/rc.conf' });

    expect(section(summary, 'models')[0]?.say.params).toMatchObject({ hostDir: '/usr/local/jails/cuda/opt/models', jailDir: '/opt/models' });
    const bench = section(summary, 'benchmark');
    expect(line(bench[0]?.command?.argv)).toBe('egpu-wizard bench --host sim:x220-fresh --password-stdin');
    expect(line(bench[1]?.command?.argv)).toBe('sudo jexec cuda /opt/llama.cpp/build/bin/llama-bench -m /opt/models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf -ngl 99');
  });

  it('after "Undo changes" rc.conf is shown as put back and the jail as not starting at boot, with the command that does it', async () => {
    const { call } = await finishedWalk('x220-fresh');
    await call('changes:undo', { confirmed: true });
    const summary = await summaryOf(call);
    // Undo puts rc.conf back; the files the wizard created are left in place (nothing refers to them now).
    expect(summary.files.map((f) => [f.path, f.state])).toEqual([
      ['/etc/rc.conf', 'restored'],
      ['/etc/fstab.cuda', 'applied'],
      ['/etc/devfs.rules', 'applied'],
      ['/etc/jail.conf', 'applied'],
    ]);
    const boot = section(summary, 'boot');
    const jail = boot.find((i) => i.say.key === 'summary.boot.noJail');
    expect(line(jail?.command?.argv)).toBe('sudo sysrc jail_enable=YES jail_list+=cuda');
    expect(boot.map((i) => i.say.key)).toContain('summary.boot.noDriver');
  });

  it('x220-gen1-link: the warnings the user continued past, step by step', async () => {
    const { summary } = await finishedWalk('x220-gen1-link');
    expect(summary.steps.find((s) => s.id === 'adapter-card')?.outcome).toBe('continued-anyway');
    expect(summary.warnings.map((w) => [w.stepId, w.check.key, w.reason?.key])).toContainEqual(['adapter-card', 'steps.adapter.check.link', 'steps.adapter.link.slow']);
    expect(summary.warnings.every((w) => summary.steps.find((s) => s.id === w.stepId)?.checks.some((c) => c.status === 'warn'))).toBe(true);
  });

  it('is refused before Finish, and the state says nothing is finished', async () => {
    const { call } = await atVerify('x220-fresh');
    const state = await call('wizard:state', {});
    expect(state.finished).toBeNull();
    expect(state.showing).toBe('step');
    await expect(call('wizard:summary', {})).rejects.toThrow(/invalid-state/);
    await expect(call('wizard:showSummary', {})).rejects.toThrow(/invalid-state/);
  });

  it('a reopened backend on the same data shows the summary again', async () => {
    const { dataDir } = await finishedWalk('x220-fresh');
    const { Backend } = await import('../../src/app/backend');
    const { SimulatedHost } = await import('../../src/host/simulated/simulated-host');
    const { loadScenario } = await import('../../src/host/simulated/scenarios');
    const backend = await Backend.create({ dataDir, hostSpec: 'sim:x220-fresh', mode: 'browser', version: '0.0.0', hostFactory: () => new SimulatedHost(loadScenario('x220-fresh'), { timeScale: 0 }) });
    const reply = await backend.dispatch('wizard:state', {});
    expect(reply.ok && (reply.data as { showing: string }).showing).toBe('summary');
  });
});
