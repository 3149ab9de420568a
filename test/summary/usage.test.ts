import { describe, expect, it } from 'vitest';
import { msg } from '../../src/contract/messages';
import type { CheckResult } from '../../src/contract/state';
import type { JournalEntry } from '../../src/config/journal';
import { buildSummary } from '../../src/summary/build';
import { rcConfAsLeft } from '../../src/summary/rc-conf';
import { wizardSteps } from '../../src/steps';
import { emptyStepProgress, type Finished, type SavedProgress, type StepProgress } from '../../src/wizard/progress';

const result = (key: string): CheckResult => ({ status: 'pass', reason: msg(key), advice: [], evidence: [], figures: [], plan: [], commands: [], ranAt: null });

/** Saved progress with only Preflight's privilege verdict: what the usage commands depend on. */
function progress(host: string, privilegeKey: string, builtByWizard: boolean): SavedProgress {
  const preflight = { ...emptyStepProgress(), completed: true, checks: { privileges: result(privilegeKey) } };
  const actions: StepProgress['actions'] = builtByWizard ? { build: { status: 'ok', at: '2026-01-01T00:00:00Z', exitCode: 0, problem: null } } : {};
  const model = { ...emptyStepProgress(), completed: true, actions };
  return { version: 1, host, currentStepId: 'verify', steps: { preflight, 'first-model': model }, finished: null, jobs: [], updatedAt: '2026-01-01T00:00:00Z' };
}

const usage = (p: SavedProgress, journal: JournalEntry[] = [], finished: Finished = { at: '2026-01-01T00:00:00Z', user: 'alice', hostname: 'x220' }) =>
  buildSummary({ steps: wizardSteps, progress: p, finished, journal }).usage[0];
const items = (u: ReturnType<typeof usage>, id: string) => u?.sections.find((s) => s.id === id)?.items ?? [];
const lines = (u: ReturnType<typeof usage>, id: string) => items(u, id).map((i) => i.command?.argv.join(' ') ?? null);

describe('how to use llama.cpp, per host', () => {
  it('is one block keyed by its runtime, with the five sections', () => {
    const u = usage(progress('local', 'steps.preflight.privileges.root', true));
    expect(u?.runtime).toBe('llama.cpp');
    expect(u?.sections.map((s) => s.id)).toEqual(['start', 'reach', 'boot', 'models', 'benchmark']);
  });

  it('as root: no sudo in front; on the host itself the CLI is typed there, without --password-stdin', () => {
    const u = usage(progress('local', 'steps.preflight.privileges.root', true));
    expect(lines(u, 'start')[0]).toMatch(/^jexec cuda \/opt\/llama\.cpp\/build\/bin\/llama-server /);
    expect(items(u, 'benchmark')[0]?.command).toEqual({ where: 'host', argv: ['egpu-wizard', 'bench', '--host', 'local'] });
    expect(lines(u, 'reach')[0]).toBe('ssh -N -L 8080:127.0.0.1:8080 alice@x220');
  });

  it('with doas, doas in front of every root command', () => {
    const u = usage(progress('local', 'steps.preflight.privileges.doas', true));
    expect(lines(u, 'start').filter((l) => l !== null).every((l) => l?.startsWith('doas '))).toBe(true);
  });

  it('over SSH: the address and port the wizard used, and the CLI typed on the laptop', () => {
    const u = usage(progress('ssh://bob@192.168.1.20:2222', 'steps.preflight.privileges.sudoPassword', true));
    expect(lines(u, 'reach')[0]).toBe('ssh -N -p 2222 -L 8080:127.0.0.1:8080 bob@192.168.1.20');
    expect(items(u, 'benchmark')[0]?.command).toEqual({ where: 'laptop', argv: ['egpu-wizard', 'bench', '--host', 'ssh://bob@192.168.1.20:2222', '--password-stdin'] });
  });

  it('a llama.cpp the wizard did not build: llama-server is built first', () => {
    const u = usage(progress('local', 'steps.preflight.privileges.sudoNopasswd', false));
    expect(items(u, 'start')[0]?.say.key).toBe('summary.llama.buildServer');
    expect(lines(u, 'start')[0]).toBe('sudo jexec cuda cmake --build /opt/llama.cpp/build --config Release --target llama-server -j 4');
  });

  it('a host that did not say who and where it is: a placeholder the text names, never a guess', () => {
    const u = usage(progress('local', 'steps.preflight.privileges.root', true), [], { at: '2026-01-01T00:00:00Z', user: null, hostname: null });
    expect(items(u, 'reach')[0]?.say.key).toBe('summary.reach.tunnelUnknown');
    expect(lines(u, 'reach')[0]).toBe('ssh -N -L 8080:127.0.0.1:8080 USER@X220');
  });

  it('rc.conf never changed by the wizard: it says it does not know what starts at boot, and how to look', () => {
    const u = usage(progress('local', 'steps.preflight.privileges.root', true));
    expect(items(u, 'boot').map((i) => i.say.key)).toEqual(['summary.boot.unknown', 'summary.boot.setJail', 'summary.boot.llamaManual']);
  });

  it('rc.conf as the wizard left it: sshd off is said, with the command that enables it', () => {
    const entry = (after: string, state: JournalEntry['state'] = 'applied'): JournalEntry => ({ id: 'x', at: '2026-01-01T00:00:00Z', host: 'local', path: '/etc/rc.conf', before: '', after, owner: 'root', group: 'wheel', mode: '644', state });
    const u = usage(progress('local', 'steps.preflight.privileges.root', true), [entry('jail_enable="YES"\njail_list="web cuda"\nlinux_enable="YES"\nkld_list="nvidia"\n')]);
    expect(items(u, 'boot').map((i) => i.say.key)).toEqual(['summary.boot.driver', 'summary.boot.linux', 'summary.boot.jail', 'summary.boot.noSshd', 'summary.boot.llamaManual']);
    expect(lines(u, 'boot')[3]).toBe('sysrc sshd_enable=YES');
    // Another host's changes are not this host's.
    expect(rcConfAsLeft([{ ...entry('x'), host: 'sim:x220-fresh' }], 'local')).toBeNull();
  });
});
