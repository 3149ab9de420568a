import { hostname, userInfo } from 'node:os';
import { isSshSpec, parseSshAddress, sshAddressOf } from '../contract/ssh-spec';
import type { RedactionHints } from '../report/redact';

/**
 * Names the report must hide besides what it finds in the outputs: this machine's own host and user name
 * when the wizard runs on the X220 itself, the SSH user and host when it drives the X220 remotely. A
 * simulated host has nothing of the user's to hide.
 */
export function redactionHints(spec: string): RedactionHints {
  if (spec === 'local') return { hostnames: [hostname()], users: [userInfo().username] };
  if (isSshSpec(spec)) {
    const parsed = parseSshAddress(sshAddressOf(spec));
    return parsed.ok ? { hostnames: [parsed.target.host], users: [parsed.target.user] } : {};
  }
  return {};
}
