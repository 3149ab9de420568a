import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { CommandRunner } from '../../src/commands/runner';
import type { CommandProgress } from '../../src/commands/types';
import { followJob, type SavedJob } from '../../src/detached/follow';
import { jobDir } from '../../src/detached/wrapper';
import { notRunResult, type ExecRequest, type ExecResult, type Host } from '../../src/host/types';

const job: SavedJob = { jobId: 'llamaBuild-1', command: 'llamaBuild', stepId: 'first-model', actionId: 'build', startedAt: '2026-01-01T00:00:00Z', args: {} };
const dir = jobDir(job.jobId);

/**
 * A host with one job whose log grows by a scripted chunk at each pause between looks; the last pause writes
 * the status. A look can be made to fail as a lost connection would.
 */
class ScriptedJobHost implements Host {
  readonly spec = 'scripted';
  readonly simulated = true;
  log = Buffer.alloc(0);
  status: number | null = null;
  pid: number | null = 4242;
  lostLooks = new Set<number>();
  /** What `ps` lists (null: no ps here, as before the wizard asked); `onPs` runs when it is asked. */
  processes: string | null = null;
  onPs: () => void = () => undefined;
  boots = { job: '{ sec = 1000, usec = 0 } Thu Jan  1 00:16:40 1970\n', now: '{ sec = 1000, usec = 0 } Thu Jan  1 00:16:40 1970\n' };
  private looks = 0;

  constructor(private readonly chunks: Buffer[]) {}

  async wait(): Promise<void> {
    const next = this.chunks.shift();
    if (next !== undefined) this.log = Buffer.concat([this.log, next]);
    if (this.chunks.length === 0 && next !== undefined) this.status = 0;
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    const ok = (stdout: string, stderr = '', exitCode = 0): ExecResult => ({ ...notRunResult(performance.now(), {}), exitCode, stdout, stderr });
    const [program, ...args] = request.argv;
    if (program === 'cat' && args[0]?.endsWith('/boot')) return ok(this.boots.job);
    if (program === 'sysctl') return ok(this.boots.now);
    if (program === 'ps') {
      if (this.processes === null) return notRunResult(performance.now(), { spawnError: 'ENOENT' });
      this.onPs();
      return ok(this.processes, '', this.processes === '' ? 1 : 0);
    }
    if (program === 'cat') {
      this.looks += 1;
      if (this.lostLooks.has(this.looks)) return notRunResult(performance.now(), { transport: { kind: 'connection-lost', detail: 'Broken pipe' } });
      const out = [this.pid === null ? null : `${this.pid}\n`, this.status === null ? null : `${this.status}\n`].filter((x) => x !== null).join('');
      const err = [this.pid === null ? `cat: ${dir}/pid: No such file or directory\n` : '', this.status === null ? `cat: ${dir}/status: No such file or directory\n` : ''].join('');
      return ok(out, err, err === '' ? 0 : 1);
    }
    if (program === 'tail' && args[0] === '-c') {
      const from = Number((args[1] ?? '+1').slice(1)) - 1;
      // tail prints bytes; like a real host, this one hands them on decoded, a cut character mangled.
      return ok(this.log.subarray(from).toString('utf8'));
    }
    return notRunResult(performance.now(), { spawnError: 'ENOENT' });
  }
}

const runnerOn = (host: Host) => new CommandRunner(host, new AuditLog(null), () => ({ method: 'none', password: null }));

describe('followJob', () => {
  it('hands on whole lines only, in order, however the log was cut between looks, and ends on the status', async () => {
    const text = '[ 10%] Building CUDA object ggml/src/ggml-cuda/a.cu.o\n[ 55%] Linking — 链接 ggml-cuda\n[100%] Built target llama-cli\n';
    const bytes = Buffer.from(text);
    // Cut in the middle of a line and in the middle of a multibyte character.
    const cuts = [20, bytes.indexOf(Buffer.from('链')) + 1, bytes.length - 5];
    const chunks = [bytes.subarray(0, cuts[0]), bytes.subarray(cuts[0], cuts[1]), bytes.subarray(cuts[1], cuts[2]), bytes.subarray(cuts[2])];
    const host = new ScriptedJobHost(chunks);
    const lines: string[] = [];
    const progress: CommandProgress[] = [];
    const end = await followJob(runnerOn(host), host, job, { signal: new AbortController().signal, pollMs: 1, onLine: (l) => lines.push(l), onProgress: (p) => progress.push(p) });
    expect(end).toMatchObject({ kind: 'ended', exitCode: 0 });
    expect(lines).toEqual(text.trimEnd().split('\n'));
    expect(progress.map((p) => p.done)).toEqual([10, 55, 100]);
  });

  it('takes a lost connection for a look to try again, not for the job’s end', async () => {
    const host = new ScriptedJobHost([Buffer.from('I: Retrieving libc6\n'), Buffer.from('I: Base system installed successfully.\n')]);
    host.lostLooks = new Set([2]);
    const end = await followJob(runnerOn(host), host, { ...job, command: 'debootstrap' }, { signal: new AbortController().signal, pollMs: 1 });
    expect(end).toMatchObject({ kind: 'ended', exitCode: 0, log: 'I: Retrieving libc6\nI: Base system installed successfully.\n' });
  });

  it('calls a job that never wrote its pid vanished, after the grace looks', async () => {
    const host = new ScriptedJobHost([]);
    host.pid = null;
    const end = await followJob(runnerOn(host), host, job, { signal: new AbortController().signal, pollMs: 1, startGrace: 3 });
    expect(end).toEqual({ kind: 'vanished' });
  });

  it('calls a job interrupted when its process is gone from the host’s list and it has no status: restarted when the boot moved', async () => {
    const host = new ScriptedJobHost([Buffer.from('I: Retrieving libc6\n'), Buffer.from('I: Extracting')]);
    // Reopened after the host came back: the log stopped mid-line, the boot is another, pid 4242 is nobody's.
    await host.wait();
    await host.wait();
    host.status = null;
    host.processes = '    1     1 init\n';
    host.boots.now = '{ sec = 5000, usec = 0 } Thu Jan  1 01:23:20 1970\n';
    const lines: string[] = [];
    const end = await followJob(runnerOn(host), host, { ...job, command: 'debootstrap' }, { signal: new AbortController().signal, pollMs: 1, onLine: (l) => lines.push(l) });
    expect(end).toEqual({ kind: 'interrupted', reason: 'restarted', log: 'I: Retrieving libc6\nI: Extracting\n' });
    expect(lines).toEqual(['I: Retrieving libc6', 'I: Extracting']);
  });

  it('does not call a job interrupted when its status came just after the first reading', async () => {
    const host = new ScriptedJobHost([Buffer.from('[100%] Built target llama-cli\n')]);
    await host.wait();
    host.status = null;
    host.processes = '    1     1 init\n';
    // The wrapper writes its status and leaves between the status reading and ps.
    host.onPs = () => {
      host.status = 0;
    };
    const end = await followJob(runnerOn(host), host, job, { signal: new AbortController().signal, pollMs: 1 });
    expect(end).toMatchObject({ kind: 'ended', exitCode: 0 });
  });

  it('follows on while ps lists the wrapper', async () => {
    const host = new ScriptedJobHost([Buffer.from('a\n'), Buffer.from('b\n')]);
    host.processes = '    1     1 init\n 4242  4242 sh\n';
    host.boots.now = '{ sec = 5000, usec = 0 } Thu Jan  1 01:23:20 1970\n';
    const end = await followJob(runnerOn(host), host, job, { signal: new AbortController().signal, pollMs: 1 });
    expect(end).toMatchObject({ kind: 'ended', exitCode: 0, log: 'a\nb\n' });
  });

  it('lets go when told, with the process group it learned', async () => {
    const host = new ScriptedJobHost([Buffer.from('a\n'), Buffer.from('b\n'), Buffer.from('c\n')]);
    const controller = new AbortController();
    const end = await followJob(runnerOn(host), host, job, { signal: controller.signal, pollMs: 1, onLine: () => controller.abort('let-go') });
    expect(end).toEqual({ kind: 'let-go', pgid: 4242 });
  });
});

describe('followJob over a long run', () => {
  /** A job that runs for `runMs` of host time; records every wait the follower asked for. */
  class LongJobHost extends ScriptedJobHost {
    waits: number[] = [];
    private elapsed = 0;

    constructor(private readonly runMs: number) {
      super([]);
    }

    override async wait(ms?: number): Promise<void> {
      const step = ms ?? 0;
      this.waits.push(step);
      this.elapsed += step;
      this.log = Buffer.concat([this.log, Buffer.from(`[ ${Math.min(99, Math.floor((100 * this.elapsed) / this.runMs))}%] Building\n`)]);
      if (this.elapsed >= this.runMs) this.status = 0;
    }
  }

  it('looks less often as an hour-long job goes on: a few hundred audited looks, never more than 30 s apart', async () => {
    const hour = 60 * 60 * 1000;
    const host = new LongJobHost(hour);
    const end = await followJob(runnerOn(host), host, job, { signal: new AbortController().signal, pollMs: 5000 });
    expect(end.kind).toBe('ended');
    expect(host.waits[0]).toBe(5000);
    expect(host.waits.every((w, i) => i === 0 || w >= (host.waits[i - 1] ?? 0))).toBe(true);
    expect(Math.max(...host.waits)).toBe(30_000);
    // At a steady 5 s this would be 720 looks.
    expect(host.waits.length).toBeLessThan(130);
  });
});
