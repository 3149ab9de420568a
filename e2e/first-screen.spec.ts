import type { Browser, BrowserContext, Page, Route } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * Browser mode's server draws the first screen into the page (src/server/first-screen.ts) and the page's
 * script takes that drawing over instead of drawing it again. Electron draws in the page, so these are
 * browser mode's.
 */

const STARTUP_SCRIPT = /\/assets\/startup-[^/]+\.js$/;
/** The page's script and the small one that holds early clicks: with both held, the page is as the server sent it. */
const EVERY_SCRIPT = /\/assets\/(startup-[^/]+|early-clicks)\.js$/;

/** Keeps the scripts matching `which` from arriving until `release()`. */
async function holdScripts(page: Page, which: RegExp = EVERY_SCRIPT): Promise<{ release: () => void }> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(which, async (route: Route) => {
    await released;
    await route.continue();
  });
  return { release };
}

/** Keeps the first step heading and "Run checks" button the parser makes, before any script of the page runs. */
const keepFirstElements = {
  content: `(() => {
    const observer = new MutationObserver(() => {
      const heading = document.getElementById('step-title');
      const button = Array.from(document.querySelectorAll('button')).find((b) => b.textContent.trim() === 'Run checks');
      if (!heading || !button) return;
      window.__firstHeading = heading;
      window.__firstButton = button;
      observer.disconnect();
    });
    observer.observe(document, { subtree: true, childList: true });
  })();`,
};

/**
 * Opens the page in a fresh context with both scripts held back and the first heading and button kept; notes
 * the console's warnings and errors.
 */
async function openHeld(browser: Browser, url: string): Promise<{ context: BrowserContext; page: Page; warnings: string[]; script: { release: () => void } }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning' || message.type() === 'error') warnings.push(message.text());
  });
  await page.addInitScript(keepFirstElements);
  const script = await holdScripts(page);
  await page.goto(url, { waitUntil: 'commit' });
  return { context, page, warnings, script };
}

/** Whether the page still holds the very heading and button the parser made (plain JavaScript, run in the page). */
const SAME_HEADING = `window.__firstHeading === document.getElementById('step-title')`;
const SAME_BUTTON = `window.__firstButton === Array.from(document.querySelectorAll('button')).find((b) => b.textContent.trim() === 'Run checks')`;

test.describe('the first screen drawn by the server', () => {
  test.beforeEach(({ wizard }) => {
    test.skip(wizard.mode !== 'browser' || wizard.server === null, 'only browser mode’s server draws the first screen');
  });

  test('shows the step before the page’s script runs, inert, and the script takes that same drawing over', async ({ wizard, browser }) => {
    const { context, page, warnings, script } = await openHeld(browser, wizard.server?.url ?? '');

    // As the server sent it: the whole step is there, and nothing in it answers yet.
    const heading = page.getByRole('heading', { level: 1, name: 'Preflight' });
    await expect(heading).toBeVisible();
    await expect(page.getByText('Operating system', { exact: true })).toBeVisible();
    await expect(page.locator('#app')).toHaveAttribute('inert', '');
    await expect(page.locator('#app')).toHaveAttribute('data-drawn-locale', 'en');

    script.release();
    await expect(page.locator('#app')).not.toHaveAttribute('inert');
    await expect(page.locator('#app')).not.toHaveAttribute('data-drawn-locale');
    // Taken over, not drawn again: the heading and the button are the very elements the server sent.
    expect(await page.evaluate(SAME_HEADING)).toBe(true);
    expect(await page.evaluate(SAME_BUTTON)).toBe(true);
    // The data blocks were read and removed; the surroundings follow; the drawn button works.
    await expect(page.locator('script[type="application/json"]')).toHaveCount(0);
    await expect(page.getByRole('navigation', { name: 'Setup steps' })).toBeVisible();
    await page.getByRole('button', { name: 'Run checks' }).click();
    await expect(page.getByText('FreeBSD 14.2-RELEASE: supported.')).toBeVisible();
    expect(warnings.filter((text) => /hydrat/i.test(text))).toEqual([]);
    await context.close();
  });

  test('a step whose checks ran is drawn with their results, and taken over', async ({ wizard, browser }) => {
    await wizard.page.getByRole('button', { name: 'Run checks' }).click();
    await expect(wizard.page.getByText('FreeBSD 14.2-RELEASE: supported.')).toBeVisible();

    const { context, page, warnings, script } = await openHeld(browser, wizard.server?.url ?? '');
    await expect(page.getByText('FreeBSD 14.2-RELEASE: supported.')).toBeVisible();
    await expect(page.locator('#app')).toHaveAttribute('inert', '');
    script.release();
    await expect(page.locator('#app')).not.toHaveAttribute('inert');
    expect(await page.evaluate(SAME_HEADING)).toBe(true);
    await expect(page.getByText('FreeBSD 14.2-RELEASE: supported.')).toBeVisible();
    expect(warnings.filter((text) => /hydrat/i.test(text))).toEqual([]);
    await context.close();
  });

  test('a Chinese browser gets the step drawn in Chinese, and taken over in Chinese', async ({ wizard, browser }) => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const script = await holdScripts(page);
    await page.goto(wizard.server?.url ?? '', { waitUntil: 'commit' });
    await expect(page.getByRole('heading', { level: 1, name: '准备检查' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.locator('#app')).toHaveAttribute('data-drawn-locale', 'zh-CN');
    script.release();
    await expect(page.locator('#app')).not.toHaveAttribute('inert');
    await page.getByRole('button', { name: '运行检查' }).click();
    await expect(page.getByText('FreeBSD 14.2-RELEASE，受支持。')).toBeVisible();
    await context.close();
  });

  test('a click in the drawn screen before the page’s script has taken it over is held, then done once', async ({ wizard, browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const script = await holdScripts(page, STARTUP_SCRIPT);
    await page.goto(wizard.server?.url ?? '', { waitUntil: 'commit' });
    // The small script is in: the drawn screen takes clicks, though the page's own script is not.
    await expect(page.locator('#app')).not.toHaveAttribute('inert');
    await expect(page.locator('#app')).toHaveAttribute('data-drawn-locale', 'en');
    const run = page.getByRole('button', { name: 'Run checks' });
    await run.click();
    await run.click();
    await expect(page.getByText('Not run yet').first()).toBeVisible();
    expect(await page.getByText('FreeBSD 14.2-RELEASE: supported.').count()).toBe(0);

    script.release();
    await expect(page.getByText('FreeBSD 14.2-RELEASE: supported.')).toBeVisible();
    await expect(run).toBeEnabled();
    // Two clicks, one run: each command of the checks is in the audit log once (uname is there once more: the
    // wizard looks at the host when it opens).
    const log = await page.evaluate(`fetch('/api/invoke/log:recent', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"limit":200}' }).then((r) => r.json())`);
    const commands = (log as { data: { entries: { argv: string[] }[] } }).data.entries.map((entry) => entry.argv.join(' '));
    expect(commands.length).toBeGreaterThan(2);
    const runs = new Map<string, number>();
    for (const line of commands) runs.set(line, (runs.get(line) ?? 0) + 1);
    expect([...runs].filter(([line, count]) => count > (line === 'uname -rsm' ? 2 : 1))).toEqual([]);
    await context.close();
  });
});

test.describe('how browser mode sends the page and its files', () => {
  test.beforeEach(({ wizard }) => {
    test.skip(wizard.mode !== 'browser' || wizard.server === null, 'Electron loads its files from the disk');
  });

  test('compressed, and a returning page asks the server only for itself and the files without a hash', async ({ wizard, browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const scriptSent = page.waitForResponse(STARTUP_SCRIPT);
    const first = await page.goto(wizard.server?.url ?? '');
    expect(first?.headers()['content-encoding']).toBe('br');
    const script = await scriptSent;
    expect(script.headers()['content-encoding']).toBe('br');
    expect(script.headers()['cache-control']).toContain('immutable');
    await expect(page.getByRole('button', { name: 'Run checks' })).toBeEnabled();

    // The address without the token: the session cookie proves the browser, as on a reload.
    await page.goto(new URL('/', wizard.server?.url ?? '').href);
    await expect(page.getByRole('button', { name: 'Run checks' })).toBeEnabled();
    await expect(page.locator('#app')).not.toHaveAttribute('data-drawn-locale');
    // Resource timing of the page's own origin: a file from the browser's cache came over no network at all.
    const fetched = await page.evaluate(`performance.getEntriesByType('resource').map((r) => ({ name: new URL(r.name).pathname, bytes: r.transferSize, size: r.decodedBodySize }))`);
    const files = fetched as { name: string; bytes: number; size: number }[];
    // The startup script, its style sheet and the English texts, which the head had the browser fetch.
    const startup = files.filter((f) => STARTUP_SCRIPT.test(f.name) || /\/assets\/(startup-[^/]+\.css|en-[^/]+\.js)$/.test(f.name));
    expect(startup).toHaveLength(3);
    for (const file of startup) {
      expect(file.bytes, file.name).toBe(0);
      expect(file.size, file.name).toBeGreaterThan(0);
    }
    // Asked again: the small unhashed script, which may change under its name.
    expect(files.find((f) => f.name.endsWith('/early-clicks.js'))?.bytes).toBeGreaterThan(0);
    await context.close();
  });
});
