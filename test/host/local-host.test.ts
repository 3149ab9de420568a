import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PATH, KILL_GRACE_MS, LocalHost, sanitizedEnv } from '../../src/host/local-host';
import type { ExecRequest, OutputStream } from '../../src/host/types';

const host = new LocalHost();

function run(argv: string[], extra: Partial<ExecRequest> = {}) {
  return host.exec({ argv, timeoutMs: 10_000, ...extra });
}

/** A zombie counts as gone: it has exited and only waits for its (possibly re-assigned) parent to reap it. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // Linux: the state is the field after the parenthesised command name.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Signals are delivered asynchronously, so an orphaned grandchild may need a moment to die. */
async function isGoneSoon(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i += 1) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

function pidsFrom(stdout: string): number[] {
  return stdout
    .split('\n')
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
}

describe('LocalHost', () => {
  it('identifies itself as the real local machine', () => {
    expect(host.spec).toBe('local');
    expect(host.simulated).toBe(false);
  });

  it('reports exit codes and keeps stderr apart from stdout', async () => {
    const ok = await run(['sh', '-c', 'echo out; echo err >&2']);
    expect(ok).toMatchObject({ exitCode: 0, stdout: 'out\n', stderr: 'err\n', timedOut: false, cancelled: false });
    expect(ok).toMatchObject({ truncated: false, spawnError: null, signal: null });
    expect(ok.durationMs).toBeGreaterThan(0);

    const failed = await run(['sh', '-c', 'exit 3']);
    expect(failed.exitCode).toBe(3);
    expect(failed.spawnError).toBeNull();
  });

  it('passes arguments verbatim, without a shell', async () => {
    const r = await run(['printf', '%s|', '$HOME', '; echo hi', '`id`']);
    expect(r.stdout).toBe('$HOME|; echo hi|`id`|');
  });

  it('kills a process that overruns its timeout', async () => {
    const r = await run(['sh', '-c', 'echo $$; exec sleep 5'], { timeoutMs: 300 });
    expect(r).toMatchObject({ timedOut: true, cancelled: false, exitCode: null, signal: 'SIGTERM' });
    expect(r.durationMs).toBeLessThan(2000);
    expect(pidsFrom(r.stdout).map(isAlive)).toEqual([false]);
  });

  it('kills the whole process tree on timeout, so a background child cannot hold the pipes open', async () => {
    const r = await run(['sh', '-c', 'sleep 30 & echo $!; echo $$; sleep 30'], { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.durationMs).toBeLessThan(2000);
    const pids = pidsFrom(r.stdout);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await isGoneSoon(pid)).toBe(true);
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const r = await run(['sh', '-c', 'trap "" TERM; echo $$; while :; do sleep 0.05; done'], { timeoutMs: 200 });
    expect(r).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
    expect(r.durationMs).toBeGreaterThanOrEqual(KILL_GRACE_MS);
    expect(r.durationMs).toBeLessThan(KILL_GRACE_MS + 2000);
    expect(pidsFrom(r.stdout).map(isAlive)).toEqual([false]);
  });

  it('cancels a running process through the AbortSignal', async () => {
    const controller = new AbortController();
    const pids: number[] = [];
    const pending = run(['sh', '-c', 'echo $$; exec sleep 5'], {
      signal: controller.signal,
      onLine: (_s, line) => {
        pids.push(Number(line));
        setTimeout(() => controller.abort(), 100);
      },
    });
    const r = await pending;
    expect(r).toMatchObject({ cancelled: true, timedOut: false, exitCode: null });
    expect(r.durationMs).toBeLessThan(2000);
    expect(pids.map(isAlive)).toEqual([false]);
  });

  it('does not start anything when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await run(['sh', '-c', 'echo started'], { signal: controller.signal });
    expect(r).toMatchObject({ cancelled: true, exitCode: null, stdout: '', spawnError: null });
  });

  describe('huge output', () => {
    let sampler: NodeJS.Timeout | undefined;
    afterEach(() => clearInterval(sampler));

    it('keeps the first maxOutputBytes, sets truncated, and drains the rest with bounded memory', async () => {
      const total = 300_000_000;
      const cap = 1_000_000;
      const base = process.memoryUsage().rss;
      let peak = base;
      sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 5);
      const r = await run(['head', '-c', String(total), '/dev/zero'], { maxOutputBytes: cap, timeoutMs: 15_000 });
      peak = Math.max(peak, process.memoryUsage().rss);
      // head ran to completion: it was never blocked on a full pipe.
      expect(r).toMatchObject({ exitCode: 0, timedOut: false, truncated: true });
      expect(r.stdout.length).toBe(cap);
      expect(r.stdout).toBe('\0'.repeat(cap));
      // Holding the whole output would need at least `total` bytes.
      expect(peak - base).toBeLessThan(total / 3);
    });

    it('uses the default cap when none is given', async () => {
      const r = await run(['head', '-c', '20000000', '/dev/zero']);
      expect(r.truncated).toBe(true);
      expect(r.stdout.length).toBe(8 * 1024 * 1024);
    });

    it('caps each stream on its own', async () => {
      const r = await run(['sh', '-c', 'printf 0123456789; printf ab >&2'], { maxOutputBytes: 4 });
      expect(r).toMatchObject({ stdout: '0123', stderr: 'ab', truncated: true });
    });
  });

  it('decodes invalid UTF-8 with replacement characters', async () => {
    const r = await run(['printf', '\\377\\376abc']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('\uFFFD\uFFFDabc');
  });

  it('decodes a multi-byte character split across chunks', async () => {
    const r = await run(['sh', '-c', "printf '\\303'; sleep 0.2; printf '\\251\\n'"]);
    expect(r.stdout).toBe('é\n');
  });

  it('reports lines in order as they arrive, including a last line without newline', async () => {
    const seen: Array<[OutputStream, string]> = [];
    const r = await run(['sh', '-c', "printf 'one\\ntwo\\r\\n'; printf 'oops\\n' >&2; sleep 0.1; printf '\\nfour\\nlast'"], {
      onLine: (stream, line) => seen.push([stream, line]),
    });
    expect(r.stdout).toBe('one\ntwo\r\n\nfour\nlast');
    expect(seen.filter(([s]) => s === 'stdout').map(([, l]) => l)).toEqual(['one', 'two', '', 'four', 'last']);
    expect(seen.filter(([s]) => s === 'stderr').map(([, l]) => l)).toEqual(['oops']);
  });

  it('streams lines before the process ends', async () => {
    const times: number[] = [];
    const start = performance.now();
    const r = await run(['sh', '-c', 'echo first; sleep 0.5; echo second'], {
      onLine: () => times.push(performance.now() - start),
    });
    expect(times).toHaveLength(2);
    expect(times[0]).toBeLessThan(r.durationMs - 300);
  });

  it('still returns the output when an onLine observer throws', async () => {
    const r = await run(['sh', '-c', 'echo a; echo b'], {
      onLine: () => {
        throw new Error('observer bug');
      },
    });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'a\nb\n' });
  });

  it('writes stdin and closes it', async () => {
    const r = await run(['cat'], { stdin: 'secret\nsecond line' });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'secret\nsecond line' });
  });

  it('gives a prompting command EOF when there is no stdin', async () => {
    const r = await run(['sh', '-c', 'if read answer; then echo "got $answer"; else echo eof; fi'], { timeoutMs: 3000 });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'eof\n', timedOut: false });
  });

  it('does not fail when the child exits without reading its stdin', async () => {
    const r = await run(['true'], { stdin: 'x'.repeat(4_000_000) });
    expect(r).toMatchObject({ exitCode: 0, spawnError: null });
  });

  it('reports a missing program as spawnError ENOENT without throwing', async () => {
    const r = await run(['egpu-wizard-no-such-program', '--version']);
    expect(r).toMatchObject({ spawnError: 'ENOENT', exitCode: null, timedOut: false, cancelled: false, stdout: '' });
  });

  it('reports unrunnable argv in the result instead of throwing', async () => {
    await expect(run([])).resolves.toMatchObject({ spawnError: 'EINVAL', exitCode: null });
    await expect(run(['ec\0ho'])).resolves.toMatchObject({ exitCode: null });
    expect((await run(['ec\0ho'])).spawnError).not.toBeNull();
    await expect(run(['/etc/passwd'])).resolves.toMatchObject({ spawnError: 'EACCES' });
  });

  describe('environment', () => {
    afterEach(() => {
      delete process.env.EGPU_SECRET_TEST;
    });

    it('passes only PATH, HOME, USER/LOGNAME and the C locale', async () => {
      process.env.EGPU_SECRET_TEST = 'hunter2';
      const r = await run(['env']);
      const env = new Map(
        r.stdout
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
      );
      expect(env.get('LC_ALL')).toBe('C');
      expect(env.get('LANG')).toBe('C');
      expect(env.get('PATH')).toBe(process.env.PATH || DEFAULT_PATH);
      expect(env.has('EGPU_SECRET_TEST')).toBe(false);
      expect(r.stdout).not.toContain('hunter2');
      const allowed = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'LC_ALL', 'LANG']);
      // env(1) itself may be handed nothing else; PWD is not set because no shell is involved.
      for (const key of env.keys()) expect(allowed.has(key)).toBe(true);
    });

    it('falls back to the default PATH and omits unset variables', () => {
      expect(sanitizedEnv({ HOME: '/home/u', SECRET: 'x' })).toEqual({
        PATH: DEFAULT_PATH,
        HOME: '/home/u',
        LC_ALL: 'C',
        LANG: 'C',
      });
      expect(sanitizedEnv({ PATH: '/opt/bin', USER: 'u', LOGNAME: 'u', LC_ALL: 'de_DE.UTF-8' })).toEqual({
        PATH: '/opt/bin',
        USER: 'u',
        LOGNAME: 'u',
        LC_ALL: 'C',
        LANG: 'C',
      });
    });
  });
});
