/**
 * Digest authentication for the registrar (401) and the proxy (407), with
 * self-validating nonces, nc replay refusal and a per-source failure throttle.
 * The rules are the pure modules' (sip/digest, sip/nonce, sip/auth-throttle);
 * this keeps their state between requests.
 */
import type { Endpoint, SipRequest, SipResponse } from '../../sip/message.js';
import { buildResponse } from '../../sip/message.js';
import type { DigestCrypto } from '../../sip/digest-crypto.js';
import {
  buildChallenges,
  checkCredentials,
  parseCredentials,
  type DigestAlgorithm,
  type DigestCredentials,
} from '../../sip/digest.js';
import { makeNonce } from '../../sip/nonce.js';
import { emptyNonceCounts, pruneNonceCounts, type NonceCounts } from '../../sip/nonce-counts.js';
import {
  blockedKeys,
  checkThrottle,
  clearThrottle,
  emptyThrottle,
  pruneThrottle,
  recordFailure,
  recordSuccess,
  type ThrottleOptions,
  type ThrottleTable,
} from '../../sip/auth-throttle.js';
import type { StoreData } from '../../store/schema.js';
import { parseUri, stringifyUri } from '../../adapters/sip-syntax.js';
import { sipTag } from '../../adapters/secrets.js';

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
const GOOD_SOURCE_MS = 24 * 3600_000;
const MAX_GOOD_SOURCES_PER_ACCOUNT = 8;
const MAX_GOOD_ACCOUNTS = 10_000;
/**
 * A source that authenticated successfully this recently is not reported for
 * banning when it is blocked (the shipped fail2ban jail's findtime, 1 h): UDP
 * source addresses are easily forged, and a ban would cut a working phone off.
 */
export const GOOD_SOURCE_WINDOW_MS = 60 * 60_000;
const MAX_GOOD_SOURCE_ADDRESSES = 10_000;

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

const NONCE_LIFETIME_MS = 5 * 60_000;
const PRUNE_EVERY_MS = 10_000;

/** The SIP password of an account: an extension's, or a hot-desk phone's own idle account. */
export function passwordOf(data: StoreData, account: string): string | undefined {
  return (
    data.extensions.find((ext) => ext.number === account)?.sipPassword ??
    data.phones.find((phone) => phone.name === account)?.idlePassword
  );
}

/** The user of the From URI: who a request without credentials says it is. */
function claimedUser(request: SipRequest): string | undefined {
  const uri = request.headers.from?.uri;
  const parsed = typeof uri === 'string' ? parseUri(uri) : uri;
  return parsed?.user ?? undefined;
}

const tag = sipTag;

const MAX_DIGEST_FAILURES = 200;

/** The account a request without credentials names: the To user registers, the From user calls. */
function namedAccount(request: SipRequest, mode: 'registrar' | 'proxy'): string | undefined {
  const header = mode === 'registrar' ? request.headers.to : request.headers.from;
  const uri = header?.uri;
  if (!uri) return undefined;
  try {
    return parseUri(uri)?.user ?? undefined;
  } catch {
    return undefined;
  }
}

export function createDigestAuthenticator(options: AuthenticatorOptions): Authenticator {
  const lifetime = options.nonceLifetimeMs ?? NONCE_LIFETIME_MS;
  let counts: NonceCounts = emptyNonceCounts();
  let throttle: ThrottleTable = emptyThrottle(options.throttle?.source);
  let accounts: ThrottleTable = emptyThrottle({ ...ACCOUNT_THROTTLE_OPTIONS, ...options.throttle?.account });
  let lastPrune = 0;
  const seenBlocked = new Set<string>();
  /** account → source address → last success. */
  const goodSources = new Map<string, Map<string, number>>();
  const rememberGood = (account: string, source: string, nowMs: number): void => {
    const sources = goodSources.get(account) ?? new Map<string, number>();
    goodSources.delete(account);
    goodSources.set(account, sources);
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
  };
  /** source address → last success with any account, least recent first. */
  const lastSuccess = new Map<string, number>();
  const rememberSuccess = (source: string, nowMs: number): void => {
    lastSuccess.delete(source);
    lastSuccess.set(source, nowMs);
    for (const oldest of lastSuccess.keys()) {
      if (lastSuccess.size <= MAX_GOOD_SOURCE_ADDRESSES) break;
      lastSuccess.delete(oldest);
    }
  };
  const succeededLately = (source: string, nowMs: number): boolean => {
    const at = lastSuccess.get(source);
    return at !== undefined && nowMs - at < GOOD_SOURCE_WINDOW_MS;
  };
  const isGood = (account: string, source: string, nowMs: number): boolean => {
    const at = goodSources.get(account)?.get(source);
    return at !== undefined && nowMs - at < GOOD_SOURCE_MS;
  };
  const offeredFor = (account: string | undefined): readonly DigestAlgorithm[] | undefined =>
    options.algorithmsFor?.(account) ?? options.algorithms;
  /** account → its latest failure; accounts that exist only (no memory for guessed names). */
  const failures = new Map<string, DigestFailure>();
  /** `account source` → a SHA-256-first challenge sent and not answered yet. */
  const pendingSha = new Map<string, { offered: DigestAlgorithm[]; atMs: number }>();
  const recordDigestFailure = (failure: DigestFailure): void => {
    if (passwordOf(options.store(), failure.account) === undefined) return;
    failures.delete(failure.account);
    failures.set(failure.account, failure);
    for (const oldest of failures.keys()) {
      if (failures.size <= MAX_DIGEST_FAILURES) break;
      failures.delete(oldest);
    }
  };
  const forbidden = (request: SipRequest): AuthVerdict => ({
    kind: 'refused',
    response: buildResponse(request, 403, 'Forbidden', { toTag: tag() }),
    delayMs: 0,
  });

  const challenge = (
    request: SipRequest,
    mode: 'registrar' | 'proxy',
    nowMs: number,
    stale: boolean,
    delayMs: number,
    account?: string,
  ): AuthVerdict => {
    const nonce = makeNonce(options.crypto, options.secret, nowMs, options.random(16));
    const algorithms = offeredFor(account ?? namedAccount(request, mode));
    const challenges = buildChallenges({ realm: options.realm(), nonce, stale, ...(algorithms ? { algorithms } : {}) });
    const response =
      mode === 'registrar'
        ? buildResponse(request, 401, 'Unauthorized', { headers: { 'www-authenticate': challenges }, toTag: tag() })
        : buildResponse(request, 407, 'Proxy Authentication Required', {
            headers: { 'proxy-authenticate': challenges },
            toTag: tag(),
          });
    return { kind: 'refused', response, delayMs };
  };

  const blocked = (nowMs: number): AuthBlock[] => [
    ...blockedKeys(throttle, nowMs).map(({ key, untilMs }): AuthBlock => ({ kind: 'source', key, untilMs })),
    ...blockedKeys(accounts, nowMs).map(({ key, untilMs }): AuthBlock => ({ kind: 'account', key, untilMs })),
  ];

  return {
    authenticate(request, remote, mode, nowMs, context = {}) {
      if (nowMs - lastPrune > PRUNE_EVERY_MS) {
        counts = pruneNonceCounts(counts, nowMs, lifetime);
        throttle = pruneThrottle(throttle, nowMs);
        accounts = pruneThrottle(accounts, nowMs);
        lastPrune = nowMs;
      }
      const source = remote.address;
      const header = mode === 'registrar' ? request.headers.authorization : request.headers['proxy-authorization'];
      const realm = options.realm();
      const credentials = (header ?? [])
        .map((params) => parseCredentials(params))
        .find((parsed): parsed is DigestCredentials => parsed !== undefined && parsed.realm === realm);
      // The account the request claims (its credentials, else its From), only to decide whether a block applies;
      // valid credentials are still required. Failed digests may carry a forged source address: they never
      // stop an emergency call or a phone registered from that address.
      const claimed = credentials?.username ?? claimedUser(request);
      const exempt =
        context.emergency === true || (claimed !== undefined && context.registeredHere?.(claimed) === true);
      const before = checkThrottle(throttle, source, nowMs);
      if (before.kind === 'block' && !exempt) return forbidden(request);
      const delayMs = before.kind === 'delay' && !exempt ? before.ms : 0;
      if (!credentials) {
        const named = namedAccount(request, mode);
        if (named !== undefined && options.algorithmsFor) {
          // A SHA-256-first challenge this client never answered: its firmware may not know SHA-256.
          const key = `${named} ${source}`;
          const pending = pendingSha.get(key);
          if (pending && nowMs - pending.atMs < lifetime) {
            recordDigestFailure({ account: named, offered: pending.offered, kind: 'no-retry', source, atMs: nowMs });
          }
          pendingSha.delete(key);
          const offered = offeredFor(named) ?? [];
          if (offered[0]?.startsWith('SHA-256') && passwordOf(options.store(), named) !== undefined) {
            pendingSha.set(key, { offered: [...offered], atMs: nowMs });
            for (const oldest of pendingSha.keys()) {
              if (pendingSha.size <= MAX_GOOD_ACCOUNTS) break;
              pendingSha.delete(oldest);
            }
          }
        }
        return challenge(request, mode, nowMs, false, delayMs);
      }
      const account = credentials.username;
      pendingSha.delete(`${account} ${source}`);
      const offered = offeredFor(account);
      const trusted = isGood(account, source, nowMs);
      const forAccount = trusted || exempt ? ({ kind: 'allow' } as const) : checkThrottle(accounts, account, nowMs);
      // The same 403 as a blocked source: a guesser learns nothing about the account.
      if (forAccount.kind === 'block') return forbidden(request);
      const slowdown = Math.max(delayMs, forAccount.kind === 'delay' ? forAccount.ms : 0);

      const verdict = checkCredentials(options.crypto, {
        credentials,
        method: request.method,
        requestUri: typeof request.uri === 'string' ? request.uri : stringifyUri(request.uri),
        realm,
        password: passwordOf(options.store(), credentials.username),
        secret: options.secret,
        nowMs,
        nonceLifetimeMs: lifetime,
        counts,
        retransmissionKey: String(request.headers.via[0]?.params['branch'] ?? ''),
        ...(options.maxNonceCounts !== undefined ? { maxNonceCounts: options.maxNonceCounts } : {}),
        ...(offered ? { algorithms: offered } : {}),
      });
      switch (verdict.kind) {
        case 'ok':
          counts = verdict.counts;
          throttle = recordSuccess(throttle, source);
          accounts = recordSuccess(accounts, account);
          rememberGood(account, source, nowMs);
          rememberSuccess(source, nowMs);
          seenBlocked.delete(source);
          return { kind: 'ok', account };
        case 'stale':
          return challenge(request, mode, nowMs, true, slowdown, account);
        case 'replay':
          return challenge(request, mode, nowMs, false, slowdown, account);
        case 'wrong': {
          // A nonce from before a restart (or forged) says nothing about the password: challenge again, no penalty.
          if (verdict.reason === 'nonce') return challenge(request, mode, nowMs, false, slowdown, account);
          if (verdict.reason === 'algorithm') {
            recordDigestFailure({
              account,
              offered: [...(offered ?? [])],
              kind: 'unoffered-algorithm',
              algorithm: credentials.algorithm,
              source,
              atMs: nowMs,
            });
          }
          throttle = recordFailure(throttle, source, nowMs);
          if (!trusted) {
            const wasBlocked = checkThrottle(accounts, account, nowMs).kind === 'block';
            accounts = recordFailure(accounts, account, nowMs);
            if (!wasBlocked && checkThrottle(accounts, account, nowMs).kind === 'block')
              options.onAccountBlocked?.(account, source);
          }
          const after = checkThrottle(throttle, source, nowMs);
          // A block passed only because the request claimed an exemption: wrong credentials wait the longest delay.
          if (exempt && (before.kind === 'block' || checkThrottle(accounts, account, nowMs).kind === 'block')) {
            return { ...forbidden(request), delayMs: throttle.options.maxDelayMs };
          }
          if (after.kind === 'block') {
            if (!seenBlocked.has(source)) {
              seenBlocked.add(source);
              options.onBlocked?.(source, succeededLately(source, nowMs));
            }
            return forbidden(request);
          }
          const accountAfter = trusted ? undefined : checkThrottle(accounts, account, nowMs);
          if (accountAfter?.kind === 'block') return forbidden(request);
          const wait = Math.max(
            after.kind === 'delay' ? after.ms : 0,
            accountAfter?.kind === 'delay' ? accountAfter.ms : 0,
          );
          return challenge(request, mode, nowMs, false, wait, account);
        }
      }
    },
    blocked,
    unblock(target, nowMs) {
      const lifted = blocked(nowMs).filter((block) => block.key === target);
      throttle = clearThrottle(throttle, target);
      accounts = clearThrottle(accounts, target);
      seenBlocked.delete(target);
      return lifted;
    },
    digestFailures: () => [...failures.values()],
  };
}
