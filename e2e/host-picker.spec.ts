import { expect, test } from './fixtures';

test.use({ hostSpec: 'sim:not-freebsd' });

test('on a machine that is not FreeBSD the host picker opens with a plain explanation', async ({ wizard }) => {
  const { page } = wizard;
  const dialog = page.getByRole('dialog', { name: 'Choose the computer to set up' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText(/This computer runs Linux .*, not FreeBSD/)).toBeVisible();
  await dialog.getByRole('radio', { name: /fresh FreeBSD 14.2/ }).check();
  await dialog.getByRole('button', { name: 'Use this host' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: 'Preflight' })).toBeVisible();
  await expect(page.getByText(/fresh FreeBSD 14.2/).first()).toBeVisible();
});
