import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { bothLocales, inLocale } from './localized';

/** On a host whose driver and jail were set up before: through those steps (checks only) to the first model, with ollama chosen. */
async function toOllama(page: Page, ui: ReturnType<typeof inLocale>): Promise<void> {
  await ui.reachBootChecks(page);
  await ui.next(page, 'steps.driver.title');
  await ui.runChecks(page);
  await ui.next(page, 'jail.title');
  await ui.runChecks(page);
  await ui.next(page, 'model.title');
  const runtime = page.getByRole('group', { name: ui.tr('ollama.input.runtime') });
  await expect(runtime.getByRole('radio', { name: ui.tr('ollama.input.runtime.llama') })).toBeChecked();
  await runtime.getByRole('radio', { name: ui.tr('ollama.input.runtime.ollama') }).check();
  // Choosing the runtime checks the step again, with ollama's checks instead of llama.cpp's.
  await expect(ui.check(page, 'ollama.check.install')).toBeVisible();
  await expect(ui.check(page, 'model.check.llama')).toHaveCount(0);
}

const GPU_OK = { device: 'Tesla P4', compute: '6.1', library: 'CUDA', processor: '100% GPU' };

for (const locale of bothLocales) {
  test.describe(`${locale}`, () => {
    const ui = inLocale(locale);

    test.describe('x220-ollama', () => {
      test.use({ hostSpec: 'sim:x220-ollama' });

      test('installs ollama after checking the release has cuda_v12, starts its service, pulls the model and proves the P4 runs it', async ({ wizard }) => {
        test.setTimeout(180_000);
        const { page } = wizard;
        await toOllama(page, ui);
        await expect(ui.check(page, 'ollama.check.install').getByText(ui.tr('ollama.install.missing', { release: '0.30.10' }))).toBeVisible();
        const install = page.getByRole('article', { name: ui.tr('ollama.action.install.title') });
        await expect(install.getByText(/\$ tar -t -f \/usr\/local\/jails\/cuda\/root\/ollama-linux-amd64-v0\.30\.10\.tar\.zst lib\/ollama\/cuda_v12/)).toBeVisible();
        await ui.runAction(page, 'ollama.action.install.title');
        await expect(ui.check(page, 'ollama.check.install').getByText(ui.tr('ollama.install.ok', { version: '0.30.10', dir: 'cuda_v12' }))).toBeVisible();

        const service = page.getByRole('article', { name: ui.tr('ollama.action.service.title') });
        await expect(service.getByText('+ollama_cuda_enable="YES"')).toBeVisible();
        await ui.runAction(page, 'ollama.action.service.title');
        await expect(ui.check(page, 'ollama.check.service').getByText(ui.tr('ollama.service.ok', { service: 'ollama_cuda', address: '127.0.0.1:11434', jail: 'cuda' }))).toBeVisible();

        await ui.runAction(page, 'ollama.action.pull.title');
        const gpu = ui.check(page, 'ollama.check.gpu');
        await expect(gpu.getByText(ui.tr('ollama.gpu.ok', GPU_OK))).toBeVisible({ timeout: 30_000 });
        const bench = ui.check(page, 'ollama.check.benchmark');
        await expect(bench.getByText(ui.pattern('model.bench.pass'))).toBeVisible();
        await expect(bench.getByRole('term').filter({ hasText: ui.tr('bench.figure.load-time') })).toBeVisible();
        await ui.next(page, 'steps.verify.title');
      });
    });

    test.describe('x220-ollama-pascal', () => {
      test.use({ hostSpec: 'sim:x220-ollama-pascal' });

      test('finds the skipped P4 from the log and the missing cuda_v12, names the fixes in order, replaces the release and proves it', async ({ wizard }) => {
        test.setTimeout(180_000);
        const { page } = wizard;
        await toOllama(page, ui);
        const install = ui.check(page, 'ollama.check.install');
        const archs = '750 800 860 870 890 900 1000 1030 1100 1200 1210';
        await expect(install.getByText(ui.tr('ollama.install.skipped', { version: '0.33.3', device: 'Tesla P4', cc: '6.1', archs }))).toBeVisible();
        await expect(install.getByText(ui.tr('ollama.fix.release', { release: '0.30.10', dir: 'cuda_v12' }))).toBeVisible();
        await expect(install.getByText(ui.tr('ollama.fix.vulkan'))).toBeVisible();
        await expect(ui.check(page, 'ollama.check.gpu').getByText(ui.tr('ollama.gpu.skipped', { device: 'Tesla P4', cc: '6.1', library: 'cpu' }))).toBeVisible();
        await expect(page.getByRole('article', { name: ui.tr('ollama.action.install.title') })).toHaveCount(0);

        await ui.runAction(page, 'ollama.action.replace.title');
        await expect(ui.check(page, 'ollama.check.install').getByText(ui.tr('ollama.install.ok', { version: '0.30.10', dir: 'cuda_v12' }))).toBeVisible({ timeout: 30_000 });
        await expect(ui.check(page, 'ollama.check.gpu').getByText(ui.tr('ollama.gpu.ok', GPU_OK))).toBeVisible();
        await expect(ui.check(page, 'ollama.check.benchmark').getByText(ui.pattern('model.bench.pass'))).toBeVisible();
      });
    });
  });
}
