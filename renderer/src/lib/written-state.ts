import { FIRST_STATE_ELEMENT_ID } from '../../../src/contract/first-state';
import type { WizardState } from '../../../src/contract/state';
import { replyData } from './bridge';

/**
 * The first state browser mode's server wrote into the page (see src/server/page-state.ts), taken out of the
 * document so it is read once: null when there is none (Electron, or the server could not read the state),
 * and then the renderer asks. Only a JSON data block counts. Its contents get what every reply gets: the
 * envelope is checked, and the state inside is the one the backend checked against the contract before
 * sending. A block that is not such an envelope fails like a malformed reply, and the App's first load says so.
 */
export function takeWrittenState(doc: Document): Promise<WizardState> | null {
  const block = doc.getElementById(FIRST_STATE_ELEMENT_ID);
  if (!(block instanceof HTMLScriptElement) || block.type !== 'application/json') return null;
  block.remove();
  let raw: unknown;
  try {
    raw = JSON.parse(block.text);
  } catch {
    raw = undefined;
  }
  try {
    return Promise.resolve(replyData('wizard:state', raw));
  } catch (error) {
    return Promise.reject(error);
  }
}
