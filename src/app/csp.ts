/**
 * The renderer's Content-Security-Policy: only the app's own files, no inline script, no remote origin.
 * One string for both places that apply it: browser mode's response header, and the meta tag in
 * renderer/index.html that the Electron window loads (a test keeps the two equal).
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
