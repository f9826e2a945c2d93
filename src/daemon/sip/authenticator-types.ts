/** The digest authenticator's public types and settings (authenticator.ts builds it). */
import type { Endpoint, SipRequest, SipResponse } from '../../sip/message.js';
import type { DigestCrypto } from '../../sip/digest-crypto.js';
import type { DigestAlgorithm } from '../../sip/digest.js';
import type { ThrottleOptions } from '../../sip/auth-throttle.js';
import type { StoreData } from '../../store/schema.js';

export type AuthVerdict = { kind: 'ok'; account: string } | { kind: 'refused'; response: SipResponse; delayMs: number };

/** A block in force: a source address, or an account (refused from every source it has not succeeded from). */
export interface AuthBlock {
  kind: 'source' | 'account';
  key: string;
  untilMs: number;
}

/**
 * What the caller knows about a request that lets valid credentials through
 * any block (failed digests may come from a spoofed source address).
 */
export interface AuthContext {
  /** Whether `account` holds a live registration from the request's source address. */
  registeredHere?(account: string): boolean;
  /** An emergency call: never refused by a block (its credentials are still checked). */
  emergency?: boolean;
}

/**
 * An account whose client did not authenticate with what it was offered
 * (hotdesk doctor): it answered with an algorithm not offered to it, or it
 * was offered SHA-256 first and never came back with credentials.
 */
export interface DigestFailure {
  account: string;
  /** What the challenge offered, most preferred first. */
  offered: DigestAlgorithm[];
  /** `unoffered-algorithm`: credentials for an algorithm not offered; `no-retry`: a SHA-256 challenge never answered before the next request. */
  kind: 'unoffered-algorithm' | 'no-retry';
  /** The algorithm the client used (unoffered-algorithm). */
  algorithm?: string;
  source: string;
  atMs: number;
}

export interface Authenticator {
  authenticate(
    request: SipRequest,
    remote: Endpoint,
    mode: 'registrar' | 'proxy',
    nowMs: number,
    context?: AuthContext,
  ): AuthVerdict;
  /** Blocks in force at `nowMs`, for status displays. */
  blocked(nowMs: number): AuthBlock[];
  /** Lifts the blocks and failure counts of a source address or an account; returns what was lifted. */
  unblock(target: string, nowMs: number): AuthBlock[];
  /** Accounts whose phones failed with the offered algorithm, latest per account (hotdesk doctor). */
  digestFailures(): DigestFailure[];
}

/**
 * Per account, across sources: a slow guess spread over many addresses. Blocked
 * accounts still work from the addresses they succeeded from lately, so a
 * guesser cannot lock a user's own phone out.
 */
export const ACCOUNT_THROTTLE_OPTIONS: Partial<ThrottleOptions> = {
  windowMs: 10 * 60_000,
  delayAfter: 10,
  blockAfter: 30,
  blockMs: 15 * 60_000,
};
/** How long a successful source stays trusted for its account. */
export const GOOD_SOURCE_MS = 24 * 3600_000;
export const MAX_GOOD_SOURCES_PER_ACCOUNT = 8;
export const MAX_GOOD_ACCOUNTS = 10_000;
/**
 * A source that authenticated successfully this recently is not reported for
 * banning when it is blocked (the shipped fail2ban jail's findtime, 1 h): UDP
 * source addresses are easily forged, and a ban would cut a working phone off.
 */
export const GOOD_SOURCE_WINDOW_MS = 60 * 60_000;
export const MAX_GOOD_SOURCE_ADDRESSES = 10_000;

export interface AuthenticatorOptions {
  realm: () => string;
  store: () => StoreData;
  crypto: DigestCrypto;
  /** Random bytes from a cryptographic generator. */
  random: (bytes: number) => Uint8Array;
  /** Secret for nonce MACs; random per process unless given. */
  secret: string;
  nonceLifetimeMs?: number;
  /** Most nonces whose counts are held (default NONCE_COUNTS_MAX_ENTRIES); beyond it the oldest nonces turn stale. */
  maxNonceCounts?: number;
  /** Algorithms offered and accepted (default SHA-256 and MD5). */
  algorithms?: readonly DigestAlgorithm[];
  /**
   * Algorithms offered and accepted for the account a request names (its
   * credentials' username, else the From user for the proxy and the To user for
   * the registrar; undefined when none). Unknown accounts must get the office
   * choice. Wins over `algorithms`.
   */
  algorithmsFor?: (account: string | undefined) => readonly DigestAlgorithm[];
  /**
   * A source address was blocked; `knownGood` when it authenticated successfully within
   * {@link GOOD_SOURCE_WINDOW_MS} (its failures may be spoofed: not for banning).
   */
  onBlocked?(source: string, knownGood: boolean): void;
  /** Throttle settings (tests shorten them): per source address and per account. */
  throttle?: { source?: Partial<ThrottleOptions>; account?: Partial<ThrottleOptions> };
  /** An account was blocked after failures from `lastSource` (and others). */
  onAccountBlocked?(account: string, lastSource: string): void;
}
