/**
 * The digest hashing port (src/sip/digest-crypto.ts) on node:crypto, plus the
 * random bytes nonces need.
 */
import crypto, { createHash, createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { DigestCrypto, DigestHash } from '../sip/digest-crypto.js';
import { NONCE_RANDOM_BYTES } from '../sip/nonce.js';
import { pooledBytes } from './secrets.js';

/** Key objects of the secrets in use (a daemon has two: SIP's nonce secret and HTTP's): no key import per HMAC. */
const keys = new Map<string, KeyObject>();
function secretKey(text: string): KeyObject {
  let key = keys.get(text);
  if (!key) {
    if (keys.size >= 8) keys.clear();
    key = createSecretKey(Buffer.from(text, 'utf8'));
    keys.set(text, key);
  }
  return key;
}

const NODE_HASH: Record<DigestHash, string> = { MD5: 'md5', 'SHA-256': 'sha256' };

/** One-shot hashing (Node 20.12 and later: no Hash object per call, half the time), else a Hash. */
const hashHex: (algorithm: string, text: string) => string =
  typeof crypto.hash === 'function'
    ? (algorithm, text) => crypto.hash(algorithm, text, 'hex')
    : (algorithm, text) => createHash(algorithm).update(text, 'utf8').digest('hex');

export const nodeDigestCrypto: DigestCrypto = {
  hash(algorithm, text) {
    return hashHex(NODE_HASH[algorithm], text);
  },
  hmac(key, text) {
    return createHmac('sha256', secretKey(key)).update(text, 'utf8').digest('base64url');
  },
  equal(a, b) {
    // Every code unit is compared, whatever differs first (lengths are not secret).
    let diff = a.length ^ b.length;
    const text = diff === 0 ? b : a;
    for (let index = 0; index < a.length; index++) diff |= a.charCodeAt(index) ^ text.charCodeAt(index);
    return diff === 0;
  },
};

/** Cryptographically random bytes for makeNonce (from the pool: a system call per 4 KiB, not per nonce). */
export function nonceRandom(size: number = NONCE_RANDOM_BYTES): Uint8Array {
  return pooledBytes(size);
}

/** A fresh nonce secret (256 bits, base64url), e.g. one per daemon start. */
export function randomNonceSecret(): string {
  return randomBytes(32).toString('base64url');
}
