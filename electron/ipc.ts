import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { Backend } from '../src/app/backend';
import type { Envelope } from '../src/contract/channels';

export const INVOKE_CHANNEL = 'egpu:invoke';
export const EVENT_CHANNEL = 'egpu:event';

/** Only the main frame of our own window, showing our own page, may call the backend. */
function trustedSender(event: IpcMainInvokeEvent, window: BrowserWindow, pageUrl: string): boolean {
  const frame = event.senderFrame;
  return (
    event.sender === window.webContents &&
    frame !== null &&
    frame === window.webContents.mainFrame &&
    frame.url.split(/[?#]/)[0] === pageUrl.split(/[?#]/)[0]
  );
}

/** Registers the one invoke handler; the backend validates channel and payload against the contract. */
export function registerIpc(backend: Backend, window: BrowserWindow, pageUrl: string): () => void {
  ipcMain.handle(INVOKE_CHANNEL, async (event, channel: unknown, payload: unknown): Promise<Envelope> => {
    if (!trustedSender(event, window, pageUrl)) {
      return { ok: false, error: { code: 'forbidden-sender', message: 'request from an unknown frame' } };
    }
    return backend.dispatch(channel, payload);
  });
  return () => ipcMain.removeHandler(INVOKE_CHANNEL);
}
