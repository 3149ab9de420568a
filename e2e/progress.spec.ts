import { expect, test } from './fixtures';
import { inLocale } from './localized';

/**
 * Every other spec lets the simulated clock run on its own, so long commands end at once. Here it is paused
 * around one: what the user sees half-way through a command is looked at with time standing still, so no
 * outcome depends on how fast this machine is.
 *
 * pkg runs detached on the host: its four packages take 4.8 s of host time (fetched by 2.35 s, extracted by
 * 3.4 s, then its messages), and the wizard looks at the job 100 ms of host time after it starts, then a
 * quarter later each time: at about 2.6 s, 3.3 s and 4.3 s into pkg's run. Between two looks the card shows
 * what the last one read.
 */
test.describe('a long command while it runs', () => {
  test.use({ hostSpec: 'sim:x220-fresh', jobPollMs: 100 });

  test('shows pkg’s progress and its lines while it runs, still running after a reload, stops half-way without installing anything, and finishes when run again', async ({ wizard }) => {
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
    const stillRunning = install.getByText(ui.pattern('detached.stillRunning'));
    const progress = install.getByRole('progressbar');
    const percent = async (): Promise<number> => Number(/^(\d+)%$/.exec((await progress.getAttribute('aria-valuetext')) ?? '')?.[1] ?? NaN);

    clock.pause();
    await install.getByRole('button', { name: ui.tr('ui.action.review') }).click();
    await page.getByRole('dialog', { name: ui.tr('steps.driver.action.install.title') }).getByRole('button', { name: ui.tr('ui.action.confirmRun') }).click();
    await clock.whenSleeping();
    // 2.7 s in, time standing still: the last look found all four fetched and the first being installed.
    await clock.advance(2700);
    await expect(stillRunning).toBeVisible();
    await expect(progress).toHaveAttribute('aria-valuetext', '50%');
    const half = await percent();
    await expect(install.getByText('Installing libglvnd-1.7.0')).toBeVisible();
    await expect(running.getByText('[4/4] Fetching linux-nvidia-libs-580-580.105.08.pkg: .......... done')).toBeVisible();
    await expect(running.getByText(/Extracting libglvnd/)).toHaveCount(0);

    // A reload half-way: the card still shows the job running with its progress, and offers no second start.
    await page.reload();
    await expect(stillRunning).toBeVisible();
    await expect(progress).toHaveAttribute('aria-valuetext', `${half}%`);
    await expect(install.getByRole('button', { name: ui.tr('ui.action.review') })).toBeDisabled();

    // A little further, past the next look: the bar moves on with pkg's own lines, still short of the end.
    await clock.advance(700);
    await expect.poll(percent).toBeGreaterThan(half);
    expect(await percent()).toBeLessThan(100);
    await expect(stillRunning).toBeVisible();

    // Stopped there: the job's process group is signalled, the run ends as cancelled, nothing is installed.
    await install.getByRole('button', { name: ui.tr('ui.action.stop') }).click();
    clock.resume();
    await expect(install.getByRole('alert')).toHaveText(`${ui.tr('wizard.action.cancelled')} ${ui.tr('ui.action.retry')}`);
    await expect(progress).toHaveCount(0);
    await expect(stillRunning).toHaveCount(0);
    await expect(page.getByRole('button', { name: ui.tr('ui.checks.run') })).toBeEnabled();
    await expect(versions.getByText(ui.tr('steps.driver.versions.later'))).toBeVisible();

    // Run again and left alone, it finishes.
    await ui.runAction(page, 'steps.driver.action.install.title');
    await expect(install.getByRole('alert')).toHaveCount(0);
    await expect(versions.getByText(ui.tr('steps.driver.versions.okNotLoaded', { version: '580.105.08' }))).toBeVisible();
  });
});
