import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startupScripts, totalGzip, type StartupScript } from '../../bench/startup-js';
import { en } from '../../src/i18n/en';
import { zhCN } from '../../src/i18n/zh-CN';
import { ensureRendererBuilt } from '../../src/server/build-renderer';

// Sizes of the built page, not times: they do not depend on the machine. How fast the first screen is, is
// measured by bench/first-screen.bench.ts.
const BUDGET_GZIP_BYTES = 80 * 1024;

let rendererDir: string;
let scripts: StartupScript[];
let startupText: string;
/** The source files bundled into the startup script, from its source maps. */
let startupSources: string[];

beforeAll(async () => {
  rendererDir = await ensureRendererBuilt(() => {});
  scripts = await startupScripts(rendererDir);
  startupText = (await Promise.all(scripts.map((s) => readFile(join(rendererDir, s.file), 'utf8')))).join('\n');
  const maps = await Promise.all(scripts.map(async (s) => JSON.parse(await readFile(join(rendererDir, `${s.file}.map`), 'utf8')) as { sources: string[] }));
  startupSources = maps.flatMap((map) => map.sources);
}, 120_000);

describe('the startup script of the built interface', () => {
  it(`is at most ${BUDGET_GZIP_BYTES / 1024} KB gzip (entry module and its modulepreloads)`, () => {
    expect(scripts.length).toBeGreaterThan(0);
    expect(totalGzip(scripts)).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
  });

  it('carries no texts: each language is a chunk of its own, which browser mode has the browser fetch beside it', async () => {
    const chunks = (await readdir(join(rendererDir, 'assets'))).filter((f) => f.endsWith('.js'));
    const texts = await Promise.all(chunks.map((f) => readFile(join(rendererDir, 'assets', f), 'utf8')));
    for (const sample of [en['ui.checks.run'], zhCN['ui.checks.run'], en['ui.app.loading']]) {
      expect(startupText).not.toContain(sample);
      expect(texts.filter((text) => text.includes(sample))).toHaveLength(1);
    }
    expect(startupSources.filter((source) => /src\/i18n\/(en|zh-CN)\//.test(source))).toEqual([]);
  });

  it('builds each language’s chunk as one JSON text merged at build time, not as modules spread into one object', async () => {
    const chunks = (await readdir(join(rendererDir, 'assets'))).filter((f) => f.endsWith('.js'));
    const texts = await Promise.all(chunks.map((f) => readFile(join(rendererDir, 'assets', f), 'utf8')));
    for (const [dictionary, code] of [
      [en, texts.find((text) => text.includes(`"ui.checks.run":${JSON.stringify(en['ui.checks.run'])}`))],
      [zhCN, texts.find((text) => text.includes(`"ui.checks.run":${JSON.stringify(zhCN['ui.checks.run'])}`))],
    ] as const) {
      expect(code).toBeDefined();
      expect(code).toContain(`JSON.parse('{`);
      // One JSON text with every key, none spread in from another module.
      expect(code?.match(/JSON\.parse\(/g)).toHaveLength(1);
      expect(code).toContain(`"${Object.keys(dictionary).at(-1) ?? ''}":`);
    }
  });

  it('does not carry zod’s full build nor the contract’s schemas (the backend checks them; the page checks envelopes with zod/mini)', () => {
    expect(startupSources.some((source) => source.includes('node_modules/zod/v4/mini/'))).toBe(true);
    expect(startupSources.filter((source) => source.includes('node_modules/zod/v4/classic/'))).toEqual([]);
    expect(startupSources.filter((source) => /src\/contract\/(state|channels|messages|troubleshoot|ssh|plan)\.ts$/.test(source))).toEqual([]);
  });

  it('leaves the troubleshooting panel, the summary, the dialogs and the Chinese texts out', () => {
    expect(startupSources.some((source) => source.endsWith('components/StepPanel.svelte'))).toBe(true);
    const lazy = /components\/(TroubleshootPanel|ReportDialog|FindingCard|HostPicker|SshHostForm|UndoDialog|SummaryPanel)\.svelte$|i18n\/zh-CN\//;
    expect(startupSources.filter((source) => lazy.test(source))).toEqual([]);
  });

  it('opens with V8’s compile hint, which the lazily loaded chunks do not carry', async () => {
    for (const s of scripts) expect((await readFile(join(rendererDir, s.file), 'utf8')).split('\n', 1)[0]).toBe('//# allFunctionsCalledOnLoad');
    const startup = new Set(scripts.map((s) => s.file.replace(/^\.\//, '')));
    const lazy = (await readdir(join(rendererDir, 'assets'))).filter((f) => f.endsWith('.js') && !startup.has(`assets/${f}`));
    expect(lazy.length).toBeGreaterThan(0);
    for (const f of lazy) expect(await readFile(join(rendererDir, 'assets', f), 'utf8')).not.toContain('allFunctionsCalledOnLoad');
  });
});
