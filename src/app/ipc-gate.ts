import type { Envelope } from '../contract/channels';

/**
 * Who sent an IPC request, as the Electron adapter sees it. Identities are compared, never inspected;
 * `frameUrl` is a function because Electron throws when a disposed frame's URL is read.
 */
export interface IpcSender {
  readonly contents: unknown;
  readonly frame: unknown;
  frameUrl(): string;
}

/** The one page allowed to call the backend: our window's main frame showing our own page. */
export interface TrustedPage {
  readonly contents: unknown;
  readonly mainFrame: unknown;
  readonly pageUrl: string;
}

export type Dispatch = (channel: unknown, payload: unknown) => Promise<Envelope>;
export type InvokeHandler = (sender: IpcSender, channel: unknown, payload: unknown) => Promise<Envelope>;

const withoutQuery = (url: string): string => url.split(/[?#]/)[0] ?? '';

export function isTrustedSender(sender: IpcSender, page: TrustedPage): boolean {
  return (
    sender.contents === page.contents &&
    sender.frame !== null &&
    sender.frame !== undefined &&
    sender.frame === page.mainFrame &&
    withoutQuery(sender.frameUrl()) === withoutQuery(page.pageUrl)
  );
}

/**
 * The main-side invoke handler without Electron: refuses any sender but our page, then hands the raw
 * channel and payload to the backend. It never throws: a closed window or a disposed frame while checking
 * the sender is a refusal, and anything escaping dispatch becomes an `internal` error.
 */
export function createInvokeHandler(dispatch: Dispatch, page: () => TrustedPage): InvokeHandler {
  return async (sender, channel, payload) => {
    let trusted = false;
    try {
      trusted = isTrustedSender(sender, page());
    } catch {
      trusted = false;
    }
    if (!trusted) return { ok: false, error: { code: 'forbidden-sender', message: 'request from an unknown frame' } };
    try {
      return await dispatch(channel, payload);
    } catch {
      return { ok: false, error: { code: 'internal', message: 'the request failed' } };
    }
  };
}
