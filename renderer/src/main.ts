import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { createBridge } from './lib/bridge';

// Created first: in browser mode this takes the access token out of the address bar straight away.
const bridge = createBridge(window);

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

mount(App, { target, props: { bridge } });
