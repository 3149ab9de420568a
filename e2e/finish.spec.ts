import { translate } from '../src/i18n/translate';
import { expect, test } from './fixtures';
import { bothLocales, inLocale } from './localized';
import { finish, walkedToVerify } from './walk-to-end';

// x220-fresh after every step up to Verify: the wizard's saved progress and change journal.
const walked = await walkedToVerify('x220-fresh');

const MODEL = '/opt/models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf';

for (const locale of bothLocales) {
  test.describe(`${locale}`, () => {
    const ui = inLocale(locale);
    test.use({ hostSpec: 'sim:x220-fresh', savedProgress: walked.progress, savedJournal: walked.journal });

    test('Finish completes step 8 and lands on a summary that says how to use the card; it stays after a reload', async ({ wizard }) => {
      test.setTimeout(120_000);
      const { page } = wizard;
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      if (locale !== 'en') await page.getByRole('combobox', { name: translate('en', 'ui.header.language') }).selectOption(locale);
      await expect(page.getByRole('heading', { level: 1, name: ui.tr('steps.verify.title') })).toBeVisible();
      const nav = page.getByRole('navigation', { name: ui.tr('ui.steps.navLabel') });
      await expect(nav.getByText(ui.tr('ui.steps.progress', { done: 7, total: 8 }))).toBeVisible();

      await finish(page, ui);
      await expect(nav.getByText(ui.tr('ui.steps.progress', { done: 8, total: 8 }))).toBeVisible();

      // What was set up: the driver branch and the jail, from the checks' evidence.
      const setup = page.getByRole('region', { name: ui.tr('summary.setup.title') });
      await expect(setup.getByText(ui.tr('summary.fact.driverValue', { package: 'nvidia-driver-580', version: '580.105.08', branch: 580 }))).toBeVisible();
      await expect(setup.getByText(ui.pattern('summary.fact.jailValue')).filter({ hasText: 'Ubuntu 22.04.5 LTS' })).toBeVisible();

      // The benchmark figures drawn against their limits.
      const bench = page.getByRole('region', { name: ui.tr('summary.bench.title') });
      await expect(bench.getByRole('term').filter({ hasText: ui.tr('bench.figure.generation', { test: 'tg128' }) })).toBeVisible();
      await expect(bench.getByText(`27.65 ${ui.tr('ui.figure.tokens')}`, { exact: true })).toBeVisible();
      await expect(page.getByRole('region', { name: ui.tr('summary.warnings.title') }).getByText(ui.tr('summary.warnings.none'))).toBeVisible();

      // How to use it: the exact commands for this machine.
      const usage = page.getByRole('region', { name: ui.tr('summary.usage.title') });
      await expect(usage.getByText(`$ sudo jexec cuda /opt/llama.cpp/build/bin/llama-server -m ${MODEL} -ngl 99 --host 127.0.0.1 --port 8080`, { exact: true })).toBeVisible();
      await expect(usage.getByText('$ ssh -N -L 8080:127.0.0.1:8080 demo@x220', { exact: true })).toBeVisible();
      await expect(usage.getByText(ui.tr('summary.boot.jail', { jail: 'cuda', file: '/etc/rc.conf', list: 'cuda' }))).toBeVisible();
      await expect(usage.getByText(ui.tr('summary.boot.llamaManual'))).toBeVisible();
      await expect(usage.getByText('$ egpu-wizard bench --host sim:x220-fresh --password-stdin', { exact: true })).toBeVisible();
      await expect(usage.getByText(`$ sudo jexec cuda /opt/llama.cpp/build/bin/llama-bench -m ${MODEL} -ngl 99`, { exact: true })).toBeVisible();

      // The files changed, with Undo at hand (opened, then left).
      const files = page.getByRole('region', { name: ui.tr('summary.files.title') });
      await expect(files.getByText('/etc/jail.conf', { exact: true })).toBeVisible();
      await files.getByRole('button', { name: ui.tr('summary.files.undo') }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);

      // Reopened (a reload, as after a restart): the summary again, not step 1.
      await page.reload();
      await expect(page.getByRole('heading', { level: 1, name: ui.tr('summary.title') })).toBeVisible();
      await expect(nav.getByText(ui.tr('ui.steps.progress', { done: 8, total: 8 }))).toBeVisible();

      // Save a report from the summary.
      await page.getByRole('button', { name: ui.tr('summary.report') }).click();
      await expect(page.getByRole('dialog', { name: ui.tr('ui.report.title') })).toBeVisible({ timeout: 20_000 });
      await page.getByRole('dialog', { name: ui.tr('ui.report.title') }).getByRole('button', { name: ui.tr('ui.report.close') }).click();

      // Any step can be opened and checked again, and the summary comes back from the step list.
      await nav.getByRole('button', { name: new RegExp(ui.tr('steps.driver.title')) }).click();
      await expect(page.getByRole('heading', { level: 1, name: ui.tr('steps.driver.title') })).toBeVisible();
      await ui.runChecks(page);
      await expect(nav.getByText(ui.tr('ui.steps.progress', { done: 8, total: 8 }))).toBeVisible();
      await nav.getByRole('button', { name: ui.tr('summary.nav') }).click();
      await expect(page.getByRole('heading', { level: 1, name: ui.tr('summary.title') })).toBeVisible();

      // Troubleshoot from the summary, and back to it.
      await page.getByRole('main').getByRole('button', { name: ui.tr('summary.troubleshoot'), exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name: ui.tr('ui.troubleshoot.title') })).toBeVisible();
      await page.getByRole('button', { name: ui.tr('ui.troubleshoot.back') }).click();
      await expect(page.getByRole('heading', { level: 1, name: ui.tr('summary.title') })).toBeVisible();
    });
  });
}
