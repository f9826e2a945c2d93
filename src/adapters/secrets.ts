/** Random secrets for new stores and phones, from node:crypto. */
import { randomBytes } from 'node:crypto';

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
