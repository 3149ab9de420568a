import { request as httpRequest } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDERER_CSP } from '../../src/app/csp';
import { channels } from '../../src/contract/channels';
import { FIRST_STATE_ELEMENT_ID } from '../../src/contract/first-state';
import type { RunningServer } from '../../src/server/http-server';
import { startTestServer } from './test-server';

let server: RunningServer;

beforeAll(async () => {
  const rendererDir = await mkdtemp(join(tmpdir(), 'egpu-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html>\n<html lang="en">\n<title>wizard</title>\n</html>\n');
  server = await startTestServer(rendererDir);
});
afterAll(async () => server.close());

/** Raw HTTP, so the tests can send the headers a browser would never let a page forge. */
function send(
  path: string,
  {
    method = 'GET',
    headers = {},
    body,
    onText,
    events = 1,
  }: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    onText?: (text: string) => void;
    /** An event stream is read until this many states came. */
    events?: number;
  } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        onText?.(text);
        if (res.headers['content-type'] === 'text/event-stream' && text.split('event: state:changed').length > events) req.destroy();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const api = (channel: string, payload: unknown, headers: Record<string, string> = {}) =>
  send(`/api/invoke/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Egpu-Token': server.token, ...headers },
    body: JSON.stringify(payload),
  });

describe('browser mode server', () => {
  it('listens on 127.0.0.1 only and prints a URL with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('serves the page with the token and sets the session cookie', async () => {
    const page = await send(`/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(String(page.headers['set-cookie'])).toContain('HttpOnly');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { 'X-Egpu-Token': 'x'.repeat(32) }],
    ['a token of another length', { 'X-Egpu-Token': 'short' }],
  ])('refuses API calls with %s', async (_what, headers) => {
    const reply = await send('/api/invoke/wizard:state', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '{}' });
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('refuses the page without the token', async () => {
    expect((await send('/')).status).toBe(401);
    expect((await send('/?token=wrong')).status).toBe(401);
  });

  it.each([
    ['a foreign Host (DNS rebinding)', { Host: 'evil.example:80' }],
    ['a foreign Origin', { Origin: 'http://evil.example' }],
    ['an Origin on another port', { Origin: 'http://127.0.0.1:1' }],
  ])('refuses %s even with the right token', async (_what, headers) => {
    const reply = await api('wizard:state', {}, headers);
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  });

  it('validates payloads like the IPC side does', async () => {
    expect((await api('wizard:runChecks', { stepId: 7 })).status).toBe(400);
    expect((await api('no:such', {})).status).toBe(404);
    expect((await api('%E0%A4%A', {})).status).toBe(404);
    const notJson = await send('/api/invoke/wizard:state', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Egpu-Token': server.token }, body: '{oops' });
    expect(JSON.parse(notJson.body)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    const form = await send('/api/invoke/wizard:state', { method: 'POST', headers: { 'Content-Type': 'text/plain', 'X-Egpu-Token': server.token }, body: '{}' });
    expect(form.status).toBe(415);
  });

  it('answers a valid call', async () => {
    const reply = await api('wizard:state', {});
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: true, data: { current: { id: 'preflight' } } });
  });

  it('streams events to an authorised client: first the state as it is, then each change', async () => {
    let connected = (): void => undefined;
    const subscribed = new Promise<void>((resolve) => (connected = resolve));
    // Only once the server has said it is connected is the client sure to hear the next event.
    const stream = send('/api/events', { headers: { Cookie: `egpu_token=${server.token}` }, events: 2, onText: (text) => text.includes(': connected') && connected() });
    await subscribed;
    await api('wizard:setChecklistItem', { stepId: 'adapter-card', itemId: 'card-seated', done: true });
    const frames = (await stream).body.split('\n\n').filter((f) => f.startsWith('event: state:changed'));
    expect(frames).toHaveLength(2);
    const states = frames.map((f) => JSON.parse(f.slice(f.indexOf('data: ') + 6)) as { current: { id: string } });
    expect(states[0]?.current.id).toBe('preflight');
    expect(states[1]).toBeDefined();
  });

  it('writes the saved language into the page, so the first paint is in it', async () => {
    const before = await send(`/?token=${server.token}`);
    expect(before.body).toContain('<html lang="en" data-saved-locale="">');
    expect((await api('settings:setLocale', { locale: 'zh-CN' })).status).toBe(200);
    const after = await send(`/index.html?token=${server.token}`);
    expect(after.body).toContain('<html lang="zh-CN" data-saved-locale="zh-CN">');
    expect(after.body).toContain('<title>wizard</title>');
    await api('settings:setLocale', { locale: 'en' });
  });

  it('writes the first state into the page as a JSON data block, the same the API answers', async () => {
    const page = await send(`/?token=${server.token}`);
    const scripts = [...page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    // The only inline content is the data block; the policy that forbids inline script is sent as before.
    expect(scripts.map(([, attributes]) => attributes)).toEqual([` type="application/json" id="${FIRST_STATE_ELEMENT_ID}"`]);
    expect(page.headers['content-security-policy']).toBe(RENDERER_CSP);
    const written: unknown = JSON.parse(scripts[0]?.[2] ?? '');
    expect(written).toMatchObject({ ok: true });
    const data = (written as { data: unknown }).data;
    expect(channels['wizard:state'].response.safeParse(data).success).toBe(true);
    expect(data).toEqual(JSON.parse((await api('wizard:state', {})).body).data);
  });

  it('does not serve files outside the renderer folder', async () => {
    const reply = await send(`/..%2f..%2fetc%2fpasswd?token=${server.token}`);
    expect(reply.status).toBe(404);
  });
});

describe('stopping browser mode', () => {
  it('stops even while a request is still being sent: the connection is cut after a short grace', async () => {
    const rendererDir = await mkdtemp(join(tmpdir(), 'egpu-renderer-'));
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html>\n<html lang="en">\n<title>wizard</title>\n</html>\n');
    const stopping = await startTestServer(rendererDir);
    // A request whose body never comes: the server is in the middle of it, as with a tab left open mid-call.
    const req = httpRequest({
      host: '127.0.0.1',
      port: stopping.port,
      path: '/api/invoke/wizard:state',
      method: 'POST',
      headers: { Host: `127.0.0.1:${stopping.port}`, 'X-Egpu-Token': stopping.token, 'Content-Type': 'application/json', 'Content-Length': '100' },
    });
    const cut = new Promise<string>((resolve) => {
      req.on('error', (error) => resolve(error.message));
      req.on('response', (res) => resolve(`answered ${res.statusCode}`));
    });
    req.write('{');
    await new Promise((r) => setTimeout(r, 100));
    // Before the fix, close() waited for that request for ever; it must resolve, and the request be cut.
    await stopping.close();
    expect(await cut).toMatch(/socket hang up|ECONNRESET/);
  });
});
