/**
 * A built file whose name carries a hash of its content (`assets/startup-B4nXQWZp.js`, as Vite names them) never
 * changes under that name: the browser may keep it and not ask again. A returning page (a reload after the
 * Wi-Fi dropped, the wizard opened again tomorrow) then asks only for the page itself, which matters over an
 * `ssh -L` tunnel, where each request is a round trip. `private`: every file is served only with the session's
 * token, so no shared cache may keep it. Everything else (the page with its state, files without a hash) is
 * asked for every time.
 */
// Vite's hashes are 8 characters of base64url. A file the build copies or names itself (`early-clicks.js`, the
// step illustrations) has a plain word there; a word of 8 lowercase letters must not pass for a hash, so a hash
// of only lowercase letters (about 1 in 1,500) is not kept, which costs a request and nothing else.
const HASHED_BUILD_FILE = /^assets\/[^/]+-(?![a-z]{8}\.)[A-Za-z0-9_-]{8}\.(?:js|css)$/;

export const KEEP_FOR_GOOD = 'private, max-age=31536000, immutable';
export const NEVER_KEEP = 'no-store';

/** The Cache-Control of a built file, by its path relative to the renderer's folder. */
export function cacheControlFor(path: string): string {
  return HASHED_BUILD_FILE.test(path) ? KEEP_FOR_GOOD : NEVER_KEEP;
}
