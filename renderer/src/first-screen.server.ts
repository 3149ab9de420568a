import { render } from 'svelte/server';
import type { WizardState } from '../../src/contract/state';
import type { Locale } from '../../src/i18n/lookup';
import App from './App.svelte';
import { BridgeError, type Bridge } from './lib/bridge';
import { i18n } from './lib/i18n.svelte';

/**
 * Browser mode's server draws the first screen with this (built for Node into the renderer's `server/`
 * folder, see vite.first-screen-plugin.ts): the App as its first render in the page would draw it, from the
 * same state and in the same language, so the page's script takes the drawn page over (hydrates it) instead
 * of drawing it again. Nothing here runs a host command: the state is the one written into the page.
 */
export async function renderFirstScreen(state: WizardState, locale: Locale): Promise<{ html: string }> {
  await i18n.use(locale);
  // Another page may have been drawn in the other language while this one waited for its dictionary.
  if (!i18n.useLoaded(locale)) throw new Error(`the ${locale} texts are not loaded`);
  const { body } = render(App, { props: { bridge: drawingOnly, initialState: state } });
  return { html: body };
}

/** The App keeps a bridge, but only its effects and handlers use it, and neither runs on the server. */
const drawingOnly: Bridge = {
  mode: 'browser',
  invoke: (channel) =>
    Promise.reject(new BridgeError('unreachable', { code: 'internal', message: 'the server only draws the page' }, channel)),
  subscribe: () => () => {},
};
