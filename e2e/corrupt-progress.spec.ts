import { expect, test } from './fixtures';
import { runChecks } from './helpers';

test.use({ savedProgress: '{"version":1,"currentStepId":"adapter-card","steps":{"preflight":{"checklist":' });

test('the app survives a corrupt saved-progress file and says what it did', async ({ wizard }) => {
  const { page } = wizard;
  await expect(page.getByRole('heading', { level: 1, name: 'Preflight' })).toBeVisible();
  await expect(page.getByText(/Your saved progress could not be read/)).toBeVisible();
  await runChecks(page);
  await expect(page.getByText('FreeBSD 14.2-RELEASE: supported.')).toBeVisible();
});
