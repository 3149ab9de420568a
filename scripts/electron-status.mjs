// Tells whether the Electron app can start here, and if not, why, in one line.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export function electronStatus() {
  let binary;
  try {
    binary = createRequire(import.meta.url)('electron');
  } catch {
    return { ok: false, why: "Electron's binary is not installed (it could not be downloaded)" };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return { ok: false, why: "Electron's binary is missing" };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, why: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  return { ok: true, binary };
}
