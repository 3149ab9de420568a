import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/server/build-renderer';

// electron-builder's own schema, shipped in its package: validating against it needs no Electron download.
const schema: unknown = JSON.parse(readFileSync(join(projectRoot, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema as object);
const config: unknown = yaml.load(readFileSync(join(projectRoot, 'electron-builder.yml'), 'utf8'));
const pkg: unknown = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));

const errorsOf = (value: unknown): string[] =>
  validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`);

/** Reads a key path out of the parsed YAML without trusting its shape. */
function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const targetsOf = (platform: string): unknown[] => {
  const target = at(config, platform, 'target');
  return Array.isArray(target) ? target : [target];
};

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it("validates against electron-builder's schema", () => {
    expect(errorsOf(config)).toEqual([]);
  });

  it('the schema check is live: a misspelt key or a wrong type is refused', () => {
    expect(errorsOf({ ...(config as object), asarr: true }).length).toBeGreaterThan(0);
    expect(errorsOf({ ...(config as object), electronFuses: { runAsNode: 'no' } }).length).toBeGreaterThan(0);
  });

  it('sets the fuses: no run-as-node, no NODE_OPTIONS, no inspect arguments, app only from asar, cookies encrypted', () => {
    expect(at(config, 'electronFuses')).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
    expect(at(config, 'asar')).toBe(true);
  });

  it('builds AppImage, deb and tar.gz on Linux, a dmg on macOS and an nsis installer on Windows', () => {
    expect(targetsOf('linux')).toEqual(expect.arrayContaining(['AppImage', 'deb', 'tar.gz']));
    expect(targetsOf('mac')).toEqual(['dmg']);
    expect(targetsOf('win')).toEqual(['nsis']);
  });

  it('names the app as package.json does and packs the built app', () => {
    expect(at(config, 'appId')).toMatch(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/);
    expect(at(config, 'productName')).toBe(at(pkg, 'productName'));
    expect(at(pkg, 'main')).toMatch(/^out\//);
    expect(at(config, 'files')).toContain('out/**/*');
  });

  it.each(['linux', 'mac', 'win'])('%s: the icon is a square PNG of at least 512 pixels from assets/', (platform) => {
    const icon = at(config, platform, 'icon');
    expect(icon).toMatch(/^assets\/.+\.png$/);
    const { width, height } = pngSize(join(projectRoot, String(icon)));
    expect(width).toBe(height);
    expect(width).toBeGreaterThanOrEqual(512);
  });
});
