/** reason → SIP status and reason phrase: the SIP edge's one exhaustive table. */
import type { Reason } from '../core/reasons.js';

export interface SipStatus {
  status: number;
  phrase: string;
}

export function reasonStatus(reason: Reason): SipStatus {
  switch (reason.kind) {
    // RFC 3261 §21.4.4: 403 Forbidden, with a phrase the phone can show.
    case 'dial-code-conflict':
      return { status: 403, phrase: 'Forbidden' };
    case 'idle-phone-restricted':
      return { status: 403, phrase: 'Log In First' };
    case 'hotdesk-disabled':
      return { status: 403, phrase: 'Hot Desking Not Allowed' };
    case 'already-logged-in':
      return { status: 403, phrase: 'Already Logged In Elsewhere' };
    case 'extension-locked':
      return { status: 403, phrase: 'Extension Locked' };
    case 'phone-locked':
      return { status: 403, phrase: 'Phone Locked' };
    case 'pair-locked':
      return { status: 403, phrase: 'Locked On This Phone' };
    case 'phone-pinned':
      return { status: 403, phrase: 'Phone Pinned' };
    case 'no-route':
    case 'unknown-extension':
      return { status: 404, phrase: 'Not Found' };
    case 'not-registered':
      return { status: 480, phrase: 'Temporarily Unavailable' };
    case 'login-service-unavailable':
      return { status: 480, phrase: 'Hot-Desk Login Unavailable' };
    case 'no-trunk':
      return { status: 503, phrase: 'No Trunk Configured' };
    case 'not-logged-in':
      return { status: 404, phrase: 'Not Logged In' };
    case 'unknown-phone':
      return { status: 403, phrase: 'Not A Hot-Desk Phone' };
    // Administrative refusals never arise from SIP traffic.
    case 'invalid-mac':
    case 'unknown-model':
    case 'duplicate-mac':
    case 'invalid-connection':
    case 'invalid-extension':
    case 'duplicate-extension':
    case 'invalid-name':
    case 'invalid-password':
    case 'weak-pin':
    case 'invalid-language':
    case 'invalid-dial-code':
    case 'reserved-dial-code':
    case 'unknown-dial-code':
    case 'invalid-emergency-number':
    case 'duplicate-emergency-number':
    case 'unknown-emergency-number':
    case 'last-emergency-number':
    case 'invalid-setting':
    case 'invalid-trunk':
    case 'not-locked':
      return { status: 500, phrase: 'Server Internal Error' };
  }
}
