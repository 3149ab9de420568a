/**
 * Browser mode writes the first state into the page it serves, so the renderer can draw the step without a
 * round trip: a JSON data block (`<script type="application/json">`, never executed, so the
 * Content-Security-Policy stays without inline script) with this id, holding the reply envelope that
 * `wizard:state` would have sent.
 */
export const FIRST_STATE_ELEMENT_ID = 'egpu-first-state';

/**
 * The page's script announces on `#app` with this event that it has taken the drawn screen over; clicks held
 * until then (renderer/src/early-clicks.ts) are done at that moment.
 */
export const TAKEN_OVER_EVENT = 'egpu:taken-over';
