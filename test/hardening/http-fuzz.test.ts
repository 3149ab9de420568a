import { Agent, request as httpRequest } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, channels, type ChannelName } from '../../src/contract/channels';
import { startServer, type RunningServer } from '../../src/server/http-server';
import { countingBackend, invalidPayload, prototypeKeys, randomPayload, typedReply, unknownChannel, validRequests } from './adversarial';

// Browser mode's endpoints under the same hostile input as IPC, plus what only HTTP has: token, Host, Origin.
let server: RunningServer;
let execs: () => number;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const prototypeBefore = prototypeKeys();

beforeAll(async () => {
  const rendererDir = await mkdtemp(join(tmpdir(), 'egpu-fuzz-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>wizard</title>');
  server = await startServer({
    rendererDir,
    createBackend: async (emit) => {
      const made = await countingBackend(emit);
      execs = made.execs;
      return made.backend;
    },
  });
});
afterAll(async () => {
  agent.destroy();
  await server.close();
});

interface Reply {
  status: number;
  body: string;
}

function send(path: string, { method = 'POST', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method, agent, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const authorized = (): Record<string, string> => ({ 'Content-Type': 'application/json', 'X-Egpu-Token': server.token });
const invoke = (channel: string, body: string | undefined, headers: Record<string, string> = authorized()) =>
  send(`/api/invoke/${encodeURIComponent(channel)}`, { headers, ...(body === undefined ? {} : { body }) });

/** The reply is a typed refusal with this status and code. */
function expectRefusal(reply: Reply, status: number, code: string): void {
  expect(reply.status).toBe(status);
  expect(typedReply(JSON.parse(reply.body))).toEqual({ ok: false, code });
}

const jsonValues = fc.jsonValue({ maxDepth: 2 });
const RUNS = 500;

describe('HTTP fuzz: browser mode endpoints', () => {
  it.each(channelNames)('%s: invalid payloads get 400 invalid-payload and run nothing', async (channel: ChannelName) => {
    const before = execs();
    await fc.assert(
      fc.asyncProperty(invalidPayload(channel, jsonValues), async (payload) => {
        expectRefusal(await invoke(channel, JSON.stringify(payload)), 400, 'invalid-payload');
      }),
      { numRuns: RUNS },
    );
    expect(execs()).toBe(before);
    expect(prototypeKeys()).toEqual(prototypeBefore);
  });

  it.each(channelNames)('%s: random JSON and hostile strings get a typed reply; refused ones run nothing', async (channel: ChannelName) => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(randomPayload(channel), jsonValues), async (payload) => {
        const body = asJson(payload);
        fc.pre(body !== null); // BigInt and the like cannot be sent as JSON at all
        const arrived: unknown = body === undefined ? null : JSON.parse(body);
        const accepted = channels[channel].request.safeParse(arrived).success;
        const before = execs();
        const reply = await invoke(channel, body);
        const typed = typedReply(JSON.parse(reply.body));
        if (!accepted) {
          refused += 1;
          expect(reply.status).toBe(400);
          expect(typed).toEqual({ ok: false, code: 'invalid-payload' });
          expect(execs()).toBe(before);
        }
      }),
      { numRuns: RUNS / 2 },
    );
    // Not vacuous: a good share of random payloads are refused (fewer for channels taking an empty object).
    expect(refused).toBeGreaterThan(RUNS / 8);
  });

  it('unknown and malformed channel names get 404 unknown-channel', async () => {
    const before = execs();
    const names = unknownChannel.filter((name): name is string => typeof name === 'string');
    await fc.assert(
      fc.asyncProperty(names, jsonValues, async (name, payload) => {
        expectRefusal(await invoke(name, JSON.stringify(payload)), 404, 'unknown-channel');
      }),
      { numRuns: RUNS * 2 },
    );
    expectRefusal(await send('/api/invoke/%E0%A4%A', { headers: authorized(), body: '{}' }), 404, 'unknown-channel');
    // Dot segments are names like any other here, not a way out of /api/invoke/.
    for (const name of ['.', '..', '%2e%2e']) expectRefusal(await send(`/api/invoke/${name}`, { headers: authorized(), body: '{}' }), 404, 'unknown-channel');
    expect(execs()).toBe(before);
  });

  it('bodies that are not JSON, too large, of the wrong type or sent with the wrong method are refused', async () => {
    const before = execs();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...channelNames), fc.string({ unit: 'binary', minLength: 1 }), async (channel, text) => {
        fc.pre(!isJson(text));
        expectRefusal(await invoke(channel, text), 400, 'invalid-payload');
      }),
      { numRuns: RUNS },
    );
    const big = JSON.stringify({ stepId: 'x'.repeat(1024 * 1024 + 10) });
    expectRefusal(await invoke('wizard:runChecks', big), 413, 'invalid-payload');
    const json = JSON.stringify(validRequests['wizard:runChecks']);
    expectRefusal(await invoke('wizard:runChecks', json, { ...authorized(), 'Content-Type': 'text/plain' }), 415, 'invalid-payload');
    expectRefusal(await invoke('wizard:runChecks', json, { 'X-Egpu-Token': server.token }), 415, 'invalid-payload');
    expectRefusal(await send('/api/invoke/wizard:runChecks', { method: 'GET', headers: authorized() }), 405, 'invalid-payload');
    expectRefusal(await send('/api/invoke/wizard:runChecks', { method: 'PUT', headers: authorized(), body: json }), 405, 'invalid-payload');
    expect(execs()).toBe(before);
  });

  // Requests that would run commands if they got through: each must be refused before the backend sees it.
  const wouldRun = fc.constantFrom<[ChannelName, unknown]>(
    ['wizard:runChecks', validRequests['wizard:runChecks']],
    ['wizard:runAction', validRequests['wizard:runAction']],
    ['changes:undo', validRequests['changes:undo']],
    ['auth:providePassword', validRequests['auth:providePassword']],
    ['host:select', validRequests['host:select']],
  );
  const headerText = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 64 });

  it('without the token, or with a wrong one in header, cookie or query, every request gets 401 unauthorized', async () => {
    const before = execs();
    const where = fc.constantFrom('none', 'header', 'cookie', 'query');
    await fc.assert(
      fc.asyncProperty(wouldRun, where, headerText, async ([channel, payload], place, wrong) => {
        fc.pre(wrong !== server.token && !wrong.includes(';'));
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (place === 'header') headers['X-Egpu-Token'] = wrong;
        if (place === 'cookie') headers.Cookie = `egpu_token=${wrong}`;
        const query = place === 'query' ? `?token=${encodeURIComponent(wrong)}` : '';
        const reply = await send(`/api/invoke/${channel}${query}`, { headers, body: JSON.stringify(payload) });
        expectRefusal(reply, 401, 'unauthorized');
      }),
      { numRuns: RUNS * 2 },
    );
    // A token one character off, and the token with something appended, are wrong tokens too.
    const almost = `${server.token.slice(0, -1)}${server.token.endsWith('A') ? 'B' : 'A'}`;
    for (const token of [almost, `${server.token}x`, server.token.slice(1), '']) {
      expectRefusal(await invoke('wizard:runChecks', '{"stepId":"preflight"}', { 'Content-Type': 'application/json', 'X-Egpu-Token': token }), 401, 'unauthorized');
    }
    expect((await send('/', { method: 'GET' })).status).toBe(401);
    expect((await send('/api/events', { method: 'GET' })).status).toBe(401);
    expect(execs()).toBe(before);
  });

  it('a wrong Host header (DNS rebinding) or a foreign Origin gets 403, even with the right token', async () => {
    const before = execs();
    const allowed = [`127.0.0.1:${server.port}`, `localhost:${server.port}`];
    const wrongHost = fc
      .oneof(
        fc.constantFrom('evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, `localhost.evil:${server.port}`, `[::1]:${server.port}`, '127.0.0.1', `127.0.0.2:${server.port}`, `LOCALHOST:${server.port}`),
        fc.domain(),
        fc.domain().map((d) => `${d}:${server.port}`),
      )
      .filter((host) => !allowed.includes(host));
    const wrongOrigin = fc
      .oneof(
        fc.constantFrom('null', 'http://evil.example', `https://127.0.0.1:${server.port}`, `http://127.0.0.1:${server.port + 1}`, `http://localhost.evil:${server.port}`, `http://127.0.0.1:${server.port}.evil.example`, 'file://'),
        fc.webUrl(),
      )
      .filter((origin) => !allowed.some((h) => origin === `http://${h}`));
    const badHeaders = fc.oneof(
      wrongHost.map((host) => ({ Host: host })),
      wrongOrigin.map((origin) => ({ Origin: origin })),
    );
    await fc.assert(
      fc.asyncProperty(wouldRun, badHeaders, async ([channel, payload], bad) => {
        expectRefusal(await invoke(channel, JSON.stringify(payload), { ...authorized(), ...bad }), 403, 'forbidden-sender');
      }),
      { numRuns: RUNS * 2 },
    );
    expect((await send(`/?token=${server.token}`, { method: 'GET', headers: { Host: 'evil.example' } })).status).toBe(403);
    expect(execs()).toBe(before);
  });

  it('the right token, Host and Origin are served: the guards are not refusing everything', async () => {
    const reply = await invoke('wizard:state', '{}', { ...authorized(), Origin: `http://127.0.0.1:${server.port}` });
    expect(reply.status).toBe(200);
    expect(typedReply(JSON.parse(reply.body))).toEqual({ ok: true });
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function asJson(value: unknown): string | undefined | null {
  try {
    return JSON.stringify(value);
  } catch {
    return null;
  }
}
