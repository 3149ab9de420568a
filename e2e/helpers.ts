import { expect, type Page } from '@playwright/test';

export const stepNav = (page: Page) => page.getByRole('navigation', { name: 'Setup steps' });

export async function runChecks(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Run checks' }).click();
  await expect(page.getByRole('button', { name: 'Run checks' })).toBeEnabled({ timeout: 20_000 });
}

/** Preflight on a simulated X220 whose sudo asks for the password "demo". */
export async function passPreflight(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Preflight' })).toBeVisible();
  await runChecks(page);
  await page.getByLabel('Password for sudo').fill('demo');
  await page.getByRole('button', { name: 'Use password' }).click();
  await expect(page.getByText('sudo accepted your password')).toBeVisible();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Adapter card' })).toBeVisible();
}

export async function tickChecklist(page: Page): Promise<void> {
  const boxes = page.getByRole('group', { name: 'Before you continue' }).getByRole('checkbox');
  const count = await boxes.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) await boxes.nth(i).check();
}
