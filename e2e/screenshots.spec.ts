import { join, resolve } from 'node:path';
import { expect, test } from './fixtures';
import { passPreflight, runChecks, tickChecklist } from './helpers';
import { inLocale } from './localized';
import { finish, walkedToVerify } from './walk-to-end';

/** Pictures for people: the README's screenshot (UPDATE_SCREENSHOTS=1 writes it to docs/), light and dark. */
const target = (name: string, outputDir: string) =>
  process.env.UPDATE_SCREENSHOTS ? resolve(import.meta.dirname, '..', 'docs', name) : join(outputDir, name);

test.use({ hostSpec: 'sim:x220-error12' });

test('screenshots of the Adapter card step with evidence', async ({ wizard }, testInfo) => {
  const { page } = wizard;
  await passPreflight(page);
  await tickChecklist(page);
  await runChecks(page);
  const memory = page.getByRole('article', { name: 'GPU memory ranges assigned' });
  await memory.getByRole('button', { name: /Evidence/ }).click();
  await expect(memory.getByText(/bar +\[/).first()).toBeVisible();
  await memory.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: target('screenshot.png', testInfo.outputDir), fullPage: false });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  await expect(page.getByRole('heading', { level: 1, name: '转接卡' })).toBeVisible();
  await page.screenshot({ path: target('screenshot-zh-dark.png', testInfo.outputDir), fullPage: false });
});

test('screenshots of Troubleshooting after an Error 12 diagnosis', async ({ wizard }, testInfo) => {
  const { page } = wizard;
  await passPreflight(page);
  await tickChecklist(page);
  await runChecks(page);
  await page.getByRole('article', { name: 'GPU memory ranges assigned' }).getByRole('button', { name: 'What could cause this?' }).click();
  const bars = page.getByRole('article', { name: 'PCI memory ranges (BARs) could not be assigned' });
  await expect(bars).toBeVisible({ timeout: 20_000 });
  await page.screenshot({ path: target('troubleshoot.png', testInfo.outputDir), fullPage: false });
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  await expect(page.getByRole('heading', { level: 1, name: '故障排查' })).toBeVisible();
  await page.screenshot({ path: target('troubleshoot-zh.png', testInfo.outputDir), fullPage: false });
});

test.describe('the benchmark', () => {
  test.use({ hostSpec: 'sim:x220-cpu-fallback' });

  test('screenshot of the first-model step after a CUDA rebuild and the benchmark', async ({ wizard }, testInfo) => {
    test.setTimeout(120_000);
    const ui = inLocale('en');
    const { page } = wizard;
    await ui.reachBootChecks(page);
    await ui.next(page, 'steps.driver.title');
    await ui.runChecks(page);
    await ui.next(page, 'jail.title');
    await ui.runChecks(page);
    await ui.next(page, 'model.title');
    await ui.runChecks(page);
    await ui.runAction(page, 'model.action.build.title');
    const bench = ui.check(page, 'model.check.benchmark');
    await expect(bench.getByText(ui.pattern('model.bench.pass'))).toBeVisible({ timeout: 30_000 });
    await bench.evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: target('benchmark.png', testInfo.outputDir), fullPage: false });
  });
});

// x220-fresh walked to Verify (every fix applied, the benchmark run): its saved progress and journal.
const walked = await walkedToVerify('x220-fresh');

test.describe('the summary', () => {
  test.use({ hostSpec: 'sim:x220-fresh', savedProgress: walked.progress, savedJournal: walked.journal });

  test('screenshots of the summary after Finish', async ({ wizard }, testInfo) => {
    const ui = inLocale('en');
    const { page } = wizard;
    await finish(page, ui);
    await page.screenshot({ path: target('summary.png', testInfo.outputDir), fullPage: false });
    const usage = page.getByRole('region', { name: ui.tr('summary.usage.title') });
    await usage.evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: target('summary-usage.png', testInfo.outputDir), fullPage: false });
  });
});
