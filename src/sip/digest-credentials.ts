/**
 * Digest credentials as a client sends them (RFC 7616 §3.4, RFC 8760): the
 * algorithm names, and the parameters of an Authorization / Proxy-Authorization
 * header checked and unquoted. Parameter values are accepted quoted or as tokens
 * (RFC 7616 §3.4 says which form a client must send; old phones get it wrong both
 * ways, and the form carries no meaning); names and the scheme are
 * case-insensitive; `userhash` (RFC 7616 §3.4.4) is never offered, so credentials
 * using it are refused as malformed. The verdict on them is digest.ts's.
 */
import type { AuthParams } from './message.js';
import type { DigestHash } from './digest-crypto.js';

/** RFC 7616 §3.3, §6.1 / RFC 8760 §2.1 algorithm names, in their canonical spelling. */
export type DigestAlgorithm = 'SHA-256' | 'SHA-256-sess' | 'MD5' | 'MD5-sess';

/** Every supported algorithm, most preferred first: the order challenges are sent in. */
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess'];

/** What hotdesk offers by default: SHA-256 for phones that have it, MD5 for the rest. */
export const DEFAULT_DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];

export const hashOf = (algorithm: DigestAlgorithm): DigestHash => (algorithm.startsWith('SHA-256') ? 'SHA-256' : 'MD5');
export const HEX_LENGTH: Record<DigestHash, number> = { MD5: 32, 'SHA-256': 64 };

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

/** Parameter values by lowercase name, unquoted. */
type Values = Record<string, string | undefined>;

/** Parameter values by lowercase name, unquoted; `undefined` if any is broken or a name repeats. */
function unquotedParams(params: AuthParams): Values | undefined {
  const values: Values = Object.create(null) as Values;
  // Own parameters only: nothing an object inherits counts as one.
  for (const name of Object.keys(params)) {
    const raw = params[name];
    if (name === 'scheme' || raw === undefined || raw === null) continue;
    const key = name.toLowerCase();
    const value = unquote(String(raw));
    if (value === undefined || values[key] !== undefined) return undefined;
    values[key] = value;
  }
  return values;
}

const HEX = /^[0-9a-fA-F]+$/;
const NC = /^[0-9a-fA-F]{8}$/;

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
  const { username, realm, nonce, uri, response, opaque, qop, nc, cnonce } = values;
  // RFC 7616 §3.4: username, realm, nonce, uri and response are required.
  if (!username || realm === undefined || !nonce || !uri || !response) return undefined;
  const algorithm = parseAlgorithm(values['algorithm']);
  if (!algorithm) return undefined;
  // RFC 7616 §3.4.1: response is the hex hash, as long as the algorithm's output.
  if (response.length !== HEX_LENGTH[hashOf(algorithm)] || !HEX.test(response)) return undefined;
  if (values['userhash']?.toLowerCase() === 'true') return undefined;
  const base: DigestCredentials = { username, realm, nonce, uri, response: response.toLowerCase(), algorithm };
  if (opaque !== undefined) base.opaque = opaque;
  if (qop === undefined) {
    // RFC 2617 §3.2.2: cnonce and nc only with qop; RFC 7616 §3.4.2: -sess needs cnonce.
    if (nc !== undefined || cnonce !== undefined || algorithm.endsWith('-sess')) return undefined;
    return base;
  }
  if (qop.toLowerCase() !== 'auth') return undefined;
  // RFC 7616 §3.4: with qop, nc (8 hex digits) and cnonce are required.
  if (nc === undefined || !NC.test(nc) || !cnonce) return undefined;
  return Object.assign(base, { qop: 'auth' as const, nc, cnonce });
}
