/**
 * The digest-failure record (hotdesk doctor): accounts whose client answered with an
 * algorithm not offered, or never answered a SHA-256-first challenge.
 */
import type { SipRequest } from '../../sip/message.js';
import { MAX_GOOD_ACCOUNTS, type DigestFailure } from './authenticator-types.js';
import { namedAccount, offeredFor, passwordOf, type AuthState } from './auth-state.js';

const MAX_DIGEST_FAILURES = 200;

/** Records an account's latest failure (existing accounts only). */
export function recordDigestFailure(state: AuthState, failure: DigestFailure): void {
  const { failures } = state;
  if (passwordOf(state.options.store(), failure.account) === undefined) return;
  failures.delete(failure.account);
  failures.set(failure.account, failure);
  for (const oldest of failures.keys()) {
    if (failures.size <= MAX_DIGEST_FAILURES) break;
    failures.delete(oldest);
  }
}

/**
 * A request without credentials: records a SHA-256-first challenge this client never
 * answered (its firmware may not know SHA-256), and remembers the one about to be sent.
 */
export function noteUnanswered(
  state: AuthState,
  request: SipRequest,
  mode: 'registrar' | 'proxy',
  source: string,
  nowMs: number,
): void {
  const { pendingSha } = state;
  const named = namedAccount(request, mode);
  if (named === undefined || !state.options.algorithmsFor) return;
  const key = `${named} ${source}`;
  const pending = pendingSha.get(key);
  if (pending && nowMs - pending.atMs < state.lifetime) {
    recordDigestFailure(state, { account: named, offered: pending.offered, kind: 'no-retry', source, atMs: nowMs });
  }
  pendingSha.delete(key);
  const offered = offeredFor(state, named) ?? [];
  if (offered[0]?.startsWith('SHA-256') && passwordOf(state.options.store(), named) !== undefined) {
    pendingSha.set(key, { offered: [...offered], atMs: nowMs });
    for (const oldest of pendingSha.keys()) {
      if (pendingSha.size <= MAX_GOOD_ACCOUNTS) break;
      pendingSha.delete(oldest);
    }
  }
}

/** A request with credentials from `source`: its challenge was answered. */
export function noteAnswered(state: AuthState, account: string, source: string): void {
  state.pendingSha.delete(`${account} ${source}`);
}
