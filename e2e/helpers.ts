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

/** One box at a time, each saved before the next is clicked (see `tickChecklist` in localized.ts). */
export async function tickChecklist(page: Page): Promise<void> {
  const group = page.getByRole('group', { name: 'Before you continue' });
  const boxes = await group.getByRole('checkbox').all();
  expect(boxes.length).toBeGreaterThan(0);
  for (const [i, box] of boxes.entries()) {
    await box.click();
    await expect(group.getByText(`${i + 1} of ${boxes.length} done`)).toBeVisible();
  }
  for (const box of boxes) await expect(box).toBeChecked();
}
