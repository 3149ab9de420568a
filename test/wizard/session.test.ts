import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { msg } from '../../src/contract/messages';
import { progressFile } from '../../src/wizard/progress';
import { WizardSession } from '../../src/wizard/session';
import { defineCheck, invoke, type StepDefinition } from '../../src/wizard/step';
import { FakeHost, type Canned } from './fake-host';

/** Two steps whose checks read `uname`: the verdict follows the canned OS name. */
const unameCheck = (id: string) =>
  defineCheck({
    id,
    title: 'steps.preflight.check.os',
    readOnly: true,
    commands: { uname: invoke('uname', {}) },
    evaluate: ({ uname }) => {
      const sys = uname.parsed.ok ? uname.parsed.value.sysname : '?';
      const status = sys === 'FreeBSD' ? 'pass' : sys === 'NetBSD' ? 'warn' : 'fail';
      return { status, reason: msg('steps.preflight.os.ok', { release: sys }), advice: [], evidence: [] };
    },
  });

const steps: StepDefinition[] = [
  { id: 'one', title: 't', intro: 'i', instructions: [], illustration: null, checklist: [{ id: 'tick', label: 'l' }], checks: [unameCheck('a'), unameCheck('b')], actions: [] },
  {
    id: 'two',
    title: 't',
    intro: 'i',
    instructions: [],
    illustration: null,
    checklist: [],
    checks: [unameCheck('c')],
    actions: [
      {
        id: 'restart',
        title: 't',
        description: 'd',
        after: 'a',
        commands: [invoke('restart', {})],
        offeredWhen: (checks) => checks.c === 'fail',
      },
    ],
  },
];

async function open(table: Record<string, Canned>, dataDir?: string) {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'egpu-session-')));
  const host = new FakeHost('sim:test', table);
  const audit = new AuditLog(join(dir, 'audit.log'));
  const session = await WizardSession.open({ host, steps, audit, store: progressFile(dir, host.spec) });
  return { session, host, audit, dir };
}

const freebsd = { 'uname -rsm': { stdout: 'FreeBSD 14.2-RELEASE amd64\n' } };

describe('WizardSession', () => {
  it('keeps Next disabled until the checklist is ticked and the checks pass', async () => {
    const { session } = await open(freebsd);
    expect(session.currentView().canContinue).toBe(false);
    expect(session.currentView().blockedBy?.key).toBe('wizard.blocked.checklist');
    await session.setChecklistItem('one', 'tick', true);
    expect(session.currentView().blockedBy?.key).toBe('wizard.blocked.notRun');
    await expect(session.next('one', false)).rejects.toThrow(/cannot continue/);
    await session.runChecks('one');
    expect(session.currentView().checks.map((c) => c.status)).toEqual(['pass', 'pass']);
    expect(session.currentView().canContinue).toBe(true);
    await session.next('one', false);
    expect(session.currentView().id).toBe('two');
  });

  it('runs a command shared by two checks only once per round', async () => {
    const { session, host } = await open(freebsd);
    await session.runChecks('one');
    expect(host.calls.filter((argv) => argv[0] === 'uname')).toHaveLength(1);
  });

  it('blocks on a failed check and allows "continue anyway" only for warnings, logging it', async () => {
    const failing = await open({ 'uname -rsm': { stdout: 'Linux 6.1.0 x86_64\n' } });
    await failing.session.setChecklistItem('one', 'tick', true);
    await failing.session.runChecks('one');
    expect(failing.session.currentView().canContinueAnyway).toBe(false);
    await expect(failing.session.next('one', true)).rejects.toThrow();

    const warning = await open({ 'uname -rsm': { stdout: 'NetBSD 10.0 amd64\n' } });
    await warning.session.setChecklistItem('one', 'tick', true);
    await warning.session.runChecks('one');
    const view = warning.session.currentView();
    expect([view.canContinue, view.canContinueAnyway]).toEqual([false, true]);
    await warning.session.next('one', true);
    expect(warning.audit.recent(10).some((e) => e.commandId === 'decision:continue-anyway' && e.argv[0] === 'one')).toBe(true);
    expect(warning.session.stepSummaries()[0]?.status).toBe('warn');
  });

  it('resumes where it was after a restart', async () => {
    const first = await open(freebsd);
    await first.session.setChecklistItem('one', 'tick', true);
    await first.session.runChecks('one');
    await first.session.next('one', false);
    await first.session.settled();
    const again = await open(freebsd, first.dir);
    expect(again.session.currentView().id).toBe('two');
    await again.session.goTo('one');
    expect(again.session.currentView().checks.map((c) => c.status)).toEqual(['pass', 'pass']);
    expect(again.session.currentView().checklist[0]?.done).toBe(true);
  });

  describe('Finish on the last step', () => {
    const named = { ...freebsd, 'id -un': { stdout: 'alice\n' }, 'sysctl -n kern.hostname': { stdout: 'x220\n' } };

    async function finished(table: Record<string, Canned> = named, dir?: string) {
      const opened = await open(table, dir);
      const { session } = opened;
      await session.setChecklistItem('one', 'tick', true);
      await session.runChecks('one');
      await session.next('one', false);
      await session.runChecks('two');
      expect(session.currentView().isLast).toBe(true);
      await session.next('two', false);
      await session.settled();
      return opened;
    }

    it('completes the last step, counts every step as done and shows the summary', async () => {
      const { session } = await finished();
      expect(session.stepSummaries().map((s) => [s.completed, s.status])).toEqual([
        [true, 'done'],
        [true, 'done'],
      ]);
      expect(session.showing).toBe('summary');
      expect(session.finished).toMatchObject({ user: 'alice', hostname: 'x220' });
    });

    it('a finished wizard opens on its summary; a step can be opened from it, and the summary again', async () => {
      const first = await finished();
      const again = await open(named, first.dir);
      expect(again.session.showing).toBe('summary');
      expect(again.session.stepSummaries().every((s) => s.completed && s.status === 'done')).toBe(true);
      await again.session.goTo('one');
      expect(again.session.showing).toBe('step');
      expect(again.session.stepSummaries()[0]).toMatchObject({ status: 'current', completed: true });
      await again.session.runChecks('one');
      await again.session.showSummary();
      expect(again.session.showing).toBe('summary');
    });

    it('keeps who and where unknown when the host does not say, and refuses the summary before the end', async () => {
      const { session } = await open(freebsd);
      await expect(session.showSummary()).rejects.toThrow(/not finished/);
      const done = await finished(freebsd);
      expect(done.session.finished).toMatchObject({ user: null, hostname: null });
    });
  });

  it('refuses to jump past the first unfinished step', async () => {
    const { session } = await open(freebsd);
    await expect(session.goTo('two')).rejects.toThrow(/not reachable/);
  });

  it('sets a corrupt progress file aside with a notice and starts afresh', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'egpu-session-'));
    const path = progressFile(dir, 'sim:test').path;
    await (await import('node:fs/promises')).mkdir(join(dir, 'progress'), { recursive: true });
    await writeFile(path, '{"version": 1, "steps": ');
    const { session } = await open(freebsd, dir);
    expect(session.notices.map((n) => n.key)).toEqual(['notice.progressSetAside']);
    const file = session.notices[0]?.params?.file;
    expect(typeof file === 'string' && (await readFile(file, 'utf8'))).toBe('{"version": 1, "steps": ');
    expect(session.currentView().id).toBe('one');
  });

  it('cancels running checks, which end as skipped, not failed', async () => {
    const { session } = await open({ 'uname -rsm': { stdout: 'FreeBSD 14.2-RELEASE amd64\n', delayMs: 5000 } });
    const running = session.runChecks('one');
    await new Promise((r) => setTimeout(r, 20));
    expect(session.busy).toBe(true);
    expect(session.cancel()).toBe(1);
    await running;
    expect(session.currentView().checks.map((c) => c.status)).toEqual(['skip', 'skip']);
  });

  it('offers an action only when the checks call for it, shows its exact argv, and records its run', async () => {
    const { session, host, audit } = await open({
      'uname -rsm': { stdout: 'FreeBSD 14.2-RELEASE amd64\n' },
      'id -u': { stdout: '0\n' },
      'shutdown -r now': { stdout: 'Shutdown NOW!\n' },
    });
    await session.setChecklistItem('one', 'tick', true);
    await session.runChecks('one');
    await session.next('one', false);
    const action = () => session.currentView().actions[0];
    expect(action()).toMatchObject({ id: 'restart', offered: false, commands: [{ argv: ['shutdown', '-r', 'now'], privileged: true }] });
    await expect(session.runAction('two', 'restart')).rejects.toThrow(/not offered/);
    expect(host.calls.some((argv) => argv[0] === 'shutdown')).toBe(false);

    host.table['uname -rsm'] = { stdout: 'Linux 6.1 x86_64\n' };
    await session.runChecks('two');
    expect(action()?.offered).toBe(true);
    // Nobody chose an elevation method yet: the privileged command is refused, not run.
    await session.runAction('two', 'restart');
    expect(action()?.lastRun).toMatchObject({ status: 'failed' });
    expect(host.calls.some((argv) => argv[0] === 'shutdown')).toBe(false);
    expect(audit.recent(1)[0]).toMatchObject({ outcome: 'refused', argv: ['shutdown', '-r', 'now'], privileged: true });
  });

  it('records every command in the audit log file', async () => {
    const { session, audit, dir } = await open(freebsd);
    await session.runChecks('one');
    await audit.flush();
    const lines = (await readFile(join(dir, 'audit.log'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { argv: string[]; exitCode: number; privileged: boolean });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ argv: ['uname', '-rsm'], exitCode: 0, privileged: false });
  });
});
