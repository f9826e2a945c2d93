/**
 * HTTP Digest authentication for SIP (RFC 3261 §22, RFC 7616, RFC 8760), server
 * side: challenges for 401/407 and the verdict on credentials (parsed from
 * Authorization / Proxy-Authorization by digest-credentials.ts). Hashing comes in through the
 * {@link DigestCrypto} port; time and the nonce secret are passed in.
 *
 * Choices:
 * - Only `qop=auth` is offered and accepted (phones do not use `auth-int`).
 *   Credentials without qop (RFC 2069 style, allowed by RFC 3261) are refused
 *   unless `allowMissingQop` is set; then each nonce may be used once.
 * - `uri` must name the Request-URI (RFC 7616 §3.4.6): the texts must be equal,
 *   except that scheme and host[:port] compare case-insensitively (RFC 3261
 *   §19.1.4). Parameters and headers must be the same text in the same order.
 */
import type { AuthParams } from './message.js';
import type { DigestCrypto } from './digest-crypto.js';
import {
  DEFAULT_DIGEST_ALGORITHMS,
  DIGEST_ALGORITHMS,
  hashOf,
  type DigestAlgorithm,
  type DigestCredentials,
  type DigestQopFields,
} from './digest-credentials.js';

export {
  DEFAULT_DIGEST_ALGORITHMS,
  DIGEST_ALGORITHMS,
  parseCredentials,
  type DigestAlgorithm,
  type DigestCredentials,
  type DigestQopFields,
} from './digest-credentials.js';
import { checkNonce, nonceAge, type NonceCheck } from './nonce.js';
import { applyNonceCount, nonceCountOf, NONCE_COUNTS_MAX_ENTRIES, type NonceCounts } from './nonce-counts.js';

export interface ChallengeOptions {
  realm: string;
  nonce: string;
  /** RFC 7616 §3.3: the previous nonce expired but the digest was right; the client retries silently. */
  stale?: boolean;
  /** Algorithms to offer (default {@link DEFAULT_DIGEST_ALGORITHMS}); sent in {@link DIGEST_ALGORITHMS} order, once each. */
  algorithms?: readonly DigestAlgorithm[];
  opaque?: string;
}

/** A quoted-string (RFC 3261 §25.1): backslash and double quote escaped. */
const quote = (text: string) => `"${text.replace(/[\\"]/g, '\\$&')}"`;

/**
 * One challenge per offered algorithm, most preferred first (RFC 8760 §2.3;
 * the client uses the topmost it supports), ready for `headers['www-authenticate']`
 * (401) or `headers['proxy-authenticate']` (407).
 */
export function buildChallenges(options: ChallengeOptions): AuthParams[] {
  const wanted = options.algorithms ?? DEFAULT_DIGEST_ALGORITHMS;
  return DIGEST_ALGORITHMS.filter((algorithm) => wanted.includes(algorithm)).map((algorithm) => ({
    scheme: 'Digest',
    realm: quote(options.realm),
    nonce: quote(options.nonce),
    ...(options.opaque !== undefined ? { opaque: quote(options.opaque) } : {}),
    ...(options.stale ? { stale: 'TRUE' } : {}),
    algorithm,
    // RFC 7616 §3.3: a server must send qop.
    qop: '"auth"',
  }));
}

/** What {@link computeResponse} hashes. */
export type DigestInput = {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
} & DigestQopFields;

/**
 * The `response` value (lowercase hex) for `input`. Always three hashes, four
 * for `-sess` (whose cnonce is empty when there is no qop; RFC 7616 requires qop
 * with `-sess`, and {@link parseCredentials} enforces it).
 */
export function computeResponse(crypto: DigestCrypto, input: DigestInput): string {
  const hash = (text: string) => crypto.hash(hashOf(input.algorithm), text);
  // RFC 7616 §3.4.2: A1 = username:realm:password; for -sess, H(A1):nonce:cnonce.
  let ha1 = hash(`${input.username}:${input.realm}:${input.password}`);
  if (input.algorithm.endsWith('-sess')) ha1 = hash(`${ha1}:${input.nonce}:${input.cnonce ?? ''}`);
  // RFC 7616 §3.4.3: A2 = method:digest-uri for qop=auth.
  const ha2 = hash(`${input.method}:${input.uri}`);
  // RFC 7616 §3.4.1 with qop; RFC 2069 (RFC 2617 §3.2.2.1) without.
  return input.qop === 'auth'
    ? hash(`${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:auth:${ha2}`)
    : hash(`${ha1}:${input.nonce}:${ha2}`);
}

/** The Request-URI as compared with `uri`: scheme and host[:port] lowercased, the rest as is. */
function uriKey(uri: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):(?:([^@;?]*)@)?([^;?]*)([\s\S]*)$/.exec(uri.trim());
  if (!match) return uri.trim();
  const user = match[2] !== undefined ? `${match[2]}@` : '';
  return `${match[1]!.toLowerCase()}:${user}${match[3]!.toLowerCase()}${match[4]!}`;
}

/**
 * Why credentials were refused, in the order checked. Every reason before
 * `unknown-user` is independent of the user (a forged or foreign nonce, say
 * after a restart with a new secret), so callers may treat those differently,
 * e.g. not count them as guesses. `unknown-user` and `response` must be answered
 * and counted alike, or the answers tell which users exist; the difference is
 * for logs only.
 */
export type DigestWrongReason =
  'nonce' | 'realm' | 'algorithm' | 'qop' | 'opaque' | 'uri' | 'unknown-user' | 'response';

/**
 * - `ok`: authenticated; keep `counts` (the nonce's nc recorded).
 * - `stale`: right password on an expired nonce: challenge again with stale=true (RFC 7616 §3.3).
 * - `replay`: right password but an nc already used on this nonce: challenge again.
 * - `wrong`: anything else: challenge again without stale (or 403 once throttled).
 */
export type DigestVerdict =
  | { kind: 'ok'; counts: NonceCounts }
  | { kind: 'stale' }
  | { kind: 'replay' }
  | { kind: 'wrong'; reason: DigestWrongReason };

export interface CheckCredentialsInput {
  credentials: DigestCredentials;
  /** The request's method (CSeq method), hashed into A2. */
  method: string;
  /** The Request-URI as received (the text of the request line). */
  requestUri: string;
  /** Our realm. */
  realm: string;
  /** The account's SIP password, or `undefined` when no such user exists. */
  password: string | undefined;
  /** The nonce secret makeNonce (nonce.ts) used. */
  secret: string;
  nowMs: number;
  nonceLifetimeMs: number;
  counts: NonceCounts;
  /** Algorithms we offered (default {@link DEFAULT_DIGEST_ALGORITHMS}); others are refused. */
  algorithms?: readonly DigestAlgorithm[];
  /** The opaque we sent, if any: it must come back unchanged (RFC 7616 §3.4). */
  opaque?: string;
  /** Accept credentials without qop (RFC 2069 style): each nonce then serves one request. Default false. */
  allowMissingQop?: boolean;
  maxNonceCounts?: number;
  /**
   * What identifies this request besides its credentials (the top Via branch): with it, an
   * exact retransmission of the request accepted last on the nonce is accepted again (nonce-counts.ts).
   */
  retransmissionKey?: string;
}

/** Hashed in place of the password of a user who does not exist, so both cost the same. */
const UNKNOWN_USER_PASSWORD = '\u0000hotdesk:no-such-user';

/**
 * The verdict on `credentials` for a request. Every input takes the same path
 * and the same port calls (one HMAC, three or four hashes depending only on the
 * algorithm the client chose, two constant-time comparisons), whether the user
 * exists or not and wherever the credentials are wrong; the reasons are sorted
 * out only at the end. A nonce that already has counts was found authentic when
 * they were first kept (only an accepted request keeps them): its MAC is not
 * checked again (one HMAC and one comparison fewer, which tells only what the
 * nonce, sent in the clear, tells anyway).
 */
export function checkCredentials(crypto: DigestCrypto, input: CheckCredentialsInput): DigestVerdict {
  const { credentials } = input;
  const known = input.password !== undefined;
  const counted = nonceCountOf(input.counts, credentials.nonce);
  const nonce = counted
    ? nonceAge(counted.issuedMs, input.nowMs, input.nonceLifetimeMs)
    : checkNonce(crypto, input.secret, credentials.nonce, input.nowMs, input.nonceLifetimeMs);
  const expected = computeResponse(crypto, {
    ...credentials,
    realm: input.realm,
    password: input.password ?? UNKNOWN_USER_PASSWORD,
    method: input.method,
  });
  // Constant-time comparison: how much of a guess was right must not show in the timing.
  const matches = crypto.equal(expected, credentials.response);

  // Reasons that do not depend on the user come first, so only the last two can tell users apart.
  return concludeDigest(
    [
      nonce === 'invalid' && 'nonce',
      // RFC 7616 §3.4: realm must be ours.
      credentials.realm !== input.realm && 'realm',
      !(input.algorithms ?? DEFAULT_DIGEST_ALGORITHMS).includes(credentials.algorithm) && 'algorithm',
      // RFC 7616 §3.3: qop is required; RFC 3261 §22.4 tolerates its absence only by choice.
      credentials.qop === undefined && !input.allowMissingQop && 'qop',
      // RFC 7616 §3.4: opaque must be returned unchanged.
      input.opaque !== undefined && credentials.opaque !== input.opaque && 'opaque',
      // RFC 7616 §3.4.6: uri must name the Request-URI.
      credentials.uri !== input.requestUri && uriKey(credentials.uri) !== uriKey(input.requestUri) && 'uri',
      !known && 'unknown-user',
      !matches && 'response',
    ],
    nonce,
    input,
  );
}

export interface NonceCountInput {
  counts: NonceCounts;
  credentials: DigestCredentials;
  nowMs: number;
  maxNonceCounts?: number;
  /** See {@link CheckCredentialsInput.retransmissionKey}. */
  retransmissionKey?: string;
}

/**
 * The verdict once every check is made (SIP's {@link checkCredentials} and the HTTP
 * digest's alike): the first failed check in the order given, else stale for an
 * expired nonce (RFC 7616 §3.3: only when the digest is right), else the nonce count
 * (RFC 7616 §3.4 / §5.5: nc must grow on every use of a nonce; without qop a nonce
 * serves once).
 */
export function concludeDigest(
  failed: readonly (DigestWrongReason | false)[],
  nonce: NonceCheck,
  count: NonceCountInput,
): DigestVerdict {
  const wrong = failed.find((reason): reason is DigestWrongReason => reason !== false);
  if (wrong) return { kind: 'wrong', reason: wrong };
  if (nonce === 'stale') return { kind: 'stale' };
  const { credentials } = count;
  const applied = applyNonceCount(
    count.counts,
    credentials.nonce,
    credentials.nc ?? '00000001',
    count.nowMs,
    count.maxNonceCounts ?? NONCE_COUNTS_MAX_ENTRIES,
    count.retransmissionKey === undefined
      ? undefined
      : `${count.retransmissionKey}|${credentials.cnonce ?? ''}|${credentials.response}`,
  );
  // A nonce whose counts were dropped for room is stale, never new again (nonce-counts.ts).
  if (applied.verdict === 'stale') return { kind: 'stale' };
  return applied.fresh ? { kind: 'ok', counts: applied.state } : { kind: 'replay' };
}
