/**
 * HTTP Digest authentication for SIP (RFC 3261 §22, RFC 7616, RFC 8760), server
 * side: challenges for 401/407, credentials parsed from Authorization /
 * Proxy-Authorization, and the verdict on them. Hashing comes in through the
 * {@link DigestCrypto} port; time and the nonce secret are passed in.
 *
 * Choices:
 * - Only `qop=auth` is offered and accepted (phones do not use `auth-int`).
 *   Credentials without qop (RFC 2069 style, allowed by RFC 3261) are refused
 *   unless `allowMissingQop` is set; then each nonce may be used once.
 * - Parameter values are accepted quoted or as tokens (RFC 7616 §3.4 says which
 *   form a client must send; old phones get it wrong both ways, and the form
 *   carries no meaning). Parameter names and the scheme are case-insensitive.
 * - `uri` must name the Request-URI (RFC 7616 §3.4.6): the texts must be equal,
 *   except that scheme and host[:port] compare case-insensitively (RFC 3261
 *   §19.1.4). Parameters and headers must be the same text in the same order.
 * - `userhash` (RFC 7616 §3.4.4) is never offered, so credentials using it are
 *   refused as malformed.
 */
import type { AuthParams } from './message.js';
import type { DigestCrypto, DigestHash } from './digest-crypto.js';
import { checkNonce, nonceAge, type NonceCheck } from './nonce.js';
import { applyNonceCount, nonceCountOf, NONCE_COUNTS_MAX_ENTRIES, type NonceCounts } from './nonce-counts.js';

/** RFC 7616 §3.3, §6.1 / RFC 8760 §2.1 algorithm names, in their canonical spelling. */
export type DigestAlgorithm = 'SHA-256' | 'SHA-256-sess' | 'MD5' | 'MD5-sess';

/** Every supported algorithm, most preferred first: the order challenges are sent in. */
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess'];

/** What hotdesk offers by default: SHA-256 for phones that have it, MD5 for the rest. */
export const DEFAULT_DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];

const hashOf = (algorithm: DigestAlgorithm): DigestHash => (algorithm.startsWith('SHA-256') ? 'SHA-256' : 'MD5');
const HEX_LENGTH: Record<DigestHash, number> = { MD5: 32, 'SHA-256': 64 };

/** `qop=auth` with its count and client nonce, or no qop at all (RFC 2069 compatibility). */
export type DigestQopFields =
  { qop: 'auth'; nc: string; cnonce: string } | { qop?: undefined; nc?: undefined; cnonce?: undefined };

/** Credentials from an Authorization / Proxy-Authorization header, unquoted. */
export type DigestCredentials = {
  username: string;
  realm: string;
  nonce: string;
  /** The digest-uri as sent. */
  uri: string;
  /** Lowercase hex, the length of the algorithm's hash. */
  response: string;
  algorithm: DigestAlgorithm;
  opaque?: string;
} & DigestQopFields;

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

/** A parameter value without its quotes and escapes; `undefined` for a broken quoted-string. */
function unquote(raw: string): string | undefined {
  if (!raw.startsWith('"')) return raw.includes('"') ? undefined : raw;
  if (raw.length < 2 || !raw.endsWith('"')) return undefined;
  const inner = raw.slice(1, -1);
  // Most values hold no quoted-pair: the text between the quotes, if no bare quote is in it.
  if (!inner.includes('\\')) return inner.includes('"') ? undefined : inner;
  let text = '';
  for (let index = 0; index < inner.length; index++) {
    const char = inner[index]!;
    if (char === '"') return undefined;
    if (char === '\\') {
      // RFC 3261 §25.1 quoted-pair
      index++;
      if (index >= inner.length) return undefined;
      text += inner[index];
    } else text += char;
  }
  return text;
}

/** Parameter values by lowercase name, unquoted; `undefined` if any is broken or a name repeats. */
function unquotedParams(params: AuthParams): Map<string, string> | undefined {
  const values = new Map<string, string>();
  for (const [name, raw] of Object.entries(params)) {
    if (name === 'scheme' || raw === undefined || raw === null) continue;
    const key = name.toLowerCase();
    const value = unquote(String(raw));
    if (value === undefined || values.has(key)) return undefined;
    values.set(key, value);
  }
  return values;
}

function parseAlgorithm(text: string | undefined): DigestAlgorithm | undefined {
  // RFC 7616 §3.3: absent means MD5.
  if (text === undefined) return 'MD5';
  // RFC 7616 §3.3 algorithm names are tokens compared case-insensitively.
  return DIGEST_ALGORITHMS.find((algorithm) => algorithm.toLowerCase() === text.toLowerCase());
}

/**
 * Digest credentials from one Authorization / Proxy-Authorization entry, or
 * `undefined` when malformed or unsupported: not Digest, a required parameter
 * missing or empty, an unknown algorithm, a response that is not hex of the
 * algorithm's length, qop other than `auth`, qop without nc/cnonce (or nc/cnonce
 * without qop), nc not 8 hex digits, `-sess` without qop, userhash.
 */
export function parseCredentials(params: AuthParams): DigestCredentials | undefined {
  if (typeof params.scheme !== 'string' || params.scheme.toLowerCase() !== 'digest') return undefined;
  const values = unquotedParams(params);
  if (!values) return undefined;
  const username = values.get('username');
  const realm = values.get('realm');
  const nonce = values.get('nonce');
  const uri = values.get('uri');
  const response = values.get('response');
  // RFC 7616 §3.4: username, realm, nonce, uri and response are required.
  if (!username || realm === undefined || !nonce || !uri || !response) return undefined;
  const algorithm = parseAlgorithm(values.get('algorithm'));
  if (!algorithm) return undefined;
  // RFC 7616 §3.4.1: response is the hex hash, as long as the algorithm's output.
  if (!/^[0-9a-fA-F]+$/.test(response) || response.length !== HEX_LENGTH[hashOf(algorithm)]) return undefined;
  if (values.get('userhash')?.toLowerCase() === 'true') return undefined;
  const opaque = values.get('opaque');
  const base = {
    username,
    realm,
    nonce,
    uri,
    response: response.toLowerCase(),
    algorithm,
    ...(opaque !== undefined ? { opaque } : {}),
  };
  const qop = values.get('qop');
  const nc = values.get('nc');
  const cnonce = values.get('cnonce');
  if (qop === undefined) {
    // RFC 2617 §3.2.2: cnonce and nc only with qop; RFC 7616 §3.4.2: -sess needs cnonce.
    if (nc !== undefined || cnonce !== undefined || algorithm.endsWith('-sess')) return undefined;
    return base;
  }
  if (qop.toLowerCase() !== 'auth') return undefined;
  // RFC 7616 §3.4: with qop, nc (8 hex digits) and cnonce are required.
  if (nc === undefined || !/^[0-9a-fA-F]{8}$/.test(nc) || !cnonce) return undefined;
  return { ...base, qop: 'auth', nc, cnonce };
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
      uriKey(credentials.uri) !== uriKey(input.requestUri) && 'uri',
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
