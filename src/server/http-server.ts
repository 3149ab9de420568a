import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Backend } from '../app/backend';
import { RENDERER_CSP } from '../app/csp';
import type { ContractError, EventName, EventOf } from '../contract/channels';
import { WizardState } from '../contract/state';
import { allowedOrigin, newToken, requestToken, sameToken, TOKEN_COOKIE } from './auth';
import { CompressedFiles } from './compression';
import { fileResponse } from './file-response';
import { drawingLocale, earlyClicksScript, loadFirstScreen, loadTextsChunks, withDrawnScreen, type DrawFirstScreen, type TextsChunks } from './first-screen';
import { withLocale } from './page-locale';
import { withFirstState } from './page-state';
import { readStatic } from './static-files';

const MAX_BODY_BYTES = 1024 * 1024;
const KEEPALIVE_MS = 15_000;
/** How long a request still being answered may take to finish once the server is told to stop. */
const CLOSE_GRACE_MS = 3_000;

const SECURITY_HEADERS = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export interface ServerOptions {
  rendererDir: string;
  port?: number;
  token?: string;
  /** Built after the server knows how to broadcast, so the backend's events reach every open page. */
  createBackend: (emit: <E extends EventName>(event: E, payload: EventOf<E>) => void) => Promise<Backend>;
  /** Draws the first screen into the page; by default the renderer build's own code, null for none. */
  drawFirstScreen?: DrawFirstScreen | null;
  /** Told when something went wrong that the page works around (the screen could not be drawn). */
  warn?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  backend: Backend;
  close(): Promise<void>;
}

/** Browser mode: the same backend as the Electron app, over HTTP on 127.0.0.1 only, behind a session token. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const rendererDir = resolve(options.rendererDir);
  if (!existsSync(resolve(rendererDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${rendererDir}/index.html missing): run "npm run build" first`);
  }
  const token = options.token ?? newToken();
  const clients = new Set<ServerResponse>();
  let closing = false;
  const frame = <E extends EventName>(event: E, payload: EventOf<E>): string => `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
  const emit = <E extends EventName>(event: E, payload: EventOf<E>): void => {
    const text = frame(event, payload);
    for (const client of clients) client.write(text);
  };
  const drawFirstScreen =
    options.drawFirstScreen !== undefined
      ? options.drawFirstScreen
      : await loadFirstScreen(rendererDir).catch((error: unknown) => {
          // A damaged build: the pages draw themselves, as with a build from before the server drew them.
          options.warn?.(`eGPU Wizard: the page will draw its first screen itself (${error instanceof Error ? error.message : String(error)})`);
          return null;
        });
  const earlyClicks = earlyClicksScript(rendererDir);
  const textsChunks: TextsChunks = await loadTextsChunks(rendererDir).catch((error: unknown) => {
    // The page then asks for its language's texts once its script runs: a round trip later, nothing worse.
    options.warn?.(`eGPU Wizard: ${error instanceof Error ? error.message : String(error)}`);
    return {};
  });
  const compressed = new CompressedFiles();
  const backend = await options.createBackend(emit);
  let port = 0;

  const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: ServerResponse, status: number, error: ContractError): void =>
    sendJson(res, status, { ok: false, error });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!allowedOrigin(req, port)) {
      refuse(res, 403, { code: 'forbidden-sender', message: 'wrong Host or Origin' });
      return;
    }
    if (!sameToken(token, requestToken(req, url))) {
      if (url.pathname.startsWith('/api/')) refuse(res, 401, { code: 'unauthorized', message: 'missing or wrong token' });
      else {
        res.writeHead(401, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('eGPU Wizard: open the address that "egpu-wizard serve" printed (it carries the session token).\n');
      }
      return;
    }
    // Routed on the path as sent: URL parsing would turn `/api/invoke/..` into `/api/`, a static file request.
    const sentPath = (req.url ?? '/').split(/[?#]/, 1)[0] ?? '/';
    if (sentPath.startsWith('/api/invoke/')) {
      await handleInvoke(req, res, sentPath.slice('/api/invoke/'.length));
      return;
    }
    if (url.pathname === '/api/events' && req.method === 'GET') {
      // A browser reconnects its event stream at once, on a socket it kept alive: once stopping, refuse it, or
      // the stream (which never ends by itself) would keep the server from closing.
      if (closing) {
        res.writeHead(503, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
        res.end('stopping');
        return;
      }
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
      res.write(': connected\n\n');
      backend.replayTo((event, payload) => res.write(frame(event, payload)));
      clients.add(res);
      const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
      req.on('close', () => {
        clearInterval(keepalive);
        clients.delete(res);
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      refuse(res, 405, { code: 'invalid-payload', message: 'method not allowed' });
      return;
    }
    const file = await readStatic(rendererDir, url.pathname);
    if (!file) {
      res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
      return;
    }
    const page = file.path === 'index.html' && req.method === 'GET';
    const served = await fileResponse(page ? { ...file, body: await pageFor(file.body, req), made: true } : file, req.headers['accept-encoding'], compressed);
    const headers: Record<string, string> = { ...SECURITY_HEADERS, ...served.headers, 'Content-Length': String(served.body.length) };
    // The first page arrives with ?token=; from then on the browser proves itself with this cookie.
    if (url.searchParams.has('token')) headers['Set-Cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : served.body);
  }

  /**
   * The page with the saved language and the first state written in, and the first screen drawn from that
   * state: the browser shows the step as soon as the HTML and the style sheet are in, and the renderer takes it
   * over without asking (over an `ssh -L` tunnel that is a round trip less). The state reads no file and runs
   * no host command. A failing one is left out; the renderer then asks and shows the error as usual. A screen
   * that cannot be drawn is left to the renderer.
   */
  async function pageFor(page: Buffer, req: IncomingMessage): Promise<Buffer> {
    const saved = backend.savedLocale;
    const locale = drawingLocale(saved, req.headers['accept-language']);
    const first = await backend.dispatch('wizard:state', {});
    if (!first.ok) return withLocale(page, saved);
    const written = withFirstState(page, first);
    const state = drawFirstScreen ? WizardState.safeParse(first.data) : null;
    if (!drawFirstScreen || !state?.success) return withLocale(written, saved);
    try {
      const drawn = await drawFirstScreen(state.data, locale);
      return withLocale(withDrawnScreen(written, drawn, locale, { earlyClicks, textsChunk: textsChunks[locale] ?? null }), saved, locale);
    } catch (error) {
      options.warn?.(`eGPU Wizard: the first screen was left to the page to draw (${error instanceof Error ? error.message : String(error)})`);
      return withLocale(written, saved);
    }
  }

  async function handleInvoke(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    if (req.method !== 'POST') return refuse(res, 405, { code: 'invalid-payload', message: 'use POST' });
    // A JSON content type cannot be sent cross-site without a preflight, which we never answer.
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return refuse(res, 415, { code: 'invalid-payload', message: 'content-type must be application/json' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buffer.length;
      if (size > MAX_BODY_BYTES) return refuse(res, 413, { code: 'invalid-payload', message: 'request too large' });
      chunks.push(buffer);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
    } catch {
      return refuse(res, 400, { code: 'invalid-payload', message: 'body is not JSON' });
    }
    let name: string;
    try {
      name = decodeURIComponent(channel);
    } catch {
      return refuse(res, 404, { code: 'unknown-channel', message: 'malformed channel name' });
    }
    const envelope = await backend.dispatch(name, payload);
    const status = envelope.ok
      ? 200
      : envelope.error.code === 'unknown-channel'
        ? 404
        : envelope.error.code === 'invalid-payload'
          ? 400
          : envelope.error.code === 'internal'
            ? 500
            : 409;
    sendJson(res, status, envelope);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) refuse(res, 500, { code: 'internal', message: error instanceof Error ? error.message : 'error' });
      else res.end();
    });
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolvePromise());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    backend,
    close: async () => {
      closing = true;
      for (const client of clients) client.end();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      // A request still being answered gets a moment to finish; then its connection is cut, so stopping never hangs.
      const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      cut.unref();
      await closed;
      clearTimeout(cut);
      await backend.close();
    },
  };
}
