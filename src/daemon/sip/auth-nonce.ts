/** Nonce issue (the 401/407 challenge) and check (the digest against the nonce and its count). */
import type { SipRequest } from '../../sip/message.js';
import { buildResponse } from '../../sip/message.js';
import { buildChallenges, checkCredentials, type DigestAlgorithm, type DigestCredentials } from '../../sip/digest.js';
import { makeNonce } from '../../sip/nonce.js';
import { stringifyUri } from '../../adapters/sip-syntax.js';
import { sipTag } from '../../adapters/secrets.js';
import type { AuthVerdict } from './authenticator-types.js';
import { namedAccount, offeredFor, passwordOf, type AuthState } from './auth-state.js';

/** A challenge with a fresh nonce: 401 from the registrar, 407 from the proxy. */
export function challenge(
  state: AuthState,
  request: SipRequest,
  mode: 'registrar' | 'proxy',
  nowMs: number,
  stale: boolean,
  delayMs: number,
  account?: string,
): AuthVerdict {
  const { options } = state;
  const nonce = makeNonce(options.crypto, options.secret, nowMs, options.random(16));
  const algorithms = offeredFor(state, account ?? namedAccount(request, mode));
  const challenges = buildChallenges({ realm: options.realm(), nonce, stale, ...(algorithms ? { algorithms } : {}) });
  const response =
    mode === 'registrar'
      ? buildResponse(request, 401, 'Unauthorized', { headers: { 'www-authenticate': challenges }, toTag: sipTag() })
      : buildResponse(request, 407, 'Proxy Authentication Required', {
          headers: { 'proxy-authenticate': challenges },
          toTag: sipTag(),
        });
  return { kind: 'refused', response, delayMs };
}

/** Checks credentials against the account's password, the nonce and its count (not the counts kept: the caller does). */
export function checkDigest(
  state: AuthState,
  request: SipRequest,
  credentials: DigestCredentials,
  realm: string,
  nowMs: number,
  offered: readonly DigestAlgorithm[] | undefined,
): ReturnType<typeof checkCredentials> {
  const { options } = state;
  return checkCredentials(options.crypto, {
    credentials,
    method: request.method,
    requestUri: typeof request.uri === 'string' ? request.uri : stringifyUri(request.uri),
    realm,
    password: passwordOf(options.store(), credentials.username),
    secret: options.secret,
    nowMs,
    nonceLifetimeMs: state.lifetime,
    counts: state.counts,
    retransmissionKey: String(request.headers.via[0]?.params['branch'] ?? ''),
    ...(options.maxNonceCounts !== undefined ? { maxNonceCounts: options.maxNonceCounts } : {}),
    ...(offered ? { algorithms: offered } : {}),
  });
}
