import { hydrate, mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { TAKEN_OVER_EVENT } from '../../src/contract/first-state';
import { createBridge } from './lib/bridge';
import { firstLocale } from './lib/first-locale';
import { i18n } from './lib/i18n.svelte';
import { takeWrittenState } from './lib/written-state';

// Created first: in browser mode this takes the access token out of the address bar straight away.
const bridge = createBridge(window);

const found = document.getElementById('app');
if (!found) throw new Error('index.html has no #app element');
const target: HTMLElement = found;

// Browser mode's server writes the state into the page; without it (the server could not read it), browser
// mode asks at once, while the language is settled (over an `ssh -L` tunnel each round trip counts). Its event
// stream begins with the state again, so nothing that changes before the stream is open is missed. In
// Electron the App asks after subscribing, as the IPC events have no such replay.
const firstState =
  bridge.mode === 'browser' ? (takeWrittenState(document) ?? bridge.invoke('wizard:state', {})) : null;
// Its failure is shown by the App's first load; this only keeps it from counting as unhandled meanwhile.
firstState?.catch(() => {});

const { locale, problem } = await firstLocale(bridge, document.documentElement, navigator.languages);
let localeProblem: unknown = problem;
// The dictionary is here before the first paint, so no text is ever drawn in the wrong language. Browser
// mode's server has the browser fetch it beside this script (src/server/first-screen.ts), so this waits for
// no request. English is the last resort.
await i18n.use(locale).catch(async (error: unknown) => {
  localeProblem = error;
  if (locale !== 'en') await i18n.use('en').catch(() => {});
});

// Drawn once, with the state: drawing the empty frame first and then the step costs a second layout of the
// whole page, which on a 2011 CPU is longer than the wait. The state is cheap (no host command), and a
// failed request is shown by the App's first load.
const initialState = (await firstState?.catch(() => null)) ?? null;
const props = { bridge, firstState, initialState, localeProblem };

// Browser mode's server drew the first screen from this same state (src/server/first-screen.ts): take its
// drawing over instead of drawing it again. Drawn in another language than the one settled here, it is drawn
// anew.
function drawAnew(): void {
  target.replaceChildren();
  mount(App, { target, props });
}
if (initialState && target.dataset.drawnLocale === i18n.locale) {
  try {
    hydrate(App, { target, props });
  } catch (error) {
    // Svelte draws anew by itself where the drawing does not match; this is for anything else going wrong.
    console.error('eGPU Wizard: the drawn screen could not be taken over, so it is drawn anew', error);
    drawAnew();
  }
} else drawAnew();
// The drawn screen was inert until something could answer in it (src/server/first-screen.ts); clicks held
// meanwhile are done now (early-clicks.ts).
target.inert = false;
delete target.dataset.drawnLocale;
target.dispatchEvent(new Event(TAKEN_OVER_EVENT));
