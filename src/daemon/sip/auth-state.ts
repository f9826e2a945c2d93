/**
 * The digest authenticator's state between requests, shared by its parts
 * (nonces, failure blocks, account blocks, digest-failure record, verdict).
 */
import type { SipRequest } from '../../sip/message.js';
import type { DigestAlgorithm } from '../../sip/digest.js';
import { emptyNonceCounts, nonceCountBuckets, pruneNonceCounts, type NonceCounts } from '../../sip/nonce-counts.js';
import { emptyThrottle, pruneThrottle, type ThrottleTable } from '../../sip/auth-throttle.js';
import type { StoreData } from '../../store/schema.js';
import { accountIndex } from '../../store/account-index.js';
import { parseUri } from '../../adapters/sip-syntax.js';
import { ACCOUNT_THROTTLE_OPTIONS, type AuthenticatorOptions, type DigestFailure } from './authenticator-types.js';

const NONCE_LIFETIME_MS = 5 * 60_000;
const PRUNE_EVERY_MS = 10_000;

export interface AuthState {
  readonly options: AuthenticatorOptions;
  readonly lifetime: number;
  counts: NonceCounts;
  /** Failures per source address. */
  throttle: ThrottleTable;
  /** Failures per account, across sources. */
  accounts: ThrottleTable;
  lastPrune: number;
  /** Source addresses already reported blocked. */
  readonly seenBlocked: Set<string>;
  /** account → source address → last success. */
  readonly goodSources: Map<string, Map<string, number>>;
  /** source address → last success with any account, least recent first. */
  readonly lastSuccess: Map<string, number>;
  /** account → its latest failure; accounts that exist only (no memory for guessed names). */
  readonly failures: Map<string, DigestFailure>;
  /** `account source` → a SHA-256-first challenge sent and not answered yet. */
  readonly pendingSha: Map<string, { offered: DigestAlgorithm[]; atMs: number }>;
}

export function createAuthState(options: AuthenticatorOptions): AuthState {
  return {
    options,
    lifetime: options.nonceLifetimeMs ?? NONCE_LIFETIME_MS,
    counts: emptyNonceCounts(nonceCountBuckets(options.maxNonceCounts)),
    throttle: emptyThrottle(options.throttle?.source),
    accounts: emptyThrottle({ ...ACCOUNT_THROTTLE_OPTIONS, ...options.throttle?.account }),
    lastPrune: 0,
    seenBlocked: new Set<string>(),
    goodSources: new Map<string, Map<string, number>>(),
    lastSuccess: new Map<string, number>(),
    failures: new Map<string, DigestFailure>(),
    pendingSha: new Map<string, { offered: DigestAlgorithm[]; atMs: number }>(),
  };
}

/** Drops expired nonce counts and throttle entries, at most every PRUNE_EVERY_MS. */
export function pruneAuthState(state: AuthState, nowMs: number): void {
  if (nowMs - state.lastPrune > PRUNE_EVERY_MS) {
    state.counts = pruneNonceCounts(state.counts, nowMs, state.lifetime);
    state.throttle = pruneThrottle(state.throttle, nowMs);
    state.accounts = pruneThrottle(state.accounts, nowMs);
    state.lastPrune = nowMs;
  }
}

/** The SIP password of an account: an extension's, or a hot-desk phone's own idle account. */
export function passwordOf(data: StoreData, account: string): string | undefined {
  return accountIndex(data).password(account);
}

/** The algorithms offered and accepted for an account (undefined: the digest module's default). */
export function offeredFor(state: AuthState, account: string | undefined): readonly DigestAlgorithm[] | undefined {
  return state.options.algorithmsFor?.(account) ?? state.options.algorithms;
}

/** The account a request without credentials names: the To user registers, the From user calls. */
export function namedAccount(request: SipRequest, mode: 'registrar' | 'proxy'): string | undefined {
  const header = mode === 'registrar' ? request.headers.to : request.headers.from;
  const uri = header?.uri;
  if (!uri) return undefined;
  try {
    return parseUri(uri)?.user ?? undefined;
  } catch {
    return undefined;
  }
}
