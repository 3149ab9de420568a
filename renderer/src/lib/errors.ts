import type { ContractErrorCode } from '../../../src/contract/channels';
import type { BridgeError } from './bridge';
import type { UiKey } from './i18n.svelte';

const contractKeys: Record<ContractErrorCode, UiKey> = {
  'unknown-channel': 'ui.error.code.unknownChannel',
  'invalid-payload': 'ui.error.code.invalidPayload',
  'forbidden-sender': 'ui.error.code.forbiddenSender',
  unauthorized: 'ui.error.code.unauthorized',
  busy: 'ui.error.code.busy',
  'invalid-state': 'ui.error.code.invalidState',
  internal: 'ui.error.code.internal',
};

/** What went wrong, in the user's words (the backend's own English message is kept for the details). */
export function errorReasonKey(error: BridgeError): UiKey {
  switch (error.kind) {
    case 'contract':
      return contractKeys[error.contractError.code];
    case 'invalid-request':
      return 'ui.error.invalidRequest';
    case 'invalid-reply':
      return 'ui.error.invalidReply';
    case 'unreachable':
      return 'ui.error.unreachable';
  }
}

/** Errors where trying the same thing again can help. */
export function isRetryable(error: BridgeError): boolean {
  if (error.kind === 'unreachable') return true;
  if (error.kind === 'contract') return error.contractError.code === 'busy' || error.contractError.code === 'internal';
  return false;
}
