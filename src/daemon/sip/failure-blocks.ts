/**
 * Failure counting and blocks per source address: the failures, the report of a
 * new block (with whether the source succeeded lately), the blocks in force and their lifting.
 */
import { blockedKeys, clearThrottle, recordFailure } from '../../sip/auth-throttle.js';
import { GOOD_SOURCE_WINDOW_MS, MAX_GOOD_SOURCE_ADDRESSES, type AuthBlock } from './authenticator-types.js';
import type { AuthState } from './auth-state.js';

/** Remembers that `source` authenticated with some account. */
export function rememberSuccess(state: AuthState, source: string, nowMs: number): void {
  const { lastSuccess } = state;
  lastSuccess.delete(source);
  lastSuccess.set(source, nowMs);
  for (const oldest of lastSuccess.keys()) {
    if (lastSuccess.size <= MAX_GOOD_SOURCE_ADDRESSES) break;
    lastSuccess.delete(oldest);
  }
}

function succeededLately(state: AuthState, source: string, nowMs: number): boolean {
  const at = state.lastSuccess.get(source);
  return at !== undefined && nowMs - at < GOOD_SOURCE_WINDOW_MS;
}

/** Counts a failure against `source`. */
export function recordSourceFailure(state: AuthState, source: string, nowMs: number): void {
  state.throttle = recordFailure(state.throttle, source, nowMs);
}

/** Reports a blocked source once per block. */
export function reportSourceBlocked(state: AuthState, source: string, nowMs: number): void {
  if (state.seenBlocked.has(source)) return;
  state.seenBlocked.add(source);
  state.options.onBlocked?.(source, succeededLately(state, source, nowMs));
}

/** Blocks in force at `nowMs`, sources then accounts. */
export function blocksInForce(state: AuthState, nowMs: number): AuthBlock[] {
  return [
    ...blockedKeys(state.throttle, nowMs).map(({ key, untilMs }): AuthBlock => ({ kind: 'source', key, untilMs })),
    ...blockedKeys(state.accounts, nowMs).map(({ key, untilMs }): AuthBlock => ({ kind: 'account', key, untilMs })),
  ];
}

/** Lifts the blocks and failure counts of a source address or an account; returns what was lifted. */
export function liftBlocks(state: AuthState, target: string, nowMs: number): AuthBlock[] {
  const lifted = blocksInForce(state, nowMs).filter((block) => block.key === target);
  state.throttle = clearThrottle(state.throttle, target);
  state.accounts = clearThrottle(state.accounts, target);
  state.seenBlocked.delete(target);
  return lifted;
}
