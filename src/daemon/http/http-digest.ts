/**
 * HTTP Digest authentication (RFC 7616) for the provisioning tree, when the
 * office has set credentials (`settings.provisioningAuth`). The store holds HA1
 * values, never the password, so the check starts from HA1; the rest is the SIP
 * digest code's: challenges (sip/digest buildChallenges), credential parsing
 * (parseCredentials), self-validating nonces (sip/nonce), nc replay refusal
 * (sip/nonce-counts) and the per-address guessing throttle (sip/auth-throttle).
 *
 * MD5 is offered first and SHA-256 second: provisioning clients use the first
 * challenge they can read, and some can read no other (phones.md §10: desk
 * phones answer MD5); a client that picks the strongest it knows takes SHA-256.
 */
import type { ProvisioningAuth } from '../../core/model.js';
import type { AuthParams } from '../../sip/message.js';
import type { DigestCrypto, DigestHash } from '../../sip/digest-crypto.js';
import {
  buildChallenges,
  concludeDigest,
  parseCredentials,
  type DigestAlgorithm,
  type DigestCredentials,
  type DigestVerdict,
  type DigestWrongReason,
} from '../../sip/digest.js';
import { checkNonce, makeNonce, NONCE_RANDOM_BYTES } from '../../sip/nonce.js';
import { emptyNonceCounts, nonceCountBuckets, pruneNonceCounts, type NonceCounts } from '../../sip/nonce-counts.js';
import {
  checkThrottle,
  emptyThrottle,
  pruneThrottle,
  recordFailure,
  recordSuccess,
  type ThrottleOptions,
  type ThrottleTable,
} from '../../sip/auth-throttle.js';

export type HttpDigestAlgorithm = 'MD5' | 'SHA-256';

/** Challenge order: MD5 first (see above). */
export const HTTP_DIGEST_ALGORITHMS: readonly HttpDigestAlgorithm[] = ['MD5', 'SHA-256'];

/** Longer Authorization headers are not digest credentials. */
const MAX_HEADER = 4096;
const TOKEN = "[A-Za-z0-9!#$%&'*+.^_`|~-]+";
const SCHEME = new RegExp(`^\\s*(${TOKEN})\\s+([\\s\\S]*)$`);
// RFC 9110 §11.2: auth-param = token BWS "=" BWS ( token / quoted-string ), separated by commas.
const PARAM = new RegExp(`^\\s*(${TOKEN})\\s*=\\s*("(?:[^"\\\\]|\\\\[\\s\\S])*"|[^\\s,"]+)\\s*(?:,|$)`);

/**
 * An Authorization header value as scheme and raw parameters (quoted values keep
 * their quotes, as parseCredentials expects), or `undefined` when it is not one
 * well-formed challenge response. Never throws.
 */
export function parseAuthorization(header: string | undefined): AuthParams | undefined {
  if (header === undefined || header.length > MAX_HEADER) return undefined;
  const scheme = SCHEME.exec(header);
  if (!scheme) return undefined;
  const params: AuthParams = { scheme: scheme[1]! };
  let rest = scheme[2]!;
  while (rest.trim() !== '') {
    const param = PARAM.exec(rest);
    if (!param) return undefined;
    const name = param[1]!.toLowerCase();
    if (name === 'scheme' || params[name] !== undefined) return undefined;
    params[name] = param[2]!;
    rest = rest.slice(param[0].length);
  }
  return params;
}

/** One WWW-Authenticate value from a challenge built by buildChallenges (values already quoted). */
export function formatChallenge(params: AuthParams): string {
  const { scheme, ...rest } = params;
  const fields = Object.entries(rest).flatMap(([name, value]) => (value === undefined ? [] : [`${name}=${value}`]));
  return `${scheme} ${fields.join(', ')}`;
}

const hashOf = (algorithm: DigestAlgorithm): DigestHash => (algorithm.startsWith('SHA-256') ? 'SHA-256' : 'MD5');

export interface CheckHa1Input {
  credentials: DigestCredentials;
  method: string;
  /** The request-target as received: `uri` must be exactly this (RFC 7616 §3.4.6). */
  target: string;
  auth: ProvisioningAuth;
  secret: string;
  nowMs: number;
  nonceLifetimeMs: number;
  counts: NonceCounts;
  algorithms: readonly DigestAlgorithm[];
  maxNonceCounts?: number;
}

/**
 * The verdict on digest credentials against stored HA1 values. The same checks,
 * in the same order, as sip/digest checkCredentials; every input costs the same
 * hashes (an unknown user is checked against a stand-in HA1).
 */
export function checkHa1Credentials(crypto: DigestCrypto, input: CheckHa1Input): DigestVerdict {
  const { credentials, auth } = input;
  const hash = (text: string) => crypto.hash(hashOf(credentials.algorithm), text);
  const nonce = checkNonce(crypto, input.secret, credentials.nonce, input.nowMs, input.nonceLifetimeMs);
  const standIn = hash(`\u0000hotdesk:no-such-user:${credentials.username}`);
  const known = credentials.username === auth.username;
  const stored = hashOf(credentials.algorithm) === 'MD5' ? auth.ha1.md5 : auth.ha1.sha256;
  // RFC 7616 §3.4.2: for -sess, HA1 = H(H(A1):nonce:cnonce).
  let ha1 = known ? stored : standIn;
  if (credentials.algorithm.endsWith('-sess')) ha1 = hash(`${ha1}:${credentials.nonce}:${credentials.cnonce ?? ''}`);
  // RFC 7616 §3.4.3: A2 = method:digest-uri.
  const ha2 = hash(`${input.method}:${credentials.uri}`);
  const expected =
    credentials.qop === 'auth'
      ? hash(`${ha1}:${credentials.nonce}:${credentials.nc}:${credentials.cnonce}:auth:${ha2}`)
      : hash(`${ha1}:${credentials.nonce}:${ha2}`);
  const matches = crypto.equal(expected, credentials.response);

  return concludeDigest(
    [
      nonce === 'invalid' && 'nonce',
      credentials.realm !== auth.realm && 'realm',
      !input.algorithms.includes(credentials.algorithm) && 'algorithm',
      // RFC 7616 §3.3: the server sent qop, so the client must use it.
      credentials.qop === undefined && 'qop',
      credentials.uri !== input.target && 'uri',
      !known && 'unknown-user',
      !matches && 'response',
    ],
    nonce,
    input,
  );
}

export interface HttpDigestOptions {
  /** The office's credentials now, or `undefined` when provisioning is open. */
  auth: () => ProvisioningAuth | undefined;
  crypto: DigestCrypto;
  random: (bytes: number) => Uint8Array;
  /** Secret for nonce MACs (random per start). */
  secret: string;
  /** Offered in this order and accepted (default {@link HTTP_DIGEST_ALGORITHMS}). */
  algorithms?: readonly HttpDigestAlgorithm[];
  nonceLifetimeMs?: number;
  throttle?: Partial<ThrottleOptions>;
}

export interface HttpAuthInput {
  method: string;
  target: string;
  authorization: string | undefined;
  /** Client address: failures are counted per address. */
  source: string;
  nowMs: number;
}

export type HttpAuthVerdict =
  /** No credentials are set, or the request carried right ones. */
  | { kind: 'pass' }
  /** 401 with these WWW-Authenticate values, after `delayMs`. */
  | {
      kind: 'challenge';
      challenges: string[];
      why: 'no-credentials' | 'stale' | 'replay' | DigestWrongReason;
      delayMs: number;
    }
  /** Too many wrong guesses from this address: 403 without looking. */
  | { kind: 'blocked' };

export interface HttpDigest {
  check(input: HttpAuthInput): HttpAuthVerdict;
}

const NONCE_LIFETIME_MS = 5 * 60_000;
const PRUNE_EVERY_MS = 10_000;

export function createHttpDigest(options: HttpDigestOptions): HttpDigest {
  const algorithms = options.algorithms ?? HTTP_DIGEST_ALGORITHMS;
  const lifetime = options.nonceLifetimeMs ?? NONCE_LIFETIME_MS;
  let counts: NonceCounts = emptyNonceCounts(nonceCountBuckets());
  let throttle: ThrottleTable = emptyThrottle(options.throttle);
  let lastPrune = 0;

  const challenge = (
    auth: ProvisioningAuth,
    nowMs: number,
    why: Extract<HttpAuthVerdict, { kind: 'challenge' }>['why'],
    delayMs: number,
  ): HttpAuthVerdict => {
    const nonce = makeNonce(options.crypto, options.secret, nowMs, options.random(NONCE_RANDOM_BYTES));
    const stale = why === 'stale';
    // One challenge per algorithm, in our order (buildChallenges sorts strongest first).
    const challenges = algorithms.flatMap((algorithm) =>
      buildChallenges({ realm: auth.realm, nonce, stale, algorithms: [algorithm] }).map(formatChallenge),
    );
    return { kind: 'challenge', challenges, why, delayMs };
  };

  return {
    check(input) {
      const auth = options.auth();
      if (!auth) return { kind: 'pass' };
      const { nowMs, source } = input;
      if (nowMs - lastPrune > PRUNE_EVERY_MS) {
        counts = pruneNonceCounts(counts, nowMs, lifetime);
        throttle = pruneThrottle(throttle, nowMs);
        lastPrune = nowMs;
      }
      const before = checkThrottle(throttle, source, nowMs);
      if (before.kind === 'block') return { kind: 'blocked' };
      const delayMs = before.kind === 'delay' ? before.ms : 0;
      const params = parseAuthorization(input.authorization);
      const credentials = params ? parseCredentials(params) : undefined;
      if (!credentials) return challenge(auth, nowMs, 'no-credentials', delayMs);
      const verdict = checkHa1Credentials(options.crypto, {
        credentials,
        method: input.method,
        target: input.target,
        auth,
        secret: options.secret,
        nowMs,
        nonceLifetimeMs: lifetime,
        counts,
        algorithms,
      });
      switch (verdict.kind) {
        case 'ok':
          counts = verdict.counts;
          throttle = recordSuccess(throttle, source);
          return { kind: 'pass' };
        case 'stale':
        case 'replay':
          return challenge(auth, nowMs, verdict.kind, delayMs);
        case 'wrong': {
          // Only a wrong user or password is a guess; a foreign or garbled nonce, realm or uri says nothing.
          if (verdict.reason !== 'unknown-user' && verdict.reason !== 'response')
            return challenge(auth, nowMs, verdict.reason, delayMs);
          throttle = recordFailure(throttle, source, nowMs);
          const after = checkThrottle(throttle, source, nowMs);
          if (after.kind === 'block') return { kind: 'blocked' };
          return challenge(auth, nowMs, verdict.reason, after.kind === 'delay' ? after.ms : 0);
        }
      }
    },
  };
}
