/**
 * Self-validating digest nonces (RFC 7616 §3.3, §5.5): no server state is
 * needed to know whether a nonce is ours and how old it is.
 *
 * Layout, all characters base64url-safe (`[0-9a-f]`, `-`, `[A-Za-z0-9_-]`):
 *
 *     <issued at: 12 hex digits, ms> <random: hex> "-" <HMAC-SHA-256(secret, "nonce:" + the part before "-")>
 *
 * The random part makes every nonce unpredictable and distinct; the MAC makes
 * it unforgeable without the secret; the timestamp gives it a lifetime.
 */
import type { DigestCrypto } from './digest-crypto.js';

/** How far in the future an issue time may be (clock stepped back since) before the nonce counts as forged. */
export const NONCE_CLOCK_SKEW_MS = 10_000;

/** Random bytes per nonce that callers should pass (128 bits). */
export const NONCE_RANDOM_BYTES = 16;

/**
 * What a nonce is worth at a given time:
 * - `valid`: ours and within its lifetime;
 * - `stale`: ours but older than its lifetime (RFC 7616 §3.3: challenge again with stale=true
 *   if the digest was otherwise right);
 * - `invalid`: malformed, forged, made with another secret, or issued too far in the future.
 */
export type NonceCheck = 'valid' | 'stale' | 'invalid';

const TIME_DIGITS = 12;
/** Lowest and highest accepted random part, in hex digits (8 and 64 bytes). */
const SHAPE = /^([0-9a-f]{12})((?:[0-9a-f]{2}){8,64})-([A-Za-z0-9_-]{16,128})$/;
/** A malformed nonce is still MACed (same work for every nonce), but never more than this much of it. */
const MAX_MAC_INPUT = 256;

const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function toHex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += HEX_PAIRS[byte]!;
  return text;
}

const macInput = (body: string) => `nonce:${body}`;

/**
 * A fresh nonce issued at `nowMs`. `random` should be {@link NONCE_RANDOM_BYTES}
 * bytes from a cryptographic generator (the adapter's `randomBytes`).
 */
export function makeNonce(crypto: DigestCrypto, secret: string, nowMs: number, random: Uint8Array): string {
  const issued = Math.max(0, Math.floor(nowMs)).toString(16).padStart(TIME_DIGITS, '0').slice(-TIME_DIGITS);
  const body = issued + toHex(random);
  return `${body}-${crypto.hmac(secret, macInput(body))}`;
}

/** When `nonce` says it was issued (ms), if it has the shape of one of ours (authentic or not: check it first). */
export function nonceIssuedMs(nonce: string): number | undefined {
  const match = SHAPE.exec(nonce);
  return match ? Number.parseInt(match[1]!, 16) : undefined;
}

/**
 * Whether `nonce` (as the client echoed it, quotes removed) is one of ours and
 * still fresh at `nowMs`. Always computes exactly one HMAC and one constant-time
 * comparison, whatever the input.
 */
export function checkNonce(
  crypto: DigestCrypto,
  secret: string,
  nonce: string,
  nowMs: number,
  lifetimeMs: number,
  skewMs: number = NONCE_CLOCK_SKEW_MS,
): NonceCheck {
  const match = SHAPE.exec(nonce);
  const body = match ? match[1]! + match[2]! : nonce.slice(0, MAX_MAC_INPUT);
  const expected = crypto.hmac(secret, macInput(body));
  // Compare even for a malformed nonce so every check costs the same.
  const authentic = crypto.equal(expected, match ? match[3]! : '');
  if (!match || !authentic) return 'invalid';
  return nonceAge(Number.parseInt(match[1]!, 16), nowMs, lifetimeMs, skewMs);
}

/**
 * The verdict on an authentic nonce issued at `issuedMs`: one from the future (beyond the clock
 * skew) is not ours; past its lifetime it is stale (RFC 7616 §3.3: "stale", not wrong).
 */
export function nonceAge(
  issuedMs: number,
  nowMs: number,
  lifetimeMs: number,
  skewMs: number = NONCE_CLOCK_SKEW_MS,
): NonceCheck {
  if (issuedMs > nowMs + skewMs) return 'invalid';
  return nowMs - issuedMs > lifetimeMs ? 'stale' : 'valid';
}
