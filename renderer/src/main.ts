import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { createBridge } from './lib/bridge';
import { firstLocale } from './lib/first-locale';
import { i18n } from './lib/i18n.svelte';
import { takeWrittenState } from './lib/written-state';

// Created first: in browser mode this takes the access token out of the address bar straight away.
const bridge = createBridge(window);

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

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
// The dictionary arrives before the first paint, so no text is ever drawn in the wrong language.
await i18n.use(locale).catch((error: unknown) => {
  localeProblem = error;
});

// Drawn once, with the state: drawing the empty frame first and then the step costs a second layout of the
// whole page, which on a 2011 CPU is longer than the wait. The state is cheap (no host command), and a
// failed request is shown by the App's first load.
await firstState?.catch(() => {});

mount(App, { target, props: { bridge, firstState, localeProblem } });
