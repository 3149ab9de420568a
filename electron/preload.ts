import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventNames, isChannelName, type EventName } from '../src/contract/channels';

const EVENT_CHANNEL = 'egpu:event';
const INVOKE_CHANNEL = 'egpu:invoke';

// The renderer gets two functions and nothing else: no ipcRenderer, no Node.
contextBridge.exposeInMainWorld('egpuWizard', {
  invoke: (channel: unknown, payload: unknown): Promise<unknown> => {
    if (!isChannelName(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown-channel', message: `unknown channel ${String(channel)}` } });
    }
    return ipcRenderer.invoke(INVOKE_CHANNEL, channel, payload);
  },
  subscribe: (listener: (event: string, payload: unknown) => void): (() => void) => {
    const handler = (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (typeof name === 'string' && (eventNames as string[]).includes(name)) listener(name as EventName, payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
});
