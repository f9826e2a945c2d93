/**
 * Hot-desk PINs are stored only as salted scrypt hashes:
 * `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`. Verification is constant-time.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(pin: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pin, salt, KEY_LENGTH, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(pin, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when `pin` matches `stored`; false for a wrong PIN or a malformed hash. */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  // scrypt needs N a power of two above 1, r and p at least 1 (node reads 0 as "use the default").
  if (![n, r, p].every(Number.isInteger) || n < 2 || (n & (n - 1)) !== 0 || n > 1 << 20) return false;
  if (r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length !== KEY_LENGTH) return false;
  // Parameters scrypt cannot use (e.g. beyond its memory limit) make a malformed hash, not an error.
  const actual = await derive(pin, salt, n, r, p).catch(() => undefined);
  return actual !== undefined && timingSafeEqual(actual, expected);
}
