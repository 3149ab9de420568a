import type { ExecRequest, ExecResult, Host } from '../../src/host/types';

export interface Canned {
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  delayMs?: number;
}

/** A host that answers from a table keyed by the argv joined with spaces; anything else is "not found". */
export class FakeHost implements Host {
  readonly simulated = true;
  readonly calls: string[][] = [];
  /** What each call received on stdin (undefined: none). */
  readonly stdins: (string | undefined)[] = [];

  constructor(
    readonly spec: string,
    readonly table: Record<string, Canned>,
  ) {}

  async exec(request: ExecRequest): Promise<ExecResult> {
    this.calls.push([...request.argv]);
    this.stdins.push(request.stdin);
    const canned = this.table[request.argv.join(' ')];
    const base = { signal: null, durationMs: 1, timedOut: false, truncated: false };
    if (!canned) return { ...base, exitCode: null, stdout: '', stderr: '', cancelled: false, spawnError: 'ENOENT' };
    if (canned.delayMs) {
      const cancelled = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), canned.delayMs);
        request.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (cancelled) return { ...base, exitCode: null, stdout: '', stderr: '', cancelled: true, spawnError: null };
    }
    for (const line of (canned.stdout ?? '').split('\n').filter(Boolean)) request.onLine?.('stdout', line);
    return {
      ...base,
      exitCode: canned.exitCode ?? 0,
      stdout: canned.stdout ?? '',
      stderr: canned.stderr ?? '',
      cancelled: false,
      spawnError: null,
    };
  }
}
