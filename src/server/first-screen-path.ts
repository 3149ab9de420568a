/**
 * Where the renderer's build puts the code the server draws the first screen with (vite.first-screen-plugin.ts),
 * relative to the build's folder. static-files.ts never serves this folder: it is the server's code, not the page's.
 */
export const FIRST_SCREEN_MODULE = ['server', 'first-screen.js'] as const;

/** The small script that holds clicks in the drawn screen until the page's own script has taken it over. */
export const EARLY_CLICKS_SCRIPT = ['assets', 'early-clicks.js'] as const;

/**
 * Where the renderer's build lists each language's texts chunk (`{ "en": "assets/en-….js", … }`), so the server
 * can have the browser fetch the page's language with the page's own script. In `server/`: never served.
 */
export const TEXTS_CHUNKS = ['server', 'texts-chunks.json'] as const;
