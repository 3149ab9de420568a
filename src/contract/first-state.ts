/**
 * Browser mode writes the first state into the page it serves, so the renderer can draw the step without a
 * round trip: a JSON data block (`<script type="application/json">`, never executed, so the
 * Content-Security-Policy stays without inline script) with this id, holding the reply envelope that
 * `wizard:state` would have sent.
 */
export const FIRST_STATE_ELEMENT_ID = 'egpu-first-state';
