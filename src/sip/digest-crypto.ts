/**
 * The hashing port digest authentication needs. src/sip stays pure: the
 * daemon passes an implementation in (src/adapters/node-crypto.ts), tests may
 * wrap it to count calls.
 */

/** Hash functions digest uses (RFC 7616 §6.1, RFC 8760 §2.1). */
export type DigestHash = 'MD5' | 'SHA-256';

export interface DigestCrypto {
  /** `algorithm` over the UTF-8 bytes of `text`, as lowercase hex. */
  hash(algorithm: DigestHash, text: string): string;
  /** HMAC-SHA-256 of the UTF-8 bytes of `text` under `key`, as base64url without padding. */
  hmac(key: string, text: string): string;
  /**
   * Constant-time string equality: time depends only on the lengths, never on
   * where the strings differ. Strings of different lengths are unequal.
   */
  equal(a: string, b: string): boolean;
}
