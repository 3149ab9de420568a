import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { describeChannel, isListedChannel, isListedEvent } from '../src/contract/names';

const EVENT_CHANNEL = 'egpu:event';
const INVOKE_CHANNEL = 'egpu:invoke';

// The renderer gets two functions and nothing else: no ipcRenderer, no Node. The main side validates every
// payload against the contract; this only refuses names the contract does not have.
contextBridge.exposeInMainWorld('egpuWizard', {
  invoke: (channel: unknown, payload: unknown): Promise<unknown> => {
    if (!isListedChannel(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown-channel', message: `unknown channel ${describeChannel(channel)}` } });
    }
    return ipcRenderer.invoke(INVOKE_CHANNEL, channel, payload);
  },
  subscribe: (listener: (event: string, payload: unknown) => void): (() => void) => {
    const handler = (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (isListedEvent(name)) listener(name, payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
});
