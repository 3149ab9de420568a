import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { version } from '../src/version';

it('reports the version package.json declares', () => {
  const pkg: unknown = JSON.parse(readFileSync(resolve(import.meta.dirname, '..', 'package.json'), 'utf8'));
  expect(pkg).toMatchObject({ version });
});
