import type { Page } from '@playwright/test';
import type { VirtualClock } from '../src/host/simulated/clock';
import { expect, test } from './fixtures';
import { inLocale } from './localized';

/**
 * debootstrap runs detached on the host: a reload of the page half-way shows it still running with its
 * progress, then its result. The simulated clock is paused around it, so "half-way" is a point in simulated
 * time, not a race with this machine's speed.
 */
const ui = inLocale('en');

/**
 * Walks a fresh X220 to the jail step and starts the build on a paused clock, stepping simulated time until
 * debootstrap's own progress shows: pkg installs debootstrap first (a job of its own, two steps a package),
 * then debootstrap's job runs with its five phases.
 */
async function buildUntilDebootstrap(page: Page, clock: VirtualClock) {
  await ui.reachFreshJail(page);
  const build = page.getByRole('article', { name: ui.tr('jail.action.build.title') });
  clock.pause();
  await build.getByRole('button', { name: ui.tr('ui.action.review') }).click();
  await page.getByRole('dialog', { name: ui.tr('jail.action.build.title') }).getByRole('button', { name: ui.tr('ui.action.confirmRun') }).click();
  const progress = build.getByRole('progressbar');
  for (let i = 0; i < 60; i++) {
    await clock.advance(1000);
    const shown = await expect(progress).toHaveAttribute('max', '5', { timeout: 2000 }).then(() => true, () => false);
    if (shown) break;
  }
  return { build, progress };
}

test.describe('a detached job and a reload', () => {
  test.use({ hostSpec: 'sim:x220-fresh' });

  test('after a reload half-way, debootstrap shows still running with its progress, then its result', async ({ wizard }) => {
    const { page, clock } = wizard;
    test.skip(clock === null, 'the simulated clock lives in the Electron main process, out of the test’s reach; browser mode covers this');
    if (clock === null) return;
    const { build, progress } = await buildUntilDebootstrap(page, clock);
    const stillRunning = build.getByText(ui.pattern('detached.stillRunning'));
    await expect(progress).toHaveAttribute('max', '5');
    await expect(progress).toHaveAttribute('aria-valuetext', /^\d+%$/);
    await expect(stillRunning).toBeVisible();
    await expect(build.getByText(/^(Retrieving|Validating|Extracting|Unpacking|Configuring) /)).toBeVisible();

    await page.reload();
    await expect(stillRunning).toBeVisible();
    await expect(progress).toHaveAttribute('max', '5');
    await expect(progress).toHaveAttribute('aria-valuetext', /^\d+%$/);
    await expect(build.getByRole('button', { name: ui.tr('ui.action.review') })).toBeDisabled();

    clock.resume();
    await expect(build.getByText(ui.pattern('ui.action.lastOk'))).toBeVisible({ timeout: 30_000 });
    await expect(stillRunning).toHaveCount(0);
    await expect(ui.check(page, 'jail.check.userland').getByText(ui.tr('jail.userland.ok', { name: 'Ubuntu 22.04.5 LTS', root: '/usr/local/jails/cuda' }))).toBeVisible();
  });

  test('a restart of the host under debootstrap shows it interrupted, says what to do, and offers to finish it', async ({ wizard }) => {
    const { page, clock } = wizard;
    const host = wizard.simHost();
    test.skip(clock === null || host === null, 'the simulated host lives in the Electron main process, out of the test’s reach; browser mode covers this');
    if (clock === null || host === null) return;
    const { build, progress } = await buildUntilDebootstrap(page, clock);
    await expect(build.getByText(ui.pattern('detached.stillRunning'))).toBeVisible();

    // The power goes half-way through debootstrap; the machine comes back.
    host.restart();
    clock.resume();
    await expect(build.getByText(ui.pattern('ui.action.lastInterrupted'))).toBeVisible({ timeout: 30_000 });
    await expect(build.getByRole('alert')).toHaveText(ui.tr('detached.interrupted.restarted'));
    await expect(progress).toHaveCount(0);
    await expect(ui.check(page, 'jail.check.userland').getByText(ui.tr('jail.userland.halfBuilt', { root: '/usr/local/jails/cuda' }))).toBeVisible();
    const finish = page.getByRole('article', { name: ui.tr('jail.action.finish.title') });
    await expect(finish.getByRole('button', { name: ui.tr('ui.action.review') })).toBeEnabled();

    // Reloaded, the page still says so: the interrupted run is saved with the step.
    await page.reload();
    await expect(build.getByText(ui.pattern('ui.action.lastInterrupted'))).toBeVisible();
  });
});
