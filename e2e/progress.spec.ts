import { expect, test } from './fixtures';
import { inLocale } from './localized';

/**
 * Every other spec lets the simulated clock run on its own, so long commands end at once. Here it is paused
 * around one: what the user sees half-way through a command is looked at with time standing still, so no
 * outcome depends on how fast this machine is.
 */
test.describe('a long command while it runs', () => {
  test.use({ hostSpec: 'sim:x220-fresh' });

  test('shows pkg’s progress and its lines as they come, stops half-way without installing anything, and finishes when run again', async ({ wizard }) => {
    const { page, clock } = wizard;
    test.skip(clock === null, 'the simulated clock lives in the Electron main process, out of the test’s reach; browser mode covers this');
    if (clock === null) return;
    const ui = inLocale('en');
    await ui.reachDriver(page);
    const install = page.getByRole('article', { name: ui.tr('steps.driver.action.install.title') });
    const versions = ui.check(page, 'steps.driver.check.versions');
    await expect(versions.getByText(ui.tr('steps.driver.versions.later'))).toBeVisible();
    await page.getByRole('button', { name: ui.tr('ui.header.commandLog') }).click();
    const running = page.getByRole('list', { name: ui.tr('ui.log.runningList') });

    clock.pause();
    await install.getByRole('button', { name: ui.tr('ui.action.review') }).click();
    await page.getByRole('dialog', { name: ui.tr('steps.driver.action.install.title') }).getByRole('button', { name: ui.tr('ui.action.confirmRun') }).click();
    await clock.whenSleeping();
    // Installing the four packages takes 4.8 s of simulated time; half-way, pkg has fetched all four.
    await clock.advance(2400);
    const progress = install.getByRole('progressbar');
    await expect(progress).toHaveAttribute('aria-valuetext', '50%');
    await expect(install.getByText('Fetching linux-nvidia-libs-580-580.105.08')).toBeVisible();
    await expect(running.getByText('[4/4] Fetching linux-nvidia-libs-580-580.105.08.pkg: .......... done')).toBeVisible();
    await expect(running.getByText(/Installing libglvnd/)).toHaveCount(0);

    // A little further, past the first package's extraction: the bar moves on with pkg's own lines.
    await clock.advance(300);
    await expect(progress).toHaveAttribute('aria-valuetext', '63%');
    await expect(install.getByText('Extracting libglvnd-1.7.0')).toBeVisible();

    // Stopped there, with time still standing: the run ends as cancelled and nothing is installed.
    await install.getByRole('button', { name: ui.tr('ui.action.stop') }).click();
    await expect(install.getByRole('alert')).toHaveText(`${ui.tr('wizard.action.cancelled')} ${ui.tr('ui.action.retry')}`);
    await expect(progress).toHaveCount(0);
    clock.resume();
    await expect(page.getByRole('button', { name: ui.tr('ui.checks.run') })).toBeEnabled();
    await expect(versions.getByText(ui.tr('steps.driver.versions.later'))).toBeVisible();

    // Run again and left alone, it finishes.
    await ui.runAction(page, 'steps.driver.action.install.title');
    await expect(install.getByRole('alert')).toHaveCount(0);
    await expect(versions.getByText(ui.tr('steps.driver.versions.okNotLoaded', { version: '580.105.08' }))).toBeVisible();
  });
});
