/**
 * Account blocks: failures per account across sources, and the sources each account
 * succeeded from lately, which a blocked account still works from.
 */
import { checkThrottle, recordFailure, type ThrottleVerdict } from '../../sip/auth-throttle.js';
import { GOOD_SOURCE_MS, MAX_GOOD_ACCOUNTS, MAX_GOOD_SOURCES_PER_ACCOUNT } from './authenticator-types.js';
import type { AuthState } from './auth-state.js';
import { detached } from '../../sip/detached.js';

/** Remembers that `account` succeeded from `source`. */
export function rememberGood(state: AuthState, account: string, source: string, nowMs: number): void {
  const { goodSources } = state;
  const sources = goodSources.get(account) ?? new Map<string, number>();
  goodSources.delete(account);
  // Kept for hours: a copy, not a view into the request's text (detached.ts).
  goodSources.set(detached(account), sources);
  sources.delete(source);
  sources.set(source, nowMs);
  for (const oldest of sources.keys()) {
    if (sources.size <= MAX_GOOD_SOURCES_PER_ACCOUNT) break;
    sources.delete(oldest);
  }
  for (const oldest of goodSources.keys()) {
    if (goodSources.size <= MAX_GOOD_ACCOUNTS) break;
    goodSources.delete(oldest);
  }
}

/** Whether `account` succeeded from `source` lately (its account block does not apply there). */
export function isGood(state: AuthState, account: string, source: string, nowMs: number): boolean {
  const at = state.goodSources.get(account)?.get(source);
  return at !== undefined && nowMs - at < GOOD_SOURCE_MS;
}

/** The account throttle's answer for `account`. */
export function checkAccount(state: AuthState, account: string, nowMs: number): ThrottleVerdict {
  return checkThrottle(state.accounts, account, nowMs);
}

/** Counts a failure against `account`; reports it when this failure blocks it. */
export function recordAccountFailure(state: AuthState, account: string, source: string, nowMs: number): void {
  const wasBlocked = checkAccount(state, account, nowMs).kind === 'block';
  state.accounts = recordFailure(state.accounts, account, nowMs);
  if (!wasBlocked && checkAccount(state, account, nowMs).kind === 'block')
    state.options.onAccountBlocked?.(account, source);
}
