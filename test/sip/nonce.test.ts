import t from 'tap';
import { checkNonce, makeNonce, NONCE_CLOCK_SKEW_MS, type NonceCheck } from '../../src/sip/nonce.js';
import type { DigestCrypto } from '../../src/sip/digest-crypto.js';
import { nodeDigestCrypto } from '../../src/adapters/node-crypto.js';

const crypto = nodeDigestCrypto;
const secret = 'server-secret';
const issued = 1_700_000_000_000;
const lifetime = 300_000;
const random = Uint8Array.from({ length: 16 }, (_, index) => index * 17);
const nonce = makeNonce(crypto, secret, issued, random);

t.test('shape: base64url characters only, deterministic, distinct per random', async (t) => {
  t.match(nonce, /^[A-Za-z0-9_-]+$/);
  t.equal(makeNonce(crypto, secret, issued, random), nonce, 'pure: same inputs, same nonce');
  t.not(
    makeNonce(
      crypto,
      secret,
      issued,
      Uint8Array.from(random, (byte) => byte ^ 1),
    ),
    nonce,
  );
  t.not(makeNonce(crypto, secret, issued + 1, random), nonce);
});

const ages: [string, number, NonceCheck][] = [
  ['just issued', issued, 'valid'],
  ['half its life', issued + lifetime / 2, 'valid'],
  ['at its lifetime', issued + lifetime, 'valid'],
  ['one ms past it', issued + lifetime + 1, 'stale'],
  ['a day old', issued + 86_400_000, 'stale'],
  ['clock stepped back within the skew', issued - NONCE_CLOCK_SKEW_MS, 'valid'],
  ['issued beyond the skew in the future', issued - NONCE_CLOCK_SKEW_MS - 1, 'invalid'],
];
for (const [name, now, expected] of ages) t.equal(checkNonce(crypto, secret, nonce, now, lifetime), expected, name);

const swap = (text: string, index: number) => {
  const char = text[index]!;
  const other = char === 'a' ? 'b' : char === '0' ? '1' : /[0-9]/.test(char) ? '0' : 'a';
  return text.slice(0, index) + other + text.slice(index + 1);
};
const dash = nonce.indexOf('-');
const forged: [string, string][] = [
  ['timestamp changed', swap(nonce, 5)],
  ['random changed', swap(nonce, 20)],
  ['MAC changed', swap(nonce, dash + 3)],
  ['MAC cut short', nonce.slice(0, -1)],
  ['MAC missing', nonce.slice(0, dash)],
  ['re-dated nonce keeping the MAC', (issued + 60_000).toString(16).padStart(12, '0') + nonce.slice(12)],
  ['empty', ''],
  ['not ours at all', 'dcd98b7102dd2f0e8b11d0f600bfb0c093'],
  ['uppercase hex', nonce.slice(0, dash).toUpperCase() + nonce.slice(dash)],
  ['huge', 'a'.repeat(100_000)],
];
for (const [name, value] of forged) t.equal(checkNonce(crypto, secret, value, issued, lifetime), 'invalid', name);

t.equal(checkNonce(crypto, 'other-secret', nonce, issued, lifetime), 'invalid', 'another secret: invalid');
t.equal(checkNonce(crypto, secret, makeNonce(crypto, 'other-secret', issued, random), issued, lifetime), 'invalid');

t.test('every check costs one HMAC and one comparison, malformed or not', async (t) => {
  for (const value of [nonce, '', 'garbage', swap(nonce, dash + 3)]) {
    const calls = { hash: 0, hmac: 0, equal: 0 };
    const counting: DigestCrypto = {
      hash: (...args) => (calls.hash++, crypto.hash(...args)),
      hmac: (...args) => (calls.hmac++, crypto.hmac(...args)),
      equal: (...args) => (calls.equal++, crypto.equal(...args)),
    };
    checkNonce(counting, secret, value, issued, lifetime);
    t.same(calls, { hash: 0, hmac: 1, equal: 1 }, JSON.stringify(value.slice(0, 20)));
  }
});
