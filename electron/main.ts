import { app, BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Backend } from '../src/app/backend';
import { HostSpec } from '../src/contract/state';
import { version } from '../src/version';
import { EVENT_CHANNEL, registerIpc } from './ipc';

function hostFromArgv(argv: readonly string[]): string {
  const index = argv.indexOf('--host');
  const candidate = index >= 0 ? argv[index + 1] : undefined;
  return candidate !== undefined && HostSpec.safeParse(candidate).success ? candidate : 'local';
}

async function createWindow(): Promise<void> {
  const window = new BrowserWindow({
    width: 1200,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'eGPU Wizard',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  const pageUrl = devUrl ?? pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href;

  const backend = await Backend.create({
    dataDir: process.env.EGPU_WIZARD_DATA ?? app.getPath('userData'),
    hostSpec: hostFromArgv(process.argv),
    mode: 'electron',
    version,
    emit: (event, payload) => {
      if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event, payload);
    },
  });
  const unregister = registerIpc(backend, window, pageUrl);
  window.on('closed', () => {
    unregister();
    void backend.close();
  });
  window.once('ready-to-show', () => window.show());
  await window.loadURL(pageUrl);
}

// Hardening for every web contents: no navigation away, no new windows, no permissions.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser, never inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  await createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
