/**
 * The renderer's Content-Security-Policy: only the app's own files, no inline script, no remote origin.
 * One string for every place that applies it: browser mode's response header, the Electron session's header,
 * and the meta tag in renderer/index.html (which a test keeps equal to this).
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
