import { TAKEN_OVER_EVENT } from '../../src/contract/first-state';

/**
 * Browser mode's server sends the first screen drawn, and inert (src/server/first-screen.ts). This small script
 * arrives long before the page's own script is compiled and has taken the drawing over, and from the moment it
 * runs a click in the drawn screen is held instead of lost: the page's script announces the takeover on `#app`
 * (TAKEN_OVER_EVENT, renderer/src/main.ts), and the held clicks are done then, each control once, in the order
 * they came. It is a file of its own, loaded async from the page's head, so it runs before the step's first
 * paint and never waits for the page's script; built on its own (vite.first-screen-plugin.ts), under 1 KB.
 */
/** Holds clicks in the drawn screen from now until the takeover, and lifts its `inert`. */
function holdUntilTakenOver(app: HTMLElement): void {
  const held: HTMLElement[] = [];
  const hold = (event: MouseEvent): void => {
    const control = event.target instanceof Element ? event.target.closest('button, a[href], summary, label, input[type="checkbox"], input[type="radio"], [role="button"]') : null;
    if (!(control instanceof HTMLElement) || !app.contains(control)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    // A double click on "Run checks" is one run, as it is once the page is live (the button is then disabled).
    if (!held.includes(control)) held.push(control);
  };
  app.addEventListener('click', hold, true);
  app.addEventListener(
    TAKEN_OVER_EVENT,
    () => {
      app.removeEventListener('click', hold, true);
      for (const control of held) {
        const disabled = control instanceof HTMLButtonElement || control instanceof HTMLInputElement ? control.disabled : false;
        if (control.isConnected && !disabled) control.click();
      }
    },
    { once: true },
  );
  app.inert = false;
}

/**
 * The script sits in the page's head, so it usually runs before `#app` is parsed: it then waits for it.
 * Only a drawn screen not yet taken over counts: the page's script removes the mark when it takes over.
 */
function whenDrawn(found: (app: HTMLElement) => void): void {
  const look = (): boolean => {
    const app = document.getElementById('app');
    if (!app) return false;
    if (app.dataset.drawnLocale !== undefined) found(app);
    return true;
  };
  if (look()) return;
  const observer = new MutationObserver(() => {
    if (look()) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true });
}

whenDrawn(holdUntilTakenOver);
