/**
 * Digest authentication for the registrar (401) and the proxy (407), with
 * self-validating nonces, nc replay refusal and a per-source failure throttle.
 * The rules are the pure modules' (sip/digest, sip/nonce, sip/auth-throttle);
 * this keeps their state between requests (auth-state.ts), split by job:
 * nonces (auth-nonce.ts), source failures and blocks (failure-blocks.ts), account
 * blocks (account-blocks.ts), the digest-failure record (digest-failure-record.ts)
 * and the verdict (auth-verdict.ts).
 */
import type { Authenticator, AuthenticatorOptions } from './authenticator-types.js';
import { createAuthState } from './auth-state.js';
import { authenticate } from './auth-verdict.js';
import { blocksInForce, liftBlocks } from './failure-blocks.js';

export type {
  AuthBlock,
  AuthContext,
  Authenticator,
  AuthenticatorOptions,
  AuthVerdict,
  DigestFailure,
} from './authenticator-types.js';
export { ACCOUNT_THROTTLE_OPTIONS, GOOD_SOURCE_WINDOW_MS } from './authenticator-types.js';
export { passwordOf } from './auth-state.js';

export function createDigestAuthenticator(options: AuthenticatorOptions): Authenticator {
  const state = createAuthState(options);
  return {
    authenticate: (request, remote, mode, nowMs, context) => authenticate(state, request, remote, mode, nowMs, context),
    blocked: (nowMs) => blocksInForce(state, nowMs),
    unblock: (target, nowMs) => liftBlocks(state, target, nowMs),
    digestFailures: () => [...state.failures.values()],
  };
}
