import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The real FreeBSD outputs live beside the checkout (CI has ../shared); tests read them in place. */
export const sharedFixtures = resolve(import.meta.dirname, '..', '..', 'shared', 'fixtures');

export function sharedFixtureFiles(folder: 'pciconf' | 'dmesg'): string[] {
  const dir = join(sharedFixtures, folder);
  if (!existsSync(dir)) throw new Error(`shared fixtures missing at ${dir}: the tests need ../shared beside the checkout`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => join(dir, f));
}
