/**
 * The digest hashing port (src/sip/digest-crypto.ts) on node:crypto, plus the
 * random bytes nonces need.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DigestCrypto, DigestHash } from '../sip/digest-crypto.js';
import { NONCE_RANDOM_BYTES } from '../sip/nonce.js';

const NODE_HASH: Record<DigestHash, string> = { MD5: 'md5', 'SHA-256': 'sha256' };

export const nodeDigestCrypto: DigestCrypto = {
  hash(algorithm, text) {
    return createHash(NODE_HASH[algorithm]).update(text, 'utf8').digest('hex');
  },
  hmac(key, text) {
    return createHmac('sha256', key).update(text, 'utf8').digest('base64url');
  },
  equal(a, b) {
    const left = Buffer.from(a, 'utf8');
    const right = Buffer.from(b, 'utf8');
    if (left.length !== right.length) {
      // Same work as a comparison of that length, then unequal (lengths are not secret).
      timingSafeEqual(left, left);
      return false;
    }
    return timingSafeEqual(left, right);
  },
};

/** Cryptographically random bytes for makeNonce. */
export function nonceRandom(size: number = NONCE_RANDOM_BYTES): Uint8Array {
  return randomBytes(size);
}

/** A fresh nonce secret (256 bits, base64url), e.g. one per daemon start. */
export function randomNonceSecret(): string {
  return randomBytes(32).toString('base64url');
}
