import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JsonFile } from '../../src/storage/json-file';

const Schema = z.object({ count: z.number().int() }).strict();
const tempDir = () => mkdtemp(join(tmpdir(), 'egpu-json-'));

describe('JsonFile', () => {
  it('reports a missing file as missing', async () => {
    const file = new JsonFile(join(await tempDir(), 'x.json'), Schema);
    expect(await file.load()).toEqual({ status: 'missing' });
  });

  it('round-trips a valid value and leaves no temporary files', async () => {
    const dir = await tempDir();
    const file = new JsonFile(join(dir, 'x.json'), Schema);
    await file.save({ count: 3 });
    await file.save({ count: 4 });
    expect(await file.load()).toEqual({ status: 'loaded', value: { count: 4 } });
    expect(await readdir(dir)).toEqual(['x.json']);
  });

  it.each([
    ['not JSON', '{"count": 3'],
    ['invalid', '{"count": "three"}'],
    ['invalid', '{"count": 1, "extra": true}'],
    ['not JSON', '\u0000\u0001binary'],
  ])('sets a corrupt file aside (%s) and keeps its bytes', async (problem, content) => {
    const dir = await tempDir();
    const path = join(dir, 'x.json');
    await writeFile(path, content);
    const result = await new JsonFile(path, Schema).load();
    expect(result.status).toBe('set-aside');
    if (result.status !== 'set-aside') return;
    expect(result.problem).toContain(problem);
    expect(result.setAsideTo).not.toBe(path);
    expect(await readFile(result.setAsideTo, 'utf8')).toBe(content);
    expect(await new JsonFile(path, Schema).load()).toEqual({ status: 'missing' });
  });

  it('refuses to save a value that breaks the schema, leaving the old file', async () => {
    const dir = await tempDir();
    const file = new JsonFile(join(dir, 'x.json'), Schema);
    await file.save({ count: 1 });
    await expect(file.save({ count: 1.5 })).rejects.toThrow();
    expect(await file.load()).toEqual({ status: 'loaded', value: { count: 1 } });
  });
});
