/**
 * The client side of digest (RFC 7616 §3.4): answering a challenge from a
 * server we send to (the trunk, or a phone that challenges our NOTIFY).
 */
import type { AuthParams } from './message.js';
import type { DigestCrypto } from './digest-crypto.js';
import { computeResponse, type DigestAlgorithm } from './digest.js';

const unquote = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : value.replace(/^"(.*)"$/s, '$1').replace(/\\(.)/g, '$1');
const quote = (text: string) => `"${text.replace(/[\\"]/g, '\\$&')}"`;

const ALGORITHMS: Record<string, DigestAlgorithm> = {
  md5: 'MD5',
  'md5-sess': 'MD5-sess',
  'sha-256': 'SHA-256',
  'sha-256-sess': 'SHA-256-sess',
};

export interface ClientCredentials {
  username: string;
  password: string;
  method: string;
  uri: string;
  /** A fresh client nonce (random, from the caller). */
  cnonce: string;
}

/** Picks the strongest challenge we can answer, in the server's order of preference. */
export function pickChallenge(challenges: readonly AuthParams[]): AuthParams | undefined {
  return challenges.find(
    (challenge) =>
      /^digest$/i.test(challenge.scheme) &&
      ALGORITHMS[(unquote(challenge['algorithm']) ?? 'MD5').toLowerCase()] !== undefined,
  );
}

/** The Authorization / Proxy-Authorization value answering `challenge`, or `undefined` if it cannot be answered. */
export function answerChallenge(
  crypto: DigestCrypto,
  challenge: AuthParams,
  credentials: ClientCredentials,
): AuthParams | undefined {
  const algorithm = ALGORITHMS[(unquote(challenge['algorithm']) ?? 'MD5').toLowerCase()];
  const realm = unquote(challenge['realm']);
  const nonce = unquote(challenge['nonce']);
  if (!algorithm || realm === undefined || nonce === undefined) return undefined;
  const qops = (unquote(challenge['qop']) ?? '').split(',').map((qop) => qop.trim().toLowerCase());
  const withQop = qops.includes('auth');
  // RFC 7616 §3.4: with qop the count starts at 00000001 for a new nonce.
  const fields = withQop ? ({ qop: 'auth', nc: '00000001', cnonce: credentials.cnonce } as const) : {};
  const response = computeResponse(crypto, {
    algorithm,
    username: credentials.username,
    realm,
    password: credentials.password,
    method: credentials.method,
    uri: credentials.uri,
    nonce,
    ...fields,
  });
  const opaque = challenge['opaque'];
  return {
    scheme: 'Digest',
    username: quote(credentials.username),
    realm: quote(realm),
    nonce: quote(nonce),
    uri: quote(credentials.uri),
    response: quote(response),
    algorithm,
    ...(withQop ? { qop: 'auth', nc: '00000001', cnonce: quote(credentials.cnonce) } : {}),
    ...(opaque !== undefined ? { opaque } : {}),
  };
}
