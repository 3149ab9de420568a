import { app, BrowserWindow, session } from 'electron';
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
      // Middle-click would otherwise try to open links in a new window.
      disableBlinkFeatures: 'Auxclick',
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

// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();

// Hardening for every web contents: no navigation away, no new windows, no permissions. The app shows no
// external links, so nothing is handed to shell.openExternal either.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  await createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
