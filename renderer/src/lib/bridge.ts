import type { z } from 'zod';
import {
  channels,
  ContractError,
  Envelope,
  events,
  type ChannelName,
  type EventName,
  type EventOf,
  type RequestOf,
  type ResponseOf,
} from '../../../src/contract/channels';

/**
 * The renderer's only way to talk to the backend. Two transports (Electron preload, HTTP in browser mode)
 * share one contract: every request is checked before it leaves, every reply and event is checked with the
 * contract's zod schemas before anything else in the renderer sees it.
 */
export interface Bridge {
  readonly mode: 'electron' | 'browser';
  /** Resolves with the validated response; rejects only with a {@link BridgeError}. */
  invoke<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  /** Delivers validated events; returns the unsubscribe function. */
  subscribe(handler: EventHandler, hooks?: SubscribeHooks): () => void;
}

/** `(event, payload)` with the payload's type following the event's name. */
export type EventHandler = (...args: { [E in EventName]: [event: E, payload: EventOf<E>] }[EventName]) => void;

export type ConnectionStatus = 'live' | 'reconnecting';

export interface SubscribeHooks {
  /** An event arrived but did not match the contract (it is dropped). */
  onError?: (error: BridgeError) => void;
  /** The live event stream dropped or came back; after a drop, events may have been missed. */
  onConnection?: (status: ConnectionStatus) => void;
}

/**
 * - `contract`: the backend answered with an error envelope (`ok: false`).
 * - `invalid-request`: the renderer's own request failed the contract; nothing was sent.
 * - `invalid-reply`: the backend's reply or event did not match the contract.
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

type Checked<T> = { ok: true; value: T } | { ok: false; issues: string[] };

function check<S extends z.ZodType>(schema: S, data: unknown): Checked<z.infer<S>> {
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: issuesOf(result.error) };
}

function invalidReply(channel: string, what: string, issues: string[]): BridgeError {
  return new BridgeError('invalid-reply', { code: 'internal', message: what, issues }, channel);
}

/**
 * One response validator per channel. Spelled out so TypeScript can tie each channel to its response type
 * (a generic `channels[channel].response.safeParse` loses that link); a new channel is a compile error here
 * until it is added.
 */
type ResponseParsers = { [C in ChannelName]: (data: unknown) => z.ZodSafeParseResult<ResponseOf<C>> };
const responseParsers: ResponseParsers = {
  'app:info': (d) => channels['app:info'].response.safeParse(d),
  'wizard:state': (d) => channels['wizard:state'].response.safeParse(d),
  'host:select': (d) => channels['host:select'].response.safeParse(d),
  'ssh:probe': (d) => channels['ssh:probe'].response.safeParse(d),
  'ssh:trust': (d) => channels['ssh:trust'].response.safeParse(d),
  'wizard:runChecks': (d) => channels['wizard:runChecks'].response.safeParse(d),
  'wizard:runAction': (d) => channels['wizard:runAction'].response.safeParse(d),
  'wizard:setInput': (d) => channels['wizard:setInput'].response.safeParse(d),
  'changes:list': (d) => channels['changes:list'].response.safeParse(d),
  'changes:undo': (d) => channels['changes:undo'].response.safeParse(d),
  'wizard:setChecklistItem': (d) => channels['wizard:setChecklistItem'].response.safeParse(d),
  'wizard:goTo': (d) => channels['wizard:goTo'].response.safeParse(d),
  'wizard:next': (d) => channels['wizard:next'].response.safeParse(d),
  'wizard:showSummary': (d) => channels['wizard:showSummary'].response.safeParse(d),
  'wizard:summary': (d) => channels['wizard:summary'].response.safeParse(d),
  'wizard:cancel': (d) => channels['wizard:cancel'].response.safeParse(d),
  'auth:providePassword': (d) => channels['auth:providePassword'].response.safeParse(d),
  'auth:forgetPassword': (d) => channels['auth:forgetPassword'].response.safeParse(d),
  'troubleshoot:run': (d) => channels['troubleshoot:run'].response.safeParse(d),
  'troubleshoot:applyFix': (d) => channels['troubleshoot:applyFix'].response.safeParse(d),
  'troubleshoot:restart': (d) => channels['troubleshoot:restart'].response.safeParse(d),
  'report:build': (d) => channels['report:build'].response.safeParse(d),
  'log:recent': (d) => channels['log:recent'].response.safeParse(d),
  'settings:get': (d) => channels['settings:get'].response.safeParse(d),
  'settings:setLocale': (d) => channels['settings:setLocale'].response.safeParse(d),
};

function issuesOf(error: z.ZodError): string[] {
  return error.issues.slice(0, 20).map((issue) => {
    const path = issue.path.map((p) => String(p)).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

const isEventName = (name: string): name is EventName => Object.prototype.hasOwnProperty.call(events, name);

/** Validates one raw event and hands it on; unknown event names are ignored (a newer backend may add some). */
function deliver(name: string, payload: unknown, handler: EventHandler, hooks: SubscribeHooks | undefined): void {
  if (!isEventName(name)) return;
  const fail = (issues: string[]) => hooks?.onError?.(invalidReply(name, `event ${name} does not match the contract`, issues));
  switch (name) {
    case 'state:changed': {
      const r = check(events['state:changed'], payload);
      if (r.ok) handler('state:changed', r.value);
      else fail(r.issues);
      return;
    }
    case 'log:entry': {
      const r = check(events['log:entry'], payload);
      if (r.ok) handler('log:entry', r.value);
      else fail(r.issues);
      return;
    }
    case 'log:line': {
      const r = check(events['log:line'], payload);
      if (r.ok) handler('log:line', r.value);
      else fail(r.issues);
      return;
    }
    default: {
      const unhandled: never = name;
      return unhandled;
    }
  }
}

abstract class ValidatingBridge implements Bridge {
  abstract readonly mode: 'electron' | 'browser';

  /** Sends an already validated request; returns the raw envelope (or throws a BridgeError). */
  protected abstract send(channel: ChannelName, request: unknown): Promise<unknown>;

  abstract subscribe(handler: EventHandler, hooks?: SubscribeHooks): () => void;

  async invoke<C extends ChannelName>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    // The request is checked before it leaves: a renderer bug must not reach the backend.
    const req = channels[channel].request.safeParse(request);
    if (!req.success) {
      throw new BridgeError(
        'invalid-request',
        { code: 'invalid-payload', message: `request for ${channel} does not match the contract`, issues: issuesOf(req.error) },
        channel,
      );
    }
    let raw: unknown;
    try {
      raw = await this.send(channel, req.data);
    } catch (error) {
      throw toBridgeError(error, channel);
    }
    const envelope = check(Envelope, raw);
    if (!envelope.ok) throw invalidReply(channel, `reply to ${channel} is not an envelope`, envelope.issues);
    if (!envelope.value.ok) throw new BridgeError('contract', envelope.value.error, channel);
    const parse: ResponseParsers[C] = responseParsers[channel];
    const data = parse(envelope.value.data);
    if (!data.success) {
      throw invalidReply(channel, `reply to ${channel} does not match the contract`, issuesOf(data.error));
    }
    return data.data;
  }
}

class ElectronBridge extends ValidatingBridge {
  readonly mode = 'electron';

  constructor(private readonly preload: EgpuWizardPreload) {
    super();
  }

  protected send(channel: ChannelName, request: unknown): Promise<unknown> {
    return this.preload.invoke(channel, request);
  }

  subscribe(handler: EventHandler, hooks?: SubscribeHooks): () => void {
    const off = this.preload.subscribe((name, payload) => deliver(name, payload, handler, hooks));
    return typeof off === 'function' ? off : () => {};
  }
}

class HttpBridge extends ValidatingBridge {
  readonly mode = 'browser';

  /** Null after a reload: then the session cookie the server set with the first page authenticates us. */
  constructor(private readonly token: string | null) {
    super();
  }

  protected async send(channel: ChannelName, request: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`/api/invoke/${channel}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          ...(this.token !== null ? { 'X-Egpu-Token': this.token } : {}),
        },
        body: JSON.stringify(request),
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
    let body: unknown;
    try {
      body = JSON.parse(text);
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
    return body;
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
      for (const name of Object.keys(events)) {
        es.addEventListener(name, (event: MessageEvent) => {
          let payload: unknown;
          try {
            payload = JSON.parse(String(event.data));
          } catch {
            hooks?.onError?.(invalidReply(name, `event ${name} is not JSON`, []));
            return;
          }
          deliver(name, payload, handler, hooks);
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
