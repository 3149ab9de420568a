/**
 * What the Electron preload script exposes on `window` (contextBridge). Typed as `unknown` at the edges on
 * purpose: the bridge validates every reply and event with the contract's zod schemas before using it.
 */
interface EgpuWizardPreload {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
}

interface Window {
  /** Present only inside the Electron app; absent in browser mode. */
  readonly egpuWizard?: EgpuWizardPreload;
}
