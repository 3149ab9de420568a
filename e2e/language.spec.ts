import { expect, test } from './fixtures';

test('switching to 简体中文 changes the texts, and the choice is remembered', async ({ wizard }) => {
  const { page } = wizard;
  await expect(page.getByRole('heading', { level: 1, name: 'Preflight' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  await expect(page.getByRole('heading', { level: 1, name: '准备检查' })).toBeVisible();
  await expect(page.getByRole('button', { name: '运行检查' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

  await page.getByRole('button', { name: '运行检查' }).click();
  await expect(page.getByText('FreeBSD 14.2-RELEASE，受支持。')).toBeVisible();

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: '准备检查' })).toBeVisible();
  await page.getByRole('combobox', { name: '语言' }).selectOption('en');
  await expect(page.getByRole('heading', { level: 1, name: 'Preflight' })).toBeVisible();
});
