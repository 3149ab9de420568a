import { expect, test } from './fixtures';
import { inLocale } from './localized';

test.use({ hostSpec: 'sim:x220-error12' });

for (const locale of ['en', 'zh-CN'] as const) {
  test(`${locale}: the realloc_bars fix is shown as a diff, applied, and undone`, async ({ wizard }) => {
    const ui = inLocale(locale);
    const { page } = wizard;
    await ui.reachAdapterChecks(page);
    await expect(ui.check(page, 'steps.adapter.check.memory').getByText(ui.pattern('steps.adapter.memory.unassigned'))).toBeVisible();
    const fix = page.getByRole('article', { name: ui.tr('steps.adapter.action.realloc.title') });
    await expect(fix.getByText('+hw.pci.realloc_bars="1"')).toBeVisible();
    await expect(fix.getByText('$ mv -f /boot/loader.conf.egpu-new /boot/loader.conf')).toBeVisible();
    await ui.runAction(page, 'steps.adapter.action.realloc.title');
    await expect(ui.check(page, 'steps.adapter.check.memory').getByText(ui.tr('steps.adapter.memory.reallocDidNotHelp'))).toBeVisible();

    await page.getByRole('button', { name: ui.tr('ui.header.undo') }).click();
    const dialog = page.getByRole('dialog', { name: ui.tr('ui.undo.title') });
    await expect(dialog.getByText('-hw.pci.realloc_bars="1"')).toBeVisible();
    await dialog.getByRole('button', { name: ui.tr('ui.undo.confirm') }).click();
    await expect(dialog.getByText(ui.tr('ui.undo.done', { count: 1 }))).toBeVisible();
    await dialog.getByRole('button', { name: ui.tr('ui.undo.close') }).click();
    // The line is gone again, so the fix is offered again.
    await expect(fix.getByRole('button', { name: ui.tr('ui.action.review') })).toBeEnabled();
  });
}
