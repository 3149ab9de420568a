import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJobStatus } from '../../src/commands/detached-commands';
import { parseBootTime } from '../../src/detached/boot-time';
import { WRAPPER_NAME, WRAPPER_SCRIPT, detachedArgv } from '../../src/detached/wrapper';

/** The wrapper script as daemon(8) runs it: in a new session (setsid), stdio on /dev/null. */
function startWrapper(dir: string, command: string[]): number {
  const child = spawn('/bin/sh', ['-c', WRAPPER_SCRIPT, WRAPPER_NAME, dir, ...command], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid ?? -1;
}

/**
 * A hang guard, not a timing: the outcome never depends on how soon the file appears. It gives up only
 * shortly before the test's own 120 s guard, so a machine busy enough to start sh slowly still passes.
 */
async function until(path: string): Promise<void> {
  for (let i = 0; i < 2200 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 50));
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function jobDir(): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), 'egpu-job-'));
  dirs.push(base);
  return join(base, 'debootstrap-1');
}

describe('the wrapper script under a real sh', () => {
  it('writes the pid (its own: the process group), the command’s output and its exit status', async () => {
    const dir = await jobDir();
    const pid = startWrapper(dir, ['/bin/sh', '-c', 'echo one; echo two >&2; exit 3', 'x']);
    await until(join(dir, 'status'));
    expect((await readFile(join(dir, 'status'), 'utf8')).trim()).toBe('3');
    expect((await readFile(join(dir, 'pid'), 'utf8')).trim()).toBe(String(pid));
    expect((await readFile(join(dir, 'log'), 'utf8')).split('\n')).toEqual(['one', 'two', '']);
    expect(existsSync(join(dir, 'status.tmp'))).toBe(false);
    // The boot it started in, saved before the pid; here not FreeBSD, so sysctl leaves it empty.
    const boot = await readFile(join(dir, 'boot'), 'utf8');
    expect(boot === '' || parseBootTime(boot) !== null).toBe(true);
  });

  it('passes the argv through untouched, with no shell reading it', async () => {
    const dir = await jobDir();
    const tricky = ['$(touch pwned)', 'a b', '`id`', "it's", ';|&*'];
    startWrapper(dir, ['printf', '%s\\n', ...tricky]);
    await until(join(dir, 'status'));
    expect((await readFile(join(dir, 'log'), 'utf8')).split('\n').slice(0, -1)).toEqual(tricky);
    expect(existsSync('pwned')).toBe(false);
  });

  it('on SIGTERM to the process group, the command ends and the status still says how (143)', async () => {
    const dir = await jobDir();
    const pgid = startWrapper(dir, ['sleep', '60']);
    await until(join(dir, 'pid'));
    // Whether or not the command has started yet, the wrapper has its trap from before the pid: a Stop lands.
    process.kill(-pgid, 'SIGTERM');
    await until(join(dir, 'status'));
    expect((await readFile(join(dir, 'status'), 'utf8')).trim()).toBe('143');
  });

  it('is started by daemon -f with the job folder and the command as plain words', () => {
    expect(detachedArgv('debootstrap-1', ['debootstrap', '--arch=amd64'])).toEqual(['daemon', '-f', '/bin/sh', '-c', WRAPPER_SCRIPT, WRAPPER_NAME, '/var/db/egpu-wizard/jobs/debootstrap-1', 'debootstrap', '--arch=amd64']);
  });
});

describe('parseJobStatus', () => {
  const out = (stdout: string, stderr = '', exitCode = 0) => ({ stdout, stderr, exitCode });
  it('reads a running job, a finished one, and a job folder that is not there', () => {
    expect(parseJobStatus(out('4100\n', 'cat: /var/db/egpu-wizard/jobs/x-1/status: No such file or directory\n', 1))).toEqual({ ok: true, value: { pgid: 4100, exitCode: null } });
    expect(parseJobStatus(out('4100\n0\n'))).toEqual({ ok: true, value: { pgid: 4100, exitCode: 0 } });
    expect(parseJobStatus(out('', 'cat: /j/pid: No such file or directory\ncat: /j/status: No such file or directory\n', 1))).toEqual({ ok: true, value: { pgid: null, exitCode: null } });
  });
  it('refuses what is not a pid or a status, and other errors', () => {
    expect(parseJobStatus(out('hello\n')).ok).toBe(false);
    expect(parseJobStatus(out('4100\nbusy\n')).ok).toBe(false);
    expect(parseJobStatus(out('', 'cat: /j/pid: Permission denied\n', 1)).ok).toBe(false);
  });
});
