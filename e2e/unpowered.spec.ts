import { expect, test } from './fixtures';
import { passPreflight, runChecks, tickChecklist } from './helpers';

test.use({ hostSpec: 'sim:x220-unpowered' });

test('an unpowered adapter blocks at Adapter card and says why', async ({ wizard }) => {
  const { page } = wizard;
  await passPreflight(page);
  await tickChecklist(page);
  await runChecks(page);

  const check = page.getByRole('article', { name: 'NVIDIA GPU on the PCI bus' });
  await expect(check.getByText('No NVIDIA display device is on the PCI bus')).toBeVisible();
  await expect(check.getByText(/Check that the 12 V supply is plugged in/)).toBeVisible();
  await expect(check.getByText('Failed', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Next', exact: true })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Continue anyway' })).toHaveCount(0);
  await expect(page.getByText('A check failed. Follow its advice, then run the checks again.')).toBeVisible();
});

test('the restart fix shows its exact command, runs only after confirmation, and is logged', async ({ wizard }) => {
  const { page } = wizard;
  await passPreflight(page);
  await tickChecklist(page);
  await runChecks(page);

  const action = page.getByRole('article', { name: 'Restart the laptop' });
  await expect(action.getByText('$ shutdown -r now')).toBeVisible();
  await action.getByRole('button', { name: 'Review and run…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Restart the laptop' });
  await expect(dialog.getByText('$ shutdown -r now')).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(action.getByRole('status')).toHaveCount(0); // nothing ran

  await action.getByRole('button', { name: 'Review and run…' }).click();
  await dialog.getByRole('button', { name: 'Run now' }).click();
  await expect(action.getByText(/finished without errors/)).toBeVisible();

  await page.getByRole('button', { name: 'Command log' }).click();
  const log = page.getByRole('complementary', { name: 'Command log' });
  await expect(log.getByText(/sudo -S -p .*-- shutdown -r now/)).toBeVisible();

  // The adapter still has no power, so after the restart the GPU is still missing.
  await page.keyboard.press('Escape');
  await runChecks(page);
  await expect(page.getByText('No NVIDIA display device is on the PCI bus')).toBeVisible();
});
