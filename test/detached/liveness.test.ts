import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { parseJobProcesses } from '../../src/commands/job-check-commands';
import { CommandRunner } from '../../src/commands/runner';
import { bootedAgain, formatBootTime, parseBootTime } from '../../src/detached/boot-time';
import { jobLiveness } from '../../src/detached/liveness';
import { notRunResult, type ExecRequest, type ExecResult, type Host } from '../../src/host/types';

const jobId = 'debootstrap-1733212345000';

describe('kern.boottime', () => {
  it('reads sysctl -n kern.boottime as FreeBSD prints it, and prints it back so', () => {
    expect(parseBootTime('{ sec = 1733212345, usec = 123456 } Tue Dec  3 07:52:25 2024\n')).toEqual({ sec: 1733212345, usec: 123456 });
    expect(formatBootTime({ sec: 1733212345, usec: 123456 })).toBe('{ sec = 1733212345, usec = 123456 } Tue Dec  3 07:52:25 2024');
    expect(parseBootTime('')).toBeNull();
    expect(parseBootTime("sysctl: unknown oid 'kern.boottime'")).toBeNull();
  });

  it('takes a shift of a few minutes (ntpd, a resume) for the same boot, and a larger one for a new boot', () => {
    expect(bootedAgain({ sec: 1000, usec: 0 }, { sec: 1000 + 120, usec: 0 })).toBe(false);
    expect(bootedAgain({ sec: 1000, usec: 0 }, { sec: 1000 + 3600, usec: 0 })).toBe(true);
  });
});

describe('parseJobProcesses', () => {
  const out = (stdout: string, exitCode = 0) => ({ stdout, stderr: '', exitCode });
  const args = { pgid: 4100 };
  it('finds the job’s wrapper: its pid, leading its own group, an sh', () => {
    expect(parseJobProcesses(out('    1     1 init\n 4100  4100 sh\n'), args)).toEqual({ ok: true, value: { visible: true, alive: true } });
  });
  it('does not take another process that got the pid after a restart', () => {
    expect(parseJobProcesses(out('    1     1 init\n 4100  4100 cron\n'), args)).toEqual({ ok: true, value: { visible: true, alive: false } });
    expect(parseJobProcesses(out('    1     1 init\n 4100  3990 sh\n'), args)).toEqual({ ok: true, value: { visible: true, alive: false } });
  });
  it('says when it cannot see root’s processes at all (security.bsd.see_other_uids=0)', () => {
    expect(parseJobProcesses(out('', 1), args)).toEqual({ ok: true, value: { visible: false, alive: false } });
    expect(parseJobProcesses({ stdout: '', stderr: 'ps: illegal option -- q', exitCode: 64 }, args).ok).toBe(false);
  });
});

/** Answers ps, the job's saved boot and the host's boot as told; records what was asked. */
class LivenessHost implements Host {
  readonly spec = 'liveness';
  readonly simulated = true;
  asked: string[] = [];
  constructor(private readonly answers: { ps: string | null; jobBoot: string; hostBoot: string }) {}
  async exec(request: ExecRequest): Promise<ExecResult> {
    const ok = (stdout: string, exitCode = 0): ExecResult => ({ ...notRunResult(performance.now(), {}), exitCode, stdout, stderr: '' });
    const [program] = request.argv;
    this.asked.push(program ?? '');
    if (program === 'ps') return this.answers.ps === null ? notRunResult(performance.now(), { spawnError: 'ENOENT' }) : ok(this.answers.ps, this.answers.ps === '' ? 1 : 0);
    if (program === 'cat') return ok(this.answers.jobBoot);
    if (program === 'sysctl') return ok(this.answers.hostBoot);
    return notRunResult(performance.now(), { spawnError: 'ENOENT' });
  }
}

describe('jobLiveness', () => {
  const boot = (sec: number) => `${formatBootTime({ sec, usec: 0 })}\n`;
  const check = async (answers: { ps: string | null; jobBoot: string; hostBoot: string }) => {
    const host = new LivenessHost(answers);
    const runner = new CommandRunner(host, new AuditLog(null), () => ({ method: 'none', password: null }));
    return { result: await jobLiveness(runner, { jobId, pgid: 4100 }, new AbortController().signal, {}), asked: host.asked };
  };
  const wrapper = '    1     1 init\n 4100  4100 sh\n';

  it('a listed wrapper is running, even if ntpd moved the boot time; one command is enough', async () => {
    expect(await check({ ps: wrapper, jobBoot: boot(1000), hostBoot: boot(1030) })).toEqual({ result: { kind: 'running' }, asked: ['ps'] });
  });
  it('a wrapper gone from a visible process list is lost: restarted when the boot moved, gone when not', async () => {
    expect((await check({ ps: '    1     1 init\n', jobBoot: boot(1000), hostBoot: boot(1300) })).result).toEqual({ kind: 'lost', reason: 'restarted' });
    expect((await check({ ps: '    1     1 init\n', jobBoot: boot(1000), hostBoot: boot(1000) })).result).toEqual({ kind: 'lost', reason: 'gone' });
    // A job started before the wrapper saved its boot: still lost, the reason unknown.
    expect((await check({ ps: '    1     1 init\n', jobBoot: '', hostBoot: boot(1000) })).result).toEqual({ kind: 'lost', reason: 'gone' });
  });
  it('without sight of root’s processes, only a new boot well apart counts; any doubt is running', async () => {
    expect((await check({ ps: '', jobBoot: boot(1000), hostBoot: boot(1000 + 3600) })).result).toEqual({ kind: 'lost', reason: 'restarted' });
    expect((await check({ ps: '', jobBoot: boot(1000), hostBoot: boot(1000 + 60) })).result).toEqual({ kind: 'running' });
    expect((await check({ ps: '', jobBoot: '', hostBoot: boot(1000 + 3600) })).result).toEqual({ kind: 'running' });
    expect((await check({ ps: null, jobBoot: boot(1000), hostBoot: boot(1000 + 60) })).result).toEqual({ kind: 'unknown' });
  });
});
