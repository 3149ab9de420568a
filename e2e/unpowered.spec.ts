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
