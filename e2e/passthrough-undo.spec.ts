import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { bothLocales, inLocale } from './localized';

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Backing out of the passthrough route from a running guest: the guest is stopped and deleted first (each
 * command shown), the route's changes alone are undone, the offered restart gives the P4 back to vgapci and
 * nvidia, and the driver step's checks pass again. Both languages.
 */
for (const locale of bothLocales) {
  const ui = inLocale(locale);
  const routes = (page: Page) => page.getByRole('group', { name: ui.tr('route.input') });
  const radio = (page: Page, key: string) => routes(page).getByRole('radio', { name: new RegExp(escape(ui.tr(key))) });

  /** From a fresh x220-vtd through the driver to the passthrough route's guest running with the card. */
  async function toRunningGuest(page: Page): Promise<void> {
    await ui.reachFreshJail(page);
    await radio(page, 'route.choice.passthrough').check();
    // The step is named after the route it takes.
    await expect(page.getByRole('heading', { level: 1, name: ui.tr('route.passthrough.title') })).toBeVisible();
    await ui.runAction(page, 'reserve.action.reserve.title');
    await ui.runAction(page, 'steps.adapter.action.restart.title');
    await ui.runChecks(page);
    for (const action of ['vm-bhyve', 'vm-host', 'vm-template', 'vm-network', 'vm-guest', 'vm-running']) await ui.runAction(page, `vm.action.${action}.title`);
    await expect(ui.check(page, 'vm.check.running').getByText(ui.tr('vm.running.ok', { name: 'cuda', pid: 4800, log: '/vm/cuda/vm-bhyve.log' }))).toBeVisible();
  }

  test.describe(`${locale} x220-vtd`, () => {
    test.use({ hostSpec: 'sim:x220-vtd' });

    test('undo from a running guest: stop and delete it (shown first), undo the route alone, restart, and the P4 is on nvidia again', async ({ wizard }) => {
      const { page } = wizard;
      await toRunningGuest(page);

      await page.getByRole('button', { name: ui.tr('ui.header.undo') }).click();
      const dialog = page.getByRole('dialog', { name: ui.tr('ui.undo.title') });
      // The route's changes alone are chosen: the reservation, the autostart, the template and key (5 of them).
      const scope = dialog.getByRole('group', { name: ui.tr('ui.undo.scope') });
      await expect(scope.getByRole('radio', { name: ui.tr('ui.undo.scope.passthrough', { count: 5 }) })).toBeChecked();
      await expect(scope.getByRole('radio', { name: new RegExp(escape(ui.tr('ui.undo.scope.all', { count: 99 })).replace('99', '\\d+')) })).not.toBeChecked();
      await expect(dialog.getByText('-pptdevs="5/0/0"')).toBeVisible();
      await expect(dialog.getByText('-vm_list="cuda"')).toBeVisible();
      await expect(dialog.getByText('+kld_list="nvidia-modeset"')).toBeVisible();
      await expect(dialog.getByText(new RegExp(`^/vm/\\.templates/egpu-cuda\\.conf · .* · ${escape(ui.tr('ui.undo.removes'))}$`))).toBeVisible();

      // The running guest holds the card: undo waits, and stopping it is shown before it runs.
      const guest = dialog.getByRole('region', { name: 'cuda', exact: true });
      await expect(guest.getByText(ui.tr('ui.undo.guest.running', { name: 'cuda' }))).toBeVisible();
      await expect(guest.getByText(/^cuda\s+default\s+uefi\s+2\s+5G\s+-\s+Yes \[1\]\s+Running \(4800\)$/)).toBeVisible();
      await expect(guest.getByText('$ vm stop cuda')).toBeVisible();
      await expect(dialog.getByRole('button', { name: ui.tr('ui.undo.confirm') })).toBeDisabled();
      await guest.getByRole('button', { name: ui.tr('ui.undo.guest.stop') }).click();

      await expect(guest.getByText(ui.tr('ui.undo.guest.stopped', { name: 'cuda' }))).toBeVisible();
      await expect(guest.getByText(/Stopped$/)).toBeVisible();
      await expect(guest.getByText('$ vm destroy -f cuda')).toBeVisible();
      await guest.getByRole('button', { name: ui.tr('ui.undo.guest.destroy') }).click();
      await expect(guest).toHaveCount(0);

      await dialog.getByRole('button', { name: ui.tr('ui.undo.confirm') }).click();
      await expect(dialog.getByText(ui.tr('ui.undo.done', { count: 5 }))).toBeVisible();
      await expect(dialog.getByText(ui.tr('ui.undo.restart.intro'))).toBeVisible();
      await expect(dialog.getByText('$ shutdown -r now')).toBeVisible();
      await dialog.getByRole('button', { name: ui.tr('ui.undo.restart') }).click();
      await expect(dialog.getByText(ui.tr('ui.undo.restart.done'))).toBeVisible();
      await dialog.getByRole('button', { name: ui.tr('ui.undo.close') }).click();

      // Back on the jail route, under the jail's name.
      await expect(page.getByRole('heading', { level: 1, name: ui.tr('jail.title') })).toBeVisible();
      await expect(radio(page, 'route.choice.jail')).toBeChecked();

      // The driver step: nvidia0 on vgapci1 again, and nvidia-smi sees the card.
      const nav = page.getByRole('navigation', { name: ui.tr('ui.steps.navLabel') });
      await nav.getByRole('button', { name: ui.tr('steps.driver.title') }).click();
      await expect(page.getByRole('heading', { level: 1, name: ui.tr('steps.driver.title') })).toBeVisible();
      await ui.runChecks(page);
      await expect(ui.check(page, 'steps.driver.check.attached').getByText(ui.tr('steps.driver.attached.ok', { device: 'nvidia0', description: 'Tesla P4', parent: 'vgapci1' }))).toBeVisible();
      await expect(ui.check(page, 'steps.driver.check.smi').getByText(ui.pattern('steps.driver.smi.ok'))).toBeVisible();
      await expect(ui.check(page, 'steps.driver.check.loaded').getByText(ui.tr('steps.driver.loaded.ok'))).toBeVisible();
      await expect(page.getByRole('button', { name: ui.tr('ui.nav.next'), exact: true })).toBeEnabled();
    });
  });
}
