import t from 'tap';
import { nodeDigestCrypto as crypto, nonceRandom, randomNonceSecret } from '../../src/adapters/node-crypto.js';
import type { DigestHash } from '../../src/sip/digest-crypto.js';

const hashes: [DigestHash, string, string][] = [
  ['MD5', '', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['MD5', 'abc', '900150983cd24fb0d6963f7d28e17f72'],
  ['SHA-256', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['SHA-256', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  // UTF-8, not latin1 or UTF-16
  ['MD5', 'ä', '8419b71c87a225a2c70b50486fbee545'],
];
for (const [algorithm, text, expected] of hashes)
  t.equal(crypto.hash(algorithm, text), expected, `${algorithm}(${JSON.stringify(text)})`);

t.test('hmac: HMAC-SHA-256, base64url without padding', async (t) => {
  // RFC 4231 test case 2
  const hex = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
  t.equal(crypto.hmac('Jefe', 'what do ya want for nothing?'), Buffer.from(hex, 'hex').toString('base64url'));
  t.match(crypto.hmac('k', 'x'), /^[A-Za-z0-9_-]{43}$/);
  t.not(crypto.hmac('k1', 'x'), crypto.hmac('k2', 'x'), 'the key matters');
});

const equalities: [string, string, boolean][] = [
  ['abc', 'abc', true],
  ['', '', true],
  ['abc', 'abd', false],
  ['abc', 'ab', false],
  ['ab', 'abc', false],
  ['', 'a', false],
  ['é', 'e\u0301', false],
];
for (const [a, b, expected] of equalities)
  t.equal(crypto.equal(a, b), expected, `equal(${JSON.stringify(a)}, ${JSON.stringify(b)})`);

t.test('random bytes and secrets differ every time', async (t) => {
  t.equal(nonceRandom().length, 16);
  t.equal(nonceRandom(8).length, 8);
  t.not(Buffer.from(nonceRandom()).toString('hex'), Buffer.from(nonceRandom()).toString('hex'));
  t.match(randomNonceSecret(), /^[A-Za-z0-9_-]{43}$/);
  t.not(randomNonceSecret(), randomNonceSecret());
});
