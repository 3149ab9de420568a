import { expect, type Page } from '@playwright/test';
import { translate, type Locale } from '../src/i18n/translate';

/** Specs that run in both languages take their expected texts from the same dictionaries the app uses. */
export function inLocale(locale: Locale) {
  const tr = (key: string, params?: Record<string, string | number>) => translate(locale, key, params);
  /** A sentence whose values vary: the template with every placeholder matching anything. */
  const pattern = (key: string) =>
    new RegExp(
      tr(key)
        .split(/\{[a-zA-Z0-9_]+\}/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*'),
    );

  async function choose(page: Page): Promise<void> {
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    if (locale !== 'en') await page.getByRole('combobox', { name: translate('en', 'ui.header.language') }).selectOption(locale);
    await expect(page.getByRole('heading', { level: 1, name: tr('steps.preflight.title') })).toBeVisible();
  }

  async function runChecks(page: Page): Promise<void> {
    const run = page.getByRole('button', { name: tr('ui.checks.run') });
    await run.click();
    await expect(run).toBeEnabled({ timeout: 20_000 });
  }

  async function next(page: Page, title: string): Promise<void> {
    await page.getByRole('button', { name: tr('ui.nav.next'), exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: tr(title) })).toBeVisible();
  }

  /** Preflight on a simulated X220 whose sudo asks for the password "demo". */
  async function passPreflight(page: Page): Promise<void> {
    await runChecks(page);
    await page.getByLabel(tr('ui.privilege.passwordLabel', { tool: 'sudo' })).fill('demo');
    await page.getByRole('button', { name: tr('ui.privilege.use') }).click();
    await expect(page.getByText(tr('steps.preflight.privileges.sudoPassword'))).toBeVisible();
    await next(page, 'steps.adapter.title');
  }

  /**
   * One box at a time, each saved before the next is clicked. A reply still on its way for the previous box
   * carries this one unticked and shows it so for a moment; on a busy machine that moment can be long.
   */
  async function tickChecklist(page: Page): Promise<void> {
    const group = page.getByRole('group', { name: tr('ui.checklist.title') });
    const boxes = await group.getByRole('checkbox').all();
    for (const [i, box] of boxes.entries()) {
      await box.click();
      await expect(group.getByText(tr('ui.checklist.progress', { done: i + 1, total: boxes.length }))).toBeVisible();
    }
    for (const box of boxes) await expect(box).toBeChecked();
  }

  /** From a fresh start to the Adapter card step with its checklist ticked and its checks run. */
  async function reachAdapterChecks(page: Page): Promise<void> {
    await choose(page);
    await passPreflight(page);
    await tickChecklist(page);
    await runChecks(page);
  }

  /** Opens an action's confirmation, checks it names the same commands, runs it and waits for its result. */
  async function runAction(page: Page, titleKey: string): Promise<void> {
    const card = page.getByRole('article', { name: tr(titleKey) });
    await card.getByRole('button', { name: tr('ui.action.review') }).click();
    const dialog = page.getByRole('dialog', { name: tr(titleKey) });
    await expect(dialog.getByText(/^\$ /).first()).toBeVisible();
    await dialog.getByRole('button', { name: tr('ui.action.confirmRun') }).click();
    await expect(card.getByText(pattern('ui.action.lastOk'))).toBeVisible({ timeout: 20_000 });
  }

  const check = (page: Page, titleKey: string) => page.getByRole('article', { name: tr(titleKey) });

  /** From a fresh start through Power and cooling and the boot configuration (applied, restarted) to the driver step, its checks run. */
  async function reachDriver(page: Page): Promise<void> {
    await reachBootChecks(page);
    await runAction(page, 'steps.boot.action.apply.title');
    await runAction(page, 'steps.adapter.action.restart.title');
    await runChecks(page);
    await next(page, 'steps.driver.title');
    await runChecks(page);
  }

  /** From the boot configuration on through the NVIDIA driver step: install, load, proven by nvidia-smi. */
  async function passDriver(page: Page): Promise<void> {
    await next(page, 'steps.driver.title');
    await runChecks(page);
    await runAction(page, 'steps.driver.action.install.title');
    await runAction(page, 'steps.driver.action.load.title');
    await expect(check(page, 'steps.driver.check.smi').getByText(pattern('steps.driver.smi.ok'))).toBeVisible();
  }

  /** From a fresh start through Adapter card and Power and cooling to the boot configuration's checks. */
  async function reachBootChecks(page: Page): Promise<void> {
    await reachAdapterChecks(page);
    await next(page, 'steps.power.title');
    await tickChecklist(page);
    await runChecks(page);
    await next(page, 'steps.boot.title');
    await runChecks(page);
  }

  /** From a fresh start through the boot configuration (with its simulated restart) and the driver step to the jail's checks. */
  async function reachFreshJail(page: Page): Promise<void> {
    await reachBootChecks(page);
    await runAction(page, 'steps.boot.action.apply.title');
    await runAction(page, 'steps.adapter.action.restart.title');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: tr('steps.boot.title') })).toBeVisible();
    await runChecks(page);
    await passDriver(page);
    await next(page, 'jail.title');
    await runChecks(page);
  }

  /** On a host whose driver and jail were set up before: through those steps (checks only) to the jail's checks. */
  async function reachJailChecks(page: Page): Promise<void> {
    await reachBootChecks(page);
    await next(page, 'steps.driver.title');
    await runChecks(page);
    await next(page, 'jail.title');
    await runChecks(page);
  }

  /** From the driver step on through the Linux jail: userland, mounts, devfs ruleset, jail, NVIDIA libraries, CUDA. */
  async function passCudaJail(page: Page): Promise<void> {
    await next(page, 'jail.title');
    await runChecks(page);
    for (const action of ['build', 'mounts', 'devfs', 'jail', 'nvidia', 'cuda']) await runAction(page, `jail.action.${action}.title`);
    await expect(check(page, 'jail.check.smi').getByText(pattern('jail.smi.ok'))).toBeVisible();
    await expect(check(page, 'jail.check.cuda').getByText(pattern('jail.cuda.ok'))).toBeVisible();
  }

  /** From the jail step on through the first model: llama.cpp built with CUDA, the model fetched, the benchmark run. */
  async function passFirstModel(page: Page): Promise<void> {
    await next(page, 'model.title');
    await runChecks(page);
    await runAction(page, 'model.action.build.title');
    await runAction(page, 'model.action.download.title');
    await expect(check(page, 'model.check.benchmark').getByText(pattern('model.bench.pass'))).toBeVisible({ timeout: 30_000 });
  }

  return { tr, pattern, choose, runChecks, next, passPreflight, tickChecklist, reachAdapterChecks, runAction, check, reachBootChecks, reachFreshJail, reachJailChecks, reachDriver, passDriver, passCudaJail, passFirstModel };
}

export const bothLocales: readonly Locale[] = ['en', 'zh-CN'];
