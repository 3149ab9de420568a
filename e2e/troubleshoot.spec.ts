import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';
import { bothLocales, inLocale } from './localized';

for (const locale of bothLocales) {
  test.describe(`${locale}`, () => {
    const ui = inLocale(locale);

    test.describe('Error 12 on the X220', () => {
      test.use({ hostSpec: 'sim:x220-error12' });

      test('the failing check leads to both Error 12 findings; realloc_bars and a restart make the card work', async ({ wizard }) => {
        const { page } = wizard;
        await ui.reachAdapterChecks(page);
        const memory = ui.check(page, 'steps.adapter.check.memory');
        await memory.getByRole('button', { name: ui.tr('ui.check.explain') }).click();

        // The diagnosis runs by itself; the findings the check pointed at come first and are marked.
        await expect(page.getByRole('heading', { level: 1, name: ui.tr('ui.troubleshoot.title') })).toBeVisible();
        const bars = page.getByRole('article', { name: ui.tr('diagnosis.pci-bar-alloc-failed.title') });
        const window = page.getByRole('article', { name: ui.tr('diagnosis.pci-window-alloc-failed.title') });
        await expect(bars).toBeVisible({ timeout: 20_000 });
        await expect(window).toBeVisible();
        await expect(bars.getByText(ui.tr('ui.troubleshoot.severity.error'), { exact: true })).toBeVisible();
        await bars.getByRole('button', { name: ui.pattern('ui.troubleshoot.evidence') }).click();
        await expect(bars.getByText(/^pciconf:\d+$/).first()).toBeVisible();

        // Fixes in the careful order: power first, then realloc_bars, which the wizard can write.
        const fixes = bars.getByRole('list', { name: ui.tr('ui.troubleshoot.fixes') }).getByRole('listitem');
        await expect(fixes.nth(0)).toHaveAccessibleName(ui.tr('diagnosis.fix.power-first.title'));
        await expect(fixes.nth(1)).toHaveAccessibleName(ui.tr('diagnosis.fix.realloc-bars.title'));
        await fixes.nth(1).getByRole('button', { name: ui.tr('ui.troubleshoot.review') }).click();
        const confirm = page.getByRole('dialog', { name: ui.tr('diagnosis.fix.realloc-bars.title') });
        await expect(confirm.getByText('+hw.pci.realloc_bars="1"')).toBeVisible();
        await confirm.getByRole('button', { name: ui.tr('ui.troubleshoot.apply') }).click();
        await expect(fixes.nth(1).getByText(ui.tr('ui.troubleshoot.applied'))).toBeVisible();

        // The simulated restart, then the diagnosis again: the Error 12 findings are gone.
        await page.getByRole('button', { name: ui.tr('ui.troubleshoot.restart') }).click();
        await page.getByRole('dialog', { name: ui.tr('ui.troubleshoot.restart') }).getByRole('button', { name: ui.tr('ui.troubleshoot.restartNow') }).click();
        await expect(page.getByText(ui.tr('ui.troubleshoot.restartPending'))).toHaveCount(0);
        await page.getByRole('button', { name: ui.tr('ui.troubleshoot.run') }).click();
        await expect(page.getByText(ui.pattern('ui.troubleshoot.ranAt'))).toBeVisible({ timeout: 20_000 });
        await expect(bars).toHaveCount(0);
        await expect(window).toHaveCount(0);

        // And the step agrees.
        await page.getByRole('button', { name: ui.tr('ui.troubleshoot.back') }).click();
        await ui.runChecks(page);
        await expect(ui.check(page, 'steps.adapter.check.memory').getByText(ui.pattern('steps.adapter.memory.ok'))).toBeVisible();
      });
    });
  });
}

test.describe('Error 12 that realloc_bars cannot fix', () => {
  test.use({ hostSpec: 'sim:x220-error12-stubborn' });

  test('the wizard says plainly what it cannot do, and the DSDT route shows its risk', async ({ wizard }) => {
    const ui = inLocale('zh-CN');
    const { page } = wizard;
    await ui.choose(page);
    await ui.passPreflight(page);
    await page.getByRole('button', { name: ui.tr('ui.troubleshoot.somethingWrong') }).click();
    const bars = page.getByRole('article', { name: ui.tr('diagnosis.pci-bar-alloc-failed.title') });
    await expect(bars).toBeVisible({ timeout: 20_000 });
    const fixes = bars.getByRole('list', { name: ui.tr('ui.troubleshoot.fixes') }).getByRole('listitem');
    await fixes.nth(1).getByRole('button', { name: ui.tr('ui.troubleshoot.review') }).click();
    await page.getByRole('dialog', { name: ui.tr('diagnosis.fix.realloc-bars.title') }).getByRole('button', { name: ui.tr('ui.troubleshoot.apply') }).click();
    await page.getByRole('button', { name: ui.tr('ui.troubleshoot.restart') }).click();
    await page.getByRole('dialog', { name: ui.tr('ui.troubleshoot.restart') }).getByRole('button', { name: ui.tr('ui.troubleshoot.restartNow') }).click();
    await page.getByRole('button', { name: ui.tr('ui.troubleshoot.run') }).click();
    await expect(bars.getByText(ui.tr('diagnosis.error12.note.wizardCannot'))).toBeVisible({ timeout: 20_000 });
    await expect(bars.getByText(ui.tr('ui.troubleshoot.inForce'))).toBeVisible();
    const dsdt = fixes.filter({ has: page.getByText(ui.tr('diagnosis.fix.dsdt-override.title'), { exact: true }) });
    await expect(dsdt.getByText(ui.tr('ui.troubleshoot.risk', { risk: ui.tr('diagnosis.fix.dsdt-override.risk') }))).toBeVisible();
  });
});

test.describe('the support report', () => {
  test.use({ hostSpec: 'sim:x220-hot' });

  test('is shown before it is saved, redacted, and saved as one Markdown file', async ({ wizard }) => {
    const ui = inLocale('en');
    const { page } = wizard;
    await ui.choose(page);
    await page.getByRole('button', { name: ui.tr('ui.troubleshoot.open') }).click();
    await expect(page.getByRole('article', { name: ui.tr('diagnosis.gpu-hot.title') })).toBeVisible({ timeout: 20_000 });
    await page.getByRole('button', { name: ui.tr('ui.troubleshoot.report') }).click();
    const dialog = page.getByRole('dialog', { name: ui.tr('ui.report.title') });
    const preview = dialog.getByRole('textbox');
    await expect(preview).toHaveValue(/gpu-hot/);
    const text = await preview.inputValue();
    expect(text).not.toContain('GPU-5b2f0c3a-9d41-7e6f-a8b1-3c2d4e5f6a7b');
    expect(text).toMatch(/\[uuid-\d+\]/);
    const download = page.waitForEvent('download');
    await dialog.getByRole('button', { name: ui.pattern('ui.report.save') }).click();
    const saved = await download;
    expect(saved.suggestedFilename()).toMatch(/^egpu-wizard-report-\d{4}-\d{2}-\d{2}\.md$/);
    expect(await readFile(await saved.path(), 'utf8')).toBe(text);
  });
});
