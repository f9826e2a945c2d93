/**
 * The verdict on one request: blocks that apply, the challenge when credentials
 * are missing, the digest check, and what a success or a failure counts for.
 */
import type { Endpoint, SipRequest } from '../../sip/message.js';
import { buildResponse } from '../../sip/message.js';
import { checkThrottle, recordSuccess, type ThrottleVerdict } from '../../sip/auth-throttle.js';
import { parseCredentials, type DigestAlgorithm, type DigestCredentials } from '../../sip/digest.js';
import { parseUri } from '../../adapters/sip-syntax.js';
import { sipTag } from '../../adapters/secrets.js';
import type { AuthContext, AuthVerdict } from './authenticator-types.js';
import { offeredFor, pruneAuthState, type AuthState } from './auth-state.js';
import { challenge, checkDigest } from './auth-nonce.js';
import { checkAccount, isGood, recordAccountFailure, rememberGood } from './account-blocks.js';
import { recordSourceFailure, rememberSuccess, reportSourceBlocked } from './failure-blocks.js';
import { noteAnswered, noteUnanswered, recordDigestFailure } from './digest-failure-record.js';

/** The user of the From URI: who a request without credentials says it is. */
function claimedUser(request: SipRequest): string | undefined {
  const uri = request.headers.from?.uri;
  const parsed = typeof uri === 'string' ? parseUri(uri) : uri;
  return parsed?.user ?? undefined;
}

function forbidden(request: SipRequest): Extract<AuthVerdict, { kind: 'refused' }> {
  return { kind: 'refused', response: buildResponse(request, 403, 'Forbidden', { toTag: sipTag() }), delayMs: 0 };
}

/** A request on its way through the verdict: what the failure handling needs. */
interface Attempt {
  request: SipRequest;
  mode: 'registrar' | 'proxy';
  source: string;
  account: string;
  credentials: DigestCredentials;
  offered: readonly DigestAlgorithm[] | undefined;
  trusted: boolean;
  exempt: boolean;
  before: ThrottleVerdict;
  nowMs: number;
}

export function authenticate(
  state: AuthState,
  request: SipRequest,
  remote: Endpoint,
  mode: 'registrar' | 'proxy',
  nowMs: number,
  context: AuthContext = {},
): AuthVerdict {
  pruneAuthState(state, nowMs);
  const source = remote.address;
  const header = mode === 'registrar' ? request.headers.authorization : request.headers['proxy-authorization'];
  const realm = state.options.realm();
  const credentials = (header ?? [])
    .map((params) => parseCredentials(params))
    .find((parsed): parsed is DigestCredentials => parsed !== undefined && parsed.realm === realm);
  // The account the request claims (its credentials, else its From), only to decide whether a block applies;
  // valid credentials are still required. Failed digests may carry a forged source address: they never
  // stop an emergency call or a phone registered from that address.
  const claimed = credentials?.username ?? claimedUser(request);
  const exempt = context.emergency === true || (claimed !== undefined && context.registeredHere?.(claimed) === true);
  const before = checkThrottle(state.throttle, source, nowMs);
  if (before.kind === 'block' && !exempt) return forbidden(request);
  const delayMs = before.kind === 'delay' && !exempt ? before.ms : 0;
  if (!credentials) {
    noteUnanswered(state, request, mode, source, nowMs);
    return challenge(state, request, mode, nowMs, false, delayMs);
  }
  const account = credentials.username;
  noteAnswered(state, account, source);
  const offered = offeredFor(state, account);
  const trusted = isGood(state, account, source, nowMs);
  const forAccount = trusted || exempt ? ({ kind: 'allow' } as const) : checkAccount(state, account, nowMs);
  // The same 403 as a blocked source: a guesser learns nothing about the account.
  if (forAccount.kind === 'block') return forbidden(request);
  const slowdown = Math.max(delayMs, forAccount.kind === 'delay' ? forAccount.ms : 0);

  const verdict = checkDigest(state, request, credentials, realm, nowMs, offered);
  switch (verdict.kind) {
    case 'ok':
      state.counts = verdict.counts;
      state.throttle = recordSuccess(state.throttle, source);
      state.accounts = recordSuccess(state.accounts, account);
      rememberGood(state, account, source, nowMs);
      rememberSuccess(state, source, nowMs);
      state.seenBlocked.delete(source);
      return { kind: 'ok', account };
    case 'stale':
      return challenge(state, request, mode, nowMs, true, slowdown, account);
    case 'replay':
      return challenge(state, request, mode, nowMs, false, slowdown, account);
    case 'wrong':
      // A nonce from before a restart (or forged) says nothing about the password: challenge again, no penalty.
      if (verdict.reason === 'nonce') return challenge(state, request, mode, nowMs, false, slowdown, account);
      return refuseWrong(state, verdict.reason === 'algorithm', {
        request,
        mode,
        source,
        account,
        credentials,
        offered,
        trusted,
        exempt,
        before,
        nowMs,
      });
  }
}

/** Wrong credentials: counted against the source and (unless trusted there) the account, then refused. */
function refuseWrong(state: AuthState, unofferedAlgorithm: boolean, attempt: Attempt): AuthVerdict {
  const { request, mode, source, account, trusted, exempt, before, nowMs } = attempt;
  if (unofferedAlgorithm) {
    recordDigestFailure(state, {
      account,
      offered: [...(attempt.offered ?? [])],
      kind: 'unoffered-algorithm',
      algorithm: attempt.credentials.algorithm,
      source,
      atMs: nowMs,
    });
  }
  recordSourceFailure(state, source, nowMs);
  if (!trusted) recordAccountFailure(state, account, source, nowMs);
  const after = checkThrottle(state.throttle, source, nowMs);
  // A block passed only because the request claimed an exemption: wrong credentials wait the longest delay.
  if (exempt && (before.kind === 'block' || checkAccount(state, account, nowMs).kind === 'block')) {
    return { ...forbidden(request), delayMs: state.throttle.options.maxDelayMs };
  }
  if (after.kind === 'block') {
    reportSourceBlocked(state, source, nowMs);
    return forbidden(request);
  }
  const accountAfter = trusted ? undefined : checkAccount(state, account, nowMs);
  if (accountAfter?.kind === 'block') return forbidden(request);
  const wait = Math.max(after.kind === 'delay' ? after.ms : 0, accountAfter?.kind === 'delay' ? accountAfter.ms : 0);
  return challenge(state, request, mode, nowMs, false, wait, account);
}
