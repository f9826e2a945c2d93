/** Random secrets for new stores and phones, from node:crypto. */
import { randomBytes, randomInt } from 'node:crypto';

/** URL-safe random token (the provisioning path segment). */
export function randomToken(bytes = 18): string {
  return randomBytes(bytes).toString('base64url');
}

const PASSWORD_ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A SIP password of letters and digits (no look-alikes), easy for any phone to store. */
export function randomPassword(length = 20): string {
  if (length <= 0) return '';
  const bytes = randomBytes(length * 2);
  let password = '';
  for (const byte of bytes) {
    // Rejection sampling keeps every character equally likely.
    if (byte < 256 - (256 % PASSWORD_ALPHABET.length)) password += PASSWORD_ALPHABET[byte % PASSWORD_ALPHABET.length];
    if (password.length === length) return password;
  }
  return password + randomPassword(length - password.length);
}

/**
 * Random bytes drawn 4 KiB at a time from the cryptographic generator: a tag per SIP response or a
 * nonce per challenge costs no system call. Each caller gets bytes of its own (a refill is a new buffer).
 */
const pool = { bytes: Buffer.alloc(0), used: 0 };

export function pooledBytes(count: number): Buffer {
  if (count > 1024) return randomBytes(count);
  if (pool.used + count > pool.bytes.length) {
    pool.bytes = randomBytes(4096);
    pool.used = 0;
  }
  const bytes = pool.bytes.subarray(pool.used, pool.used + count);
  pool.used += count;
  return bytes;
}

/** A SIP tag (RFC 3261 §19.3: at least 32 random bits): 64 bits from the cryptographic generator. */
export function sipTag(): string {
  return pooledBytes(8).toString('base64url');
}

/** A random number in [0, below) from the cryptographic generator (CSeq starts, SDP session ids). */
export function randomNumber(below: number): number {
  return randomInt(below);
}
