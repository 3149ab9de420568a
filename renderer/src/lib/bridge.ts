import * as z from 'zod/mini';
import type { ChannelName, ContractError, EventName, EventOf, RequestOf, ResponseOf } from '../../../src/contract/channels';
import { contractErrorCodeList, eventNameList, isListedEvent } from '../../../src/contract/names';

/**
 * The renderer's only way to talk to the backend. Two transports (Electron preload, HTTP in browser mode)
 * share one contract. The backend checks every request, every reply and every event against the contract's
 * zod schemas (`Backend.dispatch`, `Backend.emit`); here each reply's envelope is checked with zod's small
 * build and its contents are taken as the contract's types. The full schemas are not loaded here: with zod's
 * full build they were a third of the page's startup script.
 */
export interface Bridge {
  readonly mode: 'electron' | 'browser';
  /** Resolves with the response; rejects only with a {@link BridgeError}. */
  invoke<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  /** Delivers the backend's events; returns the unsubscribe function. */
  subscribe(handler: EventHandler, hooks?: SubscribeHooks): () => void;
}

/** `(event, payload)` with the payload's type following the event's name. */
export type EventHandler = (...args: { [E in EventName]: [event: E, payload: EventOf<E>] }[EventName]) => void;

export type ConnectionStatus = 'live' | 'reconnecting';

export interface SubscribeHooks {
  /** An event arrived that could not be read (it is dropped). */
  onError?: (error: BridgeError) => void;
  /** The live event stream dropped or came back; after a drop, events may have been missed. */
  onConnection?: (status: ConnectionStatus) => void;
}

/**
 * - `contract`: the backend answered with an error envelope (`ok: false`).
 * - `invalid-request`: the renderer's own request could not be sent as JSON; nothing was sent.
 * - `invalid-reply`: the backend's reply or event was not JSON or not in an envelope.
 * - `unreachable`: the backend could not be reached at all.
 */
export type BridgeErrorKind = 'contract' | 'invalid-request' | 'invalid-reply' | 'unreachable';

export class BridgeError extends Error {
  constructor(
    readonly kind: BridgeErrorKind,
    /** The backend's error for `contract`; a locally made one of the same shape for the other kinds. */
    readonly contractError: ContractError,
    readonly channel: string | null,
    /** HTTP status in browser mode, when there was one. */
    readonly status: number | null = null,
  ) {
    super(`${channel ?? 'bridge'}: ${contractError.code}: ${contractError.message}`);
    this.name = 'BridgeError';
  }
}

/** Anything thrown in the renderer becomes a BridgeError, so the UI has exactly one error shape to show. */
export function toBridgeError(error: unknown, channel: string | null = null): BridgeError {
  if (error instanceof BridgeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BridgeError('unreachable', { code: 'internal', message }, channel);
}

/** The envelope every reply comes in (see `Envelope` in the contract), in zod's small build. */
const ReplyEnvelope = z.union([
  z.strictObject({ ok: z.literal(true), data: z.unknown() }),
  z.strictObject({
    ok: z.literal(false),
    error: z.strictObject({ code: z.enum(contractErrorCodeList), message: z.string(), issues: z.optional(z.array(z.string())) }),
  }),
]);

function invalidReply(channel: string, what: string, issues: string[]): BridgeError {
  return new BridgeError('invalid-reply', { code: 'internal', message: what, issues }, channel);
}

function issuesOf(error: z.core.$ZodError): string[] {
  return error.issues.slice(0, 20).map((issue) => {
    const path = issue.path.map((p) => String(p)).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

/**
 * What the backend sent on a channel or as an event. It checked the value against the contract's schema for
 * exactly this channel or event before sending it; this is where the renderer relies on that.
 */
const fromBackend = <T>(value: unknown): T => value as T;

/**
 * The contents of a reply envelope to `channel`, however it came (a transport, or written into the page):
 * throws a {@link BridgeError} when it is not an envelope or carries an error.
 */
export function replyData<C extends ChannelName>(channel: C, raw: unknown): ResponseOf<C> {
  const envelope = ReplyEnvelope.safeParse(raw);
  if (!envelope.success) throw invalidReply(channel, `reply to ${channel} is not an envelope`, issuesOf(envelope.error));
  if (!envelope.data.ok) throw new BridgeError('contract', envelope.data.error, channel);
  return fromBackend<ResponseOf<C>>(envelope.data.data);
}

/** Hands one raw event on; unknown event names are ignored (a newer backend may add some). */
function deliver(name: string, payload: unknown, handler: EventHandler): void {
  if (!isListedEvent(name)) return;
  switch (name) {
    case 'state:changed':
      return handler(name, fromBackend<EventOf<typeof name>>(payload));
    case 'log:entry':
      return handler(name, fromBackend<EventOf<typeof name>>(payload));
    case 'log:line':
      return handler(name, fromBackend<EventOf<typeof name>>(payload));
    default: {
      const unhandled: never = name;
      return unhandled;
    }
  }
}

abstract class EnvelopeBridge implements Bridge {
  abstract readonly mode: 'electron' | 'browser';

  /** Sends the request; returns the raw envelope (or throws a BridgeError). */
  protected abstract send(channel: ChannelName, request: unknown): Promise<unknown>;

  abstract subscribe(handler: EventHandler, hooks?: SubscribeHooks): () => void;

  async invoke<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    let raw: unknown;
    try {
      raw = await this.send(channel, request);
    } catch (error) {
      throw toBridgeError(error, channel);
    }
    return replyData(channel, raw);
  }
}

class ElectronBridge extends EnvelopeBridge {
  readonly mode = 'electron';

  constructor(private readonly preload: EgpuWizardPreload) {
    super();
  }

  protected send(channel: ChannelName, request: unknown): Promise<unknown> {
    return this.preload.invoke(channel, request);
  }

  subscribe(handler: EventHandler, hooks?: SubscribeHooks): () => void {
    const off = this.preload.subscribe((name, payload) => deliver(name, payload, handler));
    return typeof off === 'function' ? off : () => {};
  }
}

class HttpBridge extends EnvelopeBridge {
  readonly mode = 'browser';

  /** Null after a reload: then the session cookie the server set with the first page authenticates us. */
  constructor(private readonly token: string | null) {
    super();
  }

  protected async send(channel: ChannelName, request: unknown): Promise<unknown> {
    let body: string;
    try {
      body = JSON.stringify(request);
    } catch (error) {
      // A renderer bug (a cycle, a BigInt): nothing is sent.
      throw new BridgeError('invalid-request', { code: 'invalid-payload', message: error instanceof Error ? error.message : String(error) }, channel);
    }
    let response: Response;
    try {
      response = await fetch(`/api/invoke/${channel}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          ...(this.token !== null ? { 'X-Egpu-Token': this.token } : {}),
        },
        body,
        cache: 'no-store',
        credentials: 'same-origin',
        redirect: 'error',
      });
    } catch (error) {
      throw new BridgeError(
        'unreachable',
        { code: 'internal', message: error instanceof Error ? error.message : String(error) },
        channel,
      );
    }
    const text = await response.text().catch(() => '');
    let reply: unknown;
    try {
      reply = JSON.parse(text);
    } catch {
      // Not JSON: a proxy, a dead server or a wrong URL rather than our backend.
      if (!response.ok) {
        throw new BridgeError(
          'unreachable',
          { code: 'internal', message: `HTTP ${response.status} ${response.statusText}`.trim() },
          channel,
          response.status,
        );
      }
      throw invalidReply(channel, `reply to ${channel} is not JSON`, []);
    }
    return reply;
  }

  subscribe(handler: EventHandler, hooks?: SubscribeHooks): () => void {
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let retryDelay = 1000;
    let stopped = false;
    let dropped = false;
    // Until the stream has worked once, a failure is not a "drop" (e.g. no token: the invoke error says why).
    let everOpened = false;

    const connect = () => {
      if (stopped) return;
      const query = this.token !== null ? `?token=${encodeURIComponent(this.token)}` : '';
      const es = new EventSource(`/api/events${query}`);
      source = es;
      for (const name of eventNameList) {
        es.addEventListener(name, (event: MessageEvent) => {
          let payload: unknown;
          try {
            payload = JSON.parse(String(event.data));
          } catch {
            hooks?.onError?.(invalidReply(name, `event ${name} is not JSON`, []));
            return;
          }
          deliver(name, payload, handler);
        });
      }
      es.onopen = () => {
        everOpened = true;
        retryDelay = 1000;
        if (dropped) {
          dropped = false;
          hooks?.onConnection?.('live');
        }
      };
      es.onerror = () => {
        if (!dropped && everOpened) {
          dropped = true;
          hooks?.onConnection?.('reconnecting');
        }
        // The browser retries by itself unless the server refused the stream; then we retry, more slowly.
        if (es.readyState === EventSource.CLOSED && !stopped) {
          es.close();
          retryTimer = setTimeout(connect, retryDelay);
          retryDelay = Math.min(retryDelay * 2, 30_000);
        }
      };
    };

    connect();
    return () => {
      stopped = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      source?.close();
    };
  }
}

/**
 * Reads `?token=` from the address once, then removes it from the address bar (so it does not end up in
 * screenshots or the history) and keeps it in memory only.
 */
export function takeTokenFromAddress(win: Window): string | null {
  const url = new URL(win.location.href);
  const token = url.searchParams.get('token') || null;
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  }
  return token;
}

function isPreload(value: unknown): value is EgpuWizardPreload {
  if (typeof value !== 'object' || value === null) return false;
  return (
    typeof Reflect.get(value, 'invoke') === 'function' && typeof Reflect.get(value, 'subscribe') === 'function'
  );
}

/** Electron when the preload is there, otherwise browser mode against the local server that served this page. */
export function createBridge(win: Window = window): Bridge {
  const preload: unknown = win.egpuWizard;
  if (isPreload(preload)) return new ElectronBridge(preload);
  return new HttpBridge(takeTokenFromAddress(win));
}
