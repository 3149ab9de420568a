import { ipcMain, type BrowserWindow } from 'electron';
import type { Backend } from '../src/app/backend';
import { createInvokeHandler } from '../src/app/ipc-gate';

export const INVOKE_CHANNEL = 'egpu:invoke';
export const EVENT_CHANNEL = 'egpu:event';

/** Registers the one invoke handler; the sender check and dispatch live in src/app/ipc-gate.ts. */
export function registerIpc(backend: Backend, window: BrowserWindow, pageUrl: string): () => void {
  const handle = createInvokeHandler(
    (channel, payload) => backend.dispatch(channel, payload),
    () => ({ contents: window.webContents, mainFrame: window.webContents.mainFrame, pageUrl }),
  );
  ipcMain.handle(INVOKE_CHANNEL, (event, channel: unknown, payload: unknown) => {
    const frame = event.senderFrame;
    return handle({ contents: event.sender, frame, frameUrl: () => frame?.url ?? '' }, channel, payload);
  });
  return () => ipcMain.removeHandler(INVOKE_CHANNEL);
}
