import { expect, test } from './fixtures';

test('invalid IPC payloads and unknown channels are rejected with typed errors', async ({ wizard }) => {
  const invalid = await wizard.rawInvoke('wizard:runChecks', { stepId: { $gt: '' } });
  expect(invalid.body).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  const extra = await wizard.rawInvoke('wizard:next', { stepId: 'preflight', continueAnyway: true, force: true });
  expect(extra.body).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  const unknown = await wizard.rawInvoke('shell:exec', { argv: ['rm', '-rf', '/'] });
  expect(unknown.body).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  // Nothing ran: the log holds no command.
  const log = await wizard.rawInvoke('log:recent', { limit: 100 });
  expect(log.body).toMatchObject({ ok: true });
  const entries = (log.body as { data: { entries: { argv: string[] }[] } }).data.entries;
  expect(entries.some((e) => e.argv.includes('rm'))).toBe(false);
});

test('browser mode refuses requests without the token or with a wrong one', async ({ wizard, playwright }) => {
  test.skip(wizard.mode !== 'browser', 'the token guards browser mode only');
  const server = wizard.server;
  if (!server) throw new Error('no server');
  const fresh = await playwright.request.newContext(); // no cookie from the page
  const base = `http://127.0.0.1:${server.port}`;
  const missing = await fresh.post(`${base}/api/invoke/wizard:state`, { headers: { 'Content-Type': 'application/json' }, data: '{}' });
  expect(missing.status()).toBe(401);
  expect(await missing.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  // Differs from the real token in its last character, whatever that character is.
  const wrongToken = `${server.token.slice(0, -1)}${server.token.endsWith('x') ? 'y' : 'x'}`;
  const wrong = await fresh.post(`${base}/api/invoke/wizard:state`, {
    headers: { 'Content-Type': 'application/json', 'X-Egpu-Token': wrongToken },
    data: '{}',
  });
  expect(wrong.status()).toBe(401);
  expect((await fresh.get(`${base}/`)).status()).toBe(401);
  expect((await fresh.get(`${base}/?token=${server.token}`)).status()).toBe(200);
  await fresh.dispose();
});

test('browser mode draws the first screen from the state written into the page, read once', async ({ wizard }) => {
  test.skip(wizard.mode !== 'browser', 'the server writes the state into the page in browser mode only');
  const server = wizard.server;
  if (!server) throw new Error('no server');
  const page = await wizard.page.context().newPage();
  const asked: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/invoke/')) asked.push(new URL(request.url()).pathname);
  });
  // Every report of the Content-Security-Policy, from the first moment of the page on.
  await page.addInitScript({
    content: `(() => {
      const seen = [];
      window.__violations = seen;
      document.addEventListener('securitypolicyviolation', (event) => seen.push(event.effectiveDirective + ' ' + event.blockedURI));
    })();`,
  });
  await page.goto(`http://127.0.0.1:${server.port}/`);
  await expect(page.getByRole('button', { name: 'Run checks' })).toBeEnabled();
  // Drawn without asking for the state, and with no complaint from the Content-Security-Policy.
  expect(asked).not.toContain('/api/invoke/wizard:state');
  const violations = await page.evaluate(() => Reflect.get(globalThis, '__violations') as string[]);
  expect(violations.filter((v) => v.startsWith('script-src'))).toEqual([]);
  // The block is gone once read: nothing later can take it for the current state.
  expect(await page.locator('script[type="application/json"]').count()).toBe(0);
  await page.close();
});
