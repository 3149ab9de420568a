import type { Page } from '@playwright/test';
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

/** Notes every heading and button text the page ever draws, from before its own scripts run. */
const recordTexts = {
  content: `(() => {
    const seen = new Set();
    window.__textsSeen = seen;
    new MutationObserver(() => {
      for (const element of document.querySelectorAll('h1, button')) seen.add(element.textContent.trim());
    }).observe(document, { subtree: true, childList: true, characterData: true });
  })();`,
};
const textsSeen = (page: Page): Promise<string[]> => page.evaluate(() => [...(Reflect.get(globalThis, '__textsSeen') as Set<string>)]);

const englishFirstScreen = ['Preflight', 'Run checks', 'Troubleshoot'];

test('a saved 简体中文 is the first paint after a reload: no English flashes first', async ({ wizard }) => {
  const { page } = wizard;
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  await expect(page.getByRole('heading', { level: 1, name: '准备检查' })).toBeVisible();
  await page.addInitScript(recordTexts);
  await page.reload();
  await expect(page.getByRole('button', { name: '运行检查' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  const seen = await textsSeen(page);
  expect(seen).toContain('运行检查');
  expect(seen.filter((text) => englishFirstScreen.includes(text))).toEqual([]);
});

test('with nothing saved, a Chinese system gets Chinese from the first paint', async ({ wizard, browser }) => {
  test.skip(wizard.mode !== 'browser' || wizard.server === null, 'the system language is the browser context’s here');
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.addInitScript(recordTexts);
  await page.goto(wizard.server?.url ?? '');
  await expect(page.getByRole('heading', { level: 1, name: '准备检查' })).toBeVisible();
  await expect(page.getByRole('button', { name: '运行检查' })).toBeVisible();
  const seen = await textsSeen(page);
  expect(seen.filter((text) => englishFirstScreen.includes(text))).toEqual([]);
  await context.close();
});
