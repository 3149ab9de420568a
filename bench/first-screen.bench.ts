// Time to the first screen, side by side in one Chromium run: the wizard in browser mode on a simulated X220,
// and a blank Svelte 5 page with one button built here with the project's own Svelte and Vite. Both are served
// on 127.0.0.1 and loaded in turn, each time in a fresh browser context (empty cache). Prints numbers, asserts
// nothing.
//
//   npm run bench:first-screen -- [--rounds 21] [--cpu-throttle 4] [--latency 40] [--bandwidth 5000] [--returning]
//                                  [--no-build] [--renderer DIR] [--baseline DIR …]
//
// --baseline adds a wizard built elsewhere (a build of main, for a before/after) to the same rounds: each round
// loads every page back to back, so all of them meet the same machine load, and each gets its own ratio.
// --cpu-throttle slows the page's CPU by that factor (Chrome's own throttling, roughly a 2011 laptop at 4);
// --latency adds that many ms to every request, as an `ssh -L` tunnel over a network does; --bandwidth caps the
// link at that many kbit/s each way (a tunnel over the X220's Wi-Fi: a few thousand). --returning times a
// page opened for the third time in a browser profile of its own on the disk: what the browser kept from the
// two loads before counts, as it does for a user who comes back.
import { chromium, type Browser, type BrowserContext, type Page as PlaywrightPage } from '@playwright/test';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { Backend } from '../src/app/backend';
import { CompressedFiles } from '../src/server/compression';
import { fileResponse } from '../src/server/file-response';
import { startServer } from '../src/server/http-server';
import { readStatic } from '../src/server/static-files';
import { version } from '../src/version';
import { kib, startupScripts, totalGzip, totalRaw, type StartupScript } from './startup-js';

const root = resolve(import.meta.dirname, '..');
const BUTTON = 'Run checks';

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '21' },
    'cpu-throttle': { type: 'string', default: '1' },
    latency: { type: 'string', default: '0' },
    bandwidth: { type: 'string', default: '0' },
    returning: { type: 'boolean', default: false },
    /** Adds the wizard served as before: nothing compressed, nothing kept by the browser. */
    plain: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    /** A renderer built elsewhere (an older commit, for a before/after); implies --no-build. */
    renderer: { type: 'string' },
    /** More renderers built elsewhere, loaded in the same rounds as the wizard and the blank page. */
    baseline: { type: 'string', multiple: true, default: [] },
  },
});
const rounds = Math.max(1, Number(opts.rounds));
const cpuThrottle = Math.max(1, Number(opts['cpu-throttle']));
const latency = Math.max(0, Number(opts.latency));
/** kbit/s; 0 for no cap. */
const bandwidth = Math.max(0, Number(opts.bandwidth));
const returning = opts.returning;

/** The blank page: one component, one button, mounted the way the wizard mounts its App. */
async function buildBlankPage(dir: string): Promise<string> {
  // The page's imports of `svelte` resolve from the project's own node_modules.
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8" /><title>Blank</title></head>\n' +
      '<body><div id="app"></div><script type="module" src="./main.ts"></script></body>\n</html>\n',
  );
  await writeFile(
    join(dir, 'main.ts'),
    "import { mount } from 'svelte';\nimport App from './App.svelte';\n\nmount(App, { target: document.getElementById('app')! });\n",
  );
  await writeFile(
    join(dir, 'App.svelte'),
    `<script lang="ts">\n  let clicks = $state(0);\n</script>\n\n<button type="button" onclick={() => clicks++}>${BUTTON}</button>\n`,
  );
  const outDir = join(dir, 'dist');
  await build({
    root: dir,
    base: './',
    configFile: false,
    publicDir: false,
    logLevel: 'warn',
    plugins: [svelte({ configFile: false, compilerOptions: { runes: true } })],
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/**
 * Serves a built folder the way browser mode serves the wizard's files (compressed where the browser accepts
 * it, files named by their hash kept by the browser), without the token.
 */
async function serveStatic(dir: string): Promise<{ url: string; server: Server }> {
  const compressed = new CompressedFiles();
  const server = createServer((req, res) => {
    void readStatic(dir, new URL(req.url ?? '/', 'http://127.0.0.1').pathname).then(async (file) => {
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      const served = await fileResponse(file, req.headers['accept-encoding'], compressed);
      res.writeHead(200, { ...served.headers, 'Content-Length': String(served.body.length) }).end(served.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/**
 * Runs in the page before its own scripts: notes the time (ms since navigation start) of the frame in which
 * the button with the given text is first on screen (`__shownMs`: browser mode's server draws it into the page),
 * of the frame in which it first answers a click: visible, enabled and not inside an inert part
 * (`__firstScreenMs`; in the drawn page a small script lifts `inert` and holds clicks until the page's script has
 * taken the drawing over), and of the frame in which the page's script has taken it over (`__liveMs`: no
 * `#app[data-drawn-locale]` left). The blank page's button does all three when it is shown. Plain JavaScript in
 * a string: a function would reach the page as tsx compiled it, with helpers the page does not have.
 */
const watchForButton = (text: string): string => `(() => {
  const text = ${JSON.stringify(text)};
  const button = () => Array.from(document.querySelectorAll('button')).find(
    (b) => b.textContent.trim() === text && b.getClientRects().length > 0);
  const answers = (b) => b !== undefined && !b.disabled && !b.closest('[inert]');
  const observer = new MutationObserver(() => {
    const b = button();
    if (b === undefined) return;
    if (window.__shownMs === undefined) {
      window.__shownMs = null;
      requestAnimationFrame(() => { window.__shownMs = performance.now(); });
    }
    if (!answers(b)) return;
    if (window.__firstScreenMs === undefined) {
      window.__firstScreenMs = null;
      requestAnimationFrame(() => { window.__firstScreenMs = performance.now(); });
    }
    if (document.querySelector('#app[data-drawn-locale]')) return;
    observer.disconnect();
    requestAnimationFrame(() => { window.__liveMs = performance.now(); });
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
})();`;

interface Load {
  /** Navigation start → the button answers, ms. */
  button: number;
  /** → the button is on screen (drawn by the server, or by the page's script). */
  shown: number;
  /** → the page's script has taken the drawn screen over (or drew it itself). */
  live: number;
  /** → the page's HTML arrived. */
  html: number;
  /** → the last script or style sheet of the first screen arrived. */
  assets: number;
  /** → the first state arrived, when the wizard asked for it (a renderer built before the state came with the page). */
  state: number | null;
  /** Bytes that came over the network for the page and its files until then (0 for what came from the cache). */
  bytes: number;
}

/**
 * The wizard's server as it was before it compressed and let the browser keep files: a proxy in front of it
 * that asks for every file uncompressed and tells the browser to keep nothing. It passes the page's requests on
 * as the wizard's server expects them (its own Host and Origin), the event stream included.
 */
async function servePlain(target: string): Promise<{ url: string; server: Server }> {
  const to = new URL(target);
  const server = createServer((req, res) => {
    const headers = { ...req.headers, host: to.host, 'accept-encoding': 'identity' };
    if (headers.origin !== undefined) headers.origin = to.origin;
    const forward = httpRequest({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'cache-control': 'no-store' });
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/${to.search}`, server };
}

/** Loads a page until its script is live, then closes it: a visit before the timed one. */
async function loadUntilLive(page: PlaywrightPage, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => typeof Reflect.get(globalThis, '__liveMs') === 'number', undefined, { polling: 50, timeout: 60_000 });
  await page.close();
}

const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
const VIEW = { viewport: { width: 1280, height: 860 }, locale: 'en-US' };

/**
 * A fresh browser context; for --returning a browser profile of its own on the disk, as a user's is: the
 * contexts of one browser are off the record, and V8 keeps no compiled code for them between pages.
 */
async function freshContext(browser: Browser): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!returning) {
    const context = await browser.newContext(VIEW);
    return { context, close: () => context.close() };
  }
  const profile = await mkdtemp(join(tmpdir(), 'egpu-first-screen-profile-'));
  const context = await chromium.launchPersistentContext(profile, { ...CHROMIUM, ...VIEW });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

async function timeLoad(browser: Browser, url: string): Promise<Load> {
  const { context, close } = await freshContext(browser);
  try {
    await context.addInitScript({ content: watchForButton(BUTTON) });
    // Twice: Chromium keeps a script's compiled code only from its second run on.
    if (returning) for (let i = 0; i < 2; i++) await loadUntilLive(await context.newPage(), url);
    const page = await context.newPage();
    if (cpuThrottle > 1 || latency > 0 || bandwidth > 0) {
      const cdp = await context.newCDPSession(page);
      if (cpuThrottle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuThrottle });
      if (latency > 0 || bandwidth > 0) {
        const throughput = bandwidth > 0 ? (bandwidth * 1000) / 8 : -1;
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', { offline: false, latency, downloadThroughput: throughput, uploadThroughput: throughput });
      }
    }
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => typeof Reflect.get(globalThis, '__liveMs') === 'number', undefined, { polling: 50, timeout: 60_000 });
    const handle = await page.waitForFunction(() => Reflect.get(globalThis, '__firstScreenMs') as number | undefined, undefined, {
      polling: 50,
      timeout: 60_000,
    });
    const ms = await handle.jsonValue();
    if (typeof ms !== 'number') throw new Error(`no time from ${url}`);
    // The frames before have been drawn by now: the button is on screen no later than it answers, and answers
    // no later than the page is live.
    const shown: unknown = await page.evaluate(() => Reflect.get(globalThis, '__shownMs'));
    const live: unknown = await page.evaluate(() => Reflect.get(globalThis, '__liveMs'));
    if (typeof shown !== 'number' || typeof live !== 'number') throw new Error(`no time from ${url} for the button on screen`);
    const marks = await page.evaluate<{ html: number; assets: number; state: number | null; bytes: number }>(`(() => {
      const navigation = performance.getEntriesByType('navigation')[0];
      const html = navigation.responseEnd;
      const resources = performance.getEntriesByType('resource');
      const assets = resources.filter((r) => /\\.(js|css)$/.test(r.name)).map((r) => r.responseEnd);
      const state = resources.find((r) => r.name.endsWith('/wizard:state'));
      const bytes = resources.reduce((sum, r) => sum + r.transferSize, navigation.transferSize);
      return { html, assets: Math.max(html, ...assets), state: state ? state.responseEnd : null, bytes };
    })()`);
    return { button: ms, shown, live, ...marks };
  } finally {
    await close();
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

function describeScripts(label: string, scripts: readonly StartupScript[]): void {
  console.log(`${label.padEnd(14)} ${kib(totalGzip(scripts)).padStart(9)} gzip  ${kib(totalRaw(scripts)).padStart(9)} raw  (${scripts.length} file${scripts.length === 1 ? '' : 's'})`);
  for (const s of scripts) console.log(`${''.padEnd(14)}   ${kib(s.gzipBytes).padStart(9)} gzip  ${s.file}`);
}

/** One page of the comparison: the wizard, a wizard built elsewhere, or the blank page. */
interface Page {
  label: string;
  url: string;
  scripts: StartupScript[];
  /** A wizard (it may ask for its first state), not the blank page. */
  wizard: boolean;
  loads: Load[];
}

const work = await mkdtemp(join(tmpdir(), 'egpu-first-screen-'));
const closers: (() => Promise<void>)[] = [];
try {
  const rendererDir = opts.renderer !== undefined ? resolve(opts.renderer) : join(root, 'out', 'renderer');
  if (!opts['no-build'] && opts.renderer === undefined) {
    console.log('building the renderer and the blank page…');
    await build({ configFile: join(root, 'vite.renderer.config.ts'), logLevel: 'warn' });
  }
  const blankSource = join(work, 'blank');
  await mkdir(blankSource);
  const blankDir = await buildBlankPage(blankSource);

  /** Each wizard has a server (and a data folder) of its own, so none sees another's saved progress. */
  const serveWizard = async (dir: string, name: string): Promise<string> => {
    const dataDir = join(work, name);
    const wizard = await startServer({
      rendererDir: dir,
      createBackend: (emit) => Backend.create({ dataDir, hostSpec: 'sim:x220-fresh', mode: 'browser', version, emit }),
    });
    closers.push(() => wizard.close());
    return wizard.url;
  };
  const pages: Page[] = [{ label: 'wizard', url: await serveWizard(rendererDir, 'data'), scripts: await startupScripts(rendererDir), wizard: true, loads: [] }];
  for (const [i, dir] of (opts.baseline ?? []).entries()) {
    const label = opts.baseline.length > 1 ? `baseline ${i + 1}` : 'baseline';
    pages.push({ label, url: await serveWizard(resolve(dir), `data-baseline-${i}`), scripts: await startupScripts(resolve(dir)), wizard: true, loads: [] });
  }
  if (opts.plain) {
    const plain = await servePlain(await serveWizard(rendererDir, 'data-plain'));
    closers.push(() => new Promise<void>((r) => {
      plain.server.closeAllConnections();
      plain.server.close(() => r());
    }));
    pages.push({ label: 'served plain', url: plain.url, scripts: await startupScripts(rendererDir), wizard: true, loads: [] });
  }
  const blank = await serveStatic(blankDir);
  closers.push(() => new Promise<void>((r) => blank.server.close(() => r())));
  const blankPage: Page = { label: 'blank page', url: blank.url, scripts: await startupScripts(blankDir), wizard: false, loads: [] };
  pages.push(blankPage);

  console.log('\nstartup JavaScript (entry module + modulepreloads, gzip -9):');
  for (const page of pages) describeScripts(page.label, page.scripts);
  for (const [i, dir] of (opts.baseline ?? []).entries()) console.log(`${pages[i + 1]?.label ?? ''}: ${resolve(dir)}`);

  const browser = await chromium.launch(CHROMIUM);
  closers.push(() => browser.close());

  // One untimed load of each: the server's and the browser's first-time costs are not the page's.
  for (const page of pages) await timeLoad(browser, page.url);

  for (let i = 0; i < rounds; i++) {
    // Rotating which goes first, so none always meets a machine another just woke up.
    for (let j = 0; j < pages.length; j++) {
      const page = pages[(i + j) % pages.length];
      if (page) page.loads.push(await timeLoad(browser, page.url));
    }
  }
  const times = (page: Page): number[] => page.loads.map((l) => l.button);
  const ms = (xs: readonly number[]): string => median(xs).toFixed(0).padStart(5);

  const conditions = [
    cpuThrottle > 1 ? `CPU ${cpuThrottle}× slower` : 'CPU unthrottled',
    latency > 0 ? `+${latency} ms per request` : 'no added latency',
    ...(bandwidth > 0 ? [`${bandwidth} kbit/s`] : []),
    ...(returning ? ['opened for the third time'] : []),
  ];
  console.log(`\nnavigation start → “${BUTTON}” answers (visible, enabled, not inert), ${rounds} loads each (${conditions.join(', ')}):`);
  for (const page of pages) {
    const xs = times(page);
    console.log(`${page.label.padEnd(14)} median ${ms(xs)} ms   min ${Math.min(...xs).toFixed(0).padStart(5)} ms   max ${Math.max(...xs).toFixed(0).padStart(5)} ms`);
  }
  console.log('where the time goes (medians, ms since navigation start):');
  for (const page of pages) {
    const ls = page.loads;
    const states = ls.flatMap((l) => (l.state === null ? [] : [l.state]));
    const state = states.length ? `   first state ${ms(states)}` : page.wizard ? '   first state in the HTML' : '';
    console.log(
      `${page.label.padEnd(14)} HTML ${ms(ls.map((l) => l.html))}   scripts and styles ${ms(ls.map((l) => l.assets))}${state}   button on screen ${ms(ls.map((l) => l.shown))}   answers ${ms(times(page))}   taken over ${ms(ls.map((l) => l.live))}   (${kib(median(ls.map((l) => l.bytes)))} over the network)`,
    );
  }
  // Each round's loads ran back to back, on the same machine load: their ratio is the steadier figure.
  const blankTimes = times(blankPage);
  for (const page of pages.filter((p) => p.wizard)) {
    const paired = times(page).map((w, i) => w / (blankTimes[i] ?? Number.NaN));
    console.log(
      `ratio ${page.label.padEnd(14)} ${median(paired).toFixed(2)}× the blank page (median of each round's ratio; ratio of the medians ${(median(times(page)) / median(blankTimes)).toFixed(2)}×)`,
    );
  }
  const blankShown = blankPage.loads.map((l) => l.shown);
  for (const page of pages.filter((p) => p.wizard)) {
    const paired = page.loads.map((l, i) => l.shown / (blankShown[i] ?? Number.NaN));
    const live = page.loads.map((l, i) => l.live / (blankShown[i] ?? Number.NaN));
    console.log(`on screen ${page.label.padEnd(14)} ${median(paired).toFixed(2)}×, taken over ${median(live).toFixed(2)}× the blank page's button (medians of each round's ratio)`);
  }
  for (const page of pages.filter((p) => p.wizard)) {
    console.log(`startup JS ${page.label.padEnd(14)} ${kib(totalGzip(page.scripts))} gzip (budget 80 KB), ${(totalGzip(page.scripts) / totalGzip(blankPage.scripts)).toFixed(1)}× the blank page`);
  }
} finally {
  for (const close of closers.reverse()) await close().catch(() => {});
  await rm(work, { recursive: true, force: true });
}
