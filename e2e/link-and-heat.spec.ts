import { expect, test } from './fixtures';
import { bothLocales, inLocale } from './localized';

for (const locale of bothLocales) {
  test.describe(`${locale}`, () => {
    const ui = inLocale(locale);

    test.describe('a link trained at Gen1', () => {
      test.use({ hostSpec: 'sim:x220-gen1-link' });

      test('warns with half the bandwidth and lets the user continue anyway, which is logged', async ({ wizard }) => {
        const { page } = wizard;
        await ui.reachAdapterChecks(page);
        const link = ui.check(page, 'steps.adapter.check.link');
        await expect(link.getByText(ui.tr('steps.adapter.link.slow', { gts: '2.5', possible: '5.0', mbps: 250, possibleMbps: 500, port: 'pcib3 (pci0:0:28:3)' }))).toBeVisible();
        await expect(link.getByText(ui.tr('steps.adapter.link.advice.switches'))).toBeVisible();
        await expect(page.getByRole('button', { name: ui.tr('ui.nav.next'), exact: true })).toBeDisabled();

        await page.getByRole('button', { name: ui.tr('ui.nav.continueAnyway') }).click();
        await page.getByRole('dialog', { name: ui.tr('ui.confirm.title') }).getByRole('button', { name: ui.tr('ui.confirm.confirm') }).click();
        await expect(page.getByRole('heading', { level: 1, name: ui.tr('steps.power.title') })).toBeVisible();
        const log = await wizard.rawInvoke('log:recent', { limit: 200 });
        expect(JSON.stringify(log.body)).toContain('decision:continue-anyway');
      });
    });

    test.describe('a healthy link', () => {
      test.use({ hostSpec: 'sim:x220-fresh' });

      test('passes with the ~500 MB/s figure and names the root port it found', async ({ wizard }) => {
        const { page } = wizard;
        await ui.reachAdapterChecks(page);
        const link = ui.check(page, 'steps.adapter.check.link');
        await expect(link.getByText(ui.tr('steps.adapter.link.full', { width: 1, gts: '5.0', mbps: 500, port: 'pcib3 (pci0:0:28:3)' }))).toBeVisible();

        // Through power and cooling (its thermal check waits for the driver) to Verify, with its figures.
        await ui.next(page, 'steps.power.title');
        await ui.tickChecklist(page);
        await ui.runChecks(page);
        await expect(ui.check(page, 'steps.power.check.thermal').getByText(ui.tr('steps.power.thermal.later'))).toBeVisible();

        // loader.conf and rc.conf: the diff is shown, applied after confirmation, in force after a restart.
        await ui.next(page, 'steps.boot.title');
        await ui.runChecks(page);
        const apply = page.getByRole('article', { name: ui.tr('steps.boot.action.apply.title') });
        await expect(apply.getByText('+linux_enable="YES"')).toBeVisible();
        await ui.runAction(page, 'steps.boot.action.apply.title');
        await expect(ui.check(page, 'steps.boot.check.inForce').getByText(ui.pattern('steps.boot.inForce.waiting'))).toBeVisible();
        await ui.runAction(page, 'steps.adapter.action.restart.title');
        // After the (simulated) reboot the wizard is opened again and resumes at the same step.
        await page.reload();
        await expect(page.getByRole('heading', { level: 1, name: ui.tr('steps.boot.title') })).toBeVisible();
        await ui.runChecks(page);
        await expect(ui.check(page, 'steps.boot.check.inForce').getByText(ui.tr('steps.boot.inForce.ok'))).toBeVisible();
        await ui.passDriver(page);
        await ui.passCudaJail(page);
        await ui.passFirstModel(page);
        await ui.next(page, 'steps.verify.title');
        await ui.runChecks(page);
        const speed = ui.check(page, 'steps.verify.check.speed');
        await expect(speed.getByText(ui.tr('steps.verify.speed.ok', { gb: 6, low: 13.3, high: 15, tokens: 32 }))).toBeVisible();
        await expect(speed.getByRole('term').filter({ hasText: ui.tr('steps.verify.figure.link') })).toBeVisible();
        await expect(speed.getByText(`500 ${ui.tr('ui.figure.mbps')}`, { exact: true })).toBeVisible();
        await expect(page.getByRole('button', { name: ui.tr('ui.nav.finish') })).toBeEnabled();
      });
    });

    test.describe('a GPU running hot', () => {
      test.use({ hostSpec: 'sim:x220-hot' });

      test('fails the thermal check with the cooling advice and blocks the step', async ({ wizard }) => {
        const { page } = wizard;
        await ui.reachAdapterChecks(page);
        await ui.next(page, 'steps.power.title');
        await expect(page.getByRole('img', { name: ui.tr('ui.step.illustrationAlt', { title: ui.tr('steps.power.title') }) })).toBeVisible();
        await ui.tickChecklist(page);
        await ui.runChecks(page);
        const thermal = ui.check(page, 'steps.power.check.thermal');
        await expect(thermal.getByText(ui.tr('steps.power.thermal.hot', { celsius: 92 }))).toBeVisible();
        await expect(thermal.getByText(ui.tr('steps.power.thermal.advice.fan'))).toBeVisible();
        await expect(page.getByRole('button', { name: ui.tr('ui.nav.next'), exact: true })).toBeDisabled();
      });
    });

    test.describe('an adapter powered after boot', () => {
      test.use({ hostSpec: 'sim:x220-hotplugged' });

      test('finds the GPU after the restart the wizard offers', async ({ wizard }) => {
        const { page } = wizard;
        await ui.reachAdapterChecks(page);
        await expect(ui.check(page, 'steps.adapter.check.enumerated').getByText(ui.tr('steps.adapter.enumerated.missing'))).toBeVisible();
        await ui.runAction(page, 'steps.adapter.action.restart.title');
        await ui.runChecks(page);
        await expect(ui.check(page, 'steps.adapter.check.enumerated').getByText(ui.pattern('steps.adapter.enumerated.ok'))).toBeVisible();
      });
    });
  });
}

test.describe('Verify with the user’s own model size', () => {
  test.use({ hostSpec: 'sim:x220-fresh' });

  test('recalculates the load time and the generation ceiling for a 4 GB model, and refuses a size out of range', async ({ wizard }) => {
    const ui = inLocale('en');
    const { page } = wizard;
    await ui.reachDriver(page);
    await ui.runAction(page, 'steps.driver.action.install.title');
    await ui.runAction(page, 'steps.driver.action.load.title');
    await ui.passCudaJail(page);
    await ui.passFirstModel(page);
    await ui.next(page, 'steps.verify.title');
    const size = page.getByLabel(ui.tr('steps.verify.input.modelSize'));
    await size.fill('200');
    await expect(page.getByRole('button', { name: ui.tr('ui.input.apply') })).toBeDisabled();
    await size.fill('4');
    await page.getByRole('button', { name: ui.tr('ui.input.apply') }).click();
    const speed = ui.check(page, 'steps.verify.check.speed');
    await expect(speed.getByText(ui.tr('steps.verify.speed.ok', { gb: 4, low: 8.9, high: 10, tokens: 48 }))).toBeVisible();
    // The value is saved with the progress: a reload shows it again.
    await page.reload();
    await expect(page.getByLabel(ui.tr('steps.verify.input.modelSize'))).toHaveValue('4');
  });
});
