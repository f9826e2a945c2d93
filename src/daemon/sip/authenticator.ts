/** Placeholder: replaced by the digest authenticator. */
import type { Endpoint, SipRequest, SipResponse } from '../../sip/message.js';

export type AuthVerdict = { kind: 'ok'; account: string } | { kind: 'refused'; response: SipResponse; delayMs: number };

export interface Authenticator {
  authenticate(request: SipRequest, remote: Endpoint, mode: 'registrar' | 'proxy', nowMs: number): AuthVerdict;
}
