import { expect, test } from './fixtures';
import { bothLocales, inLocale } from './localized';

for (const locale of bothLocales) {
  test.describe(`${locale}`, () => {
    const ui = inLocale(locale);

    test.describe('a fresh X220 with the Tesla P4', () => {
      test.use({ hostSpec: 'sim:x220-fresh' });

      test('picks the 580 branch, installs it, loads it, and nvidia-smi proves the card', async ({ wizard }) => {
        const { page } = wizard;
        await ui.reachDriver(page);
        const branch = ui.check(page, 'steps.driver.check.branch');
        await expect(branch.getByText(ui.tr('steps.driver.branch.ready', { name: 'Tesla P4', chip: 'GP104', architecture: 'Pascal', package: 'nvidia-driver-580', version: '580.105.08', libs: 'linux-nvidia-libs-580' }))).toBeVisible();
        await expect(branch.getByText(ui.tr('steps.driver.branch.skippedDefault', { name: 'nvidia-driver', version: '595.58.03', branch: 595, last: 580, architecture: 'Pascal' }))).toBeVisible();
        await expect(page.getByRole('button', { name: ui.tr('ui.nav.next'), exact: true })).toBeDisabled();

        // The install shows the exact pkg command first (its progress while it runs: progress.spec.ts).
        const install = page.getByRole('article', { name: ui.tr('steps.driver.action.install.title') });
        await expect(install.getByText('$ pkg install -y nvidia-driver-580 linux-nvidia-libs-580')).toBeVisible();
        // It runs detached: the daemon(8) line that really starts it is one click away, wrapper and all.
        await expect(install.getByText(ui.tr('ui.action.detached'), { exact: true })).toBeVisible();
        const exact = install.getByText(ui.tr('ui.action.detachedExact'));
        await expect(install.getByText(/^\$ daemon -f \/bin\/sh -c /)).toBeHidden();
        await exact.click();
        await expect(install.getByText('$ daemon -f /bin/sh -c "$WRAPPER" egpu-wizard-job /var/db/egpu-wizard/jobs/pkgInstall-START pkg install -y nvidia-driver-580 linux-nvidia-libs-580', { exact: true })).toBeVisible();
        await expect(install.getByText(/^dir=\$1; shift\n[^]*\/bin\/mv -f "\$dir\/status.tmp" "\$dir\/status"$/)).toBeVisible();
        if (locale === 'en') await page.screenshot({ path: 'test-results/driver-detached-command.png', fullPage: false });
        await install.getByRole('button', { name: ui.tr('ui.action.review') }).click();
        await page.getByRole('dialog', { name: ui.tr('steps.driver.action.install.title') }).getByRole('button', { name: ui.tr('ui.action.confirmRun') }).click();
        await expect(install.getByText(ui.pattern('ui.action.lastOk'))).toBeVisible({ timeout: 20_000 });
        await expect(install.getByRole('progressbar')).toHaveCount(0);

        await expect(ui.check(page, 'steps.driver.check.versions').getByText(ui.tr('steps.driver.versions.okNotLoaded', { version: '580.105.08' }))).toBeVisible();
        const load = page.getByRole('article', { name: ui.tr('steps.driver.action.load.title') });
        await expect(load.getByText('+kld_list="nvidia-modeset"')).toBeVisible();
        await ui.runAction(page, 'steps.driver.action.load.title');
        await expect(ui.check(page, 'steps.driver.check.attached').getByText(ui.tr('steps.driver.attached.ok', { device: 'nvidia0', description: 'Tesla P4', parent: 'vgapci1' }))).toBeVisible();
        await expect(ui.check(page, 'steps.driver.check.smi').getByText(ui.tr('steps.driver.smi.ok', { name: 'Tesla P4', bus: '00000000:05:00.0', version: '580.105.08', memory: '7680' }))).toBeVisible();
        await ui.next(page, 'jail.title');
      });
    });

    test.describe('pkg cannot reach its repository, then finds its database locked', () => {
      test.use({ hostSpec: 'sim:x220-pkg-offline' });

      test('says what went wrong each time and lets the user try again', async ({ wizard }) => {
        const { page } = wizard;
        await ui.reachDriver(page);
        const branch = ui.check(page, 'steps.driver.check.branch');
        await expect(branch.getByText(ui.tr('steps.driver.pkg.network'))).toBeVisible();
        // The evidence next to the verdict is pkg's own words.
        await branch.getByRole('button', { name: ui.pattern('ui.check.evidence') }).click();
        await expect(branch.getByText('Unable to update repository FreeBSD')).toBeVisible();
        await ui.runChecks(page);
        await expect(branch.getByText(ui.pattern('steps.driver.branch.ready'))).toBeVisible();

        const install = page.getByRole('article', { name: ui.tr('steps.driver.action.install.title') });
        await install.getByRole('button', { name: ui.tr('ui.action.review') }).click();
        await page.getByRole('dialog', { name: ui.tr('steps.driver.action.install.title') }).getByRole('button', { name: ui.tr('ui.action.confirmRun') }).click();
        await expect(install.getByRole('alert')).toHaveText(`${ui.tr('steps.driver.pkg.locked')} ${ui.tr('ui.action.retry')}`);
        await ui.runAction(page, 'steps.driver.action.install.title');
        await expect(install.getByRole('alert')).toHaveCount(0);
        await expect(branch.getByText(ui.pattern('steps.driver.branch.installed'))).toBeVisible();
      });
    });
  });
}

test.describe('a Kepler card in the adapter', () => {
  test.use({ hostSpec: 'sim:x220-legacy-card' });

  test('gets the 470 legacy package, and the reason why', async ({ wizard }) => {
    const ui = inLocale('zh-CN');
    const { page } = wizard;
    await ui.reachDriver(page);
    const branch = ui.check(page, 'steps.driver.check.branch');
    await expect(branch.getByText(ui.tr('steps.driver.branch.stayOn', { name: 'nvidia-driver-470', last: 470, architecture: 'Kepler' }))).toBeVisible();
    await expect(page.getByRole('article', { name: ui.tr('steps.driver.action.install.title') }).getByText('$ pkg install -y nvidia-driver-470 linux-nvidia-libs-470')).toBeVisible();
  });
});
