import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';

export type LoadResult<T> =
  | { status: 'missing' }
  | { status: 'loaded'; value: T }
  /** The file was unreadable or invalid; it was moved to `setAsideTo` and nothing was lost. */
  | { status: 'set-aside'; setAsideTo: string; problem: string };

/**
 * A JSON file validated by a schema on every load and replaced atomically on every save: a crash or power
 * cut leaves the old file or the new one, never a truncated mix.
 */
export class JsonFile<S extends z.ZodType> {
  constructor(
    readonly path: string,
    private readonly schema: S,
  ) {}

  async load(): Promise<LoadResult<z.infer<S>>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return { status: 'missing' };
      return this.setAside(`unreadable: ${errorText(error)}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return this.setAside(`not JSON: ${errorText(error)}`);
    }
    const result = this.schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      return this.setAside(`invalid: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'schema mismatch'}`);
    }
    return { status: 'loaded', value: result.data };
  }

  async save(value: z.infer<S>): Promise<void> {
    const checked = this.schema.parse(value);
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.${basename(this.path)}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(checked, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  private async setAside(problem: string): Promise<LoadResult<never>> {
    const target = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(this.path, target);
    } catch {
      // Could not move it (read-only folder?): leave it; the next save will replace it atomically anyway.
      return { status: 'set-aside', setAsideTo: this.path, problem };
    }
    return { status: 'set-aside', setAsideTo: target, problem };
  }
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
