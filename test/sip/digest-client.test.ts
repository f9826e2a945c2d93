import t from 'tap';
import { answerChallenge, pickChallenge } from '../../src/sip/digest-client.js';
import { buildChallenges, checkCredentials, parseCredentials } from '../../src/sip/digest.js';
import { makeNonce } from '../../src/sip/nonce.js';
import { emptyNonceCounts } from '../../src/sip/nonce-counts.js';
import { nodeDigestCrypto } from '../../src/adapters/node-crypto.js';

const crypto = nodeDigestCrypto;
const now = 1_800_000_000_000;
const nonce = makeNonce(crypto, 'server-secret', now, new Uint8Array(16).fill(7));

for (const algorithm of ['SHA-256', 'MD5'] as const) {
  t.test(`our answer to our own ${algorithm} challenge is accepted`, async (t) => {
    const challenge = buildChallenges({ realm: 'trunk.test', nonce, algorithms: [algorithm], opaque: 'op1' })[0]!;
    const answer = answerChallenge(crypto, challenge, {
      username: 'office',
      password: 'pw',
      method: 'INVITE',
      uri: 'sip:112@trunk.test',
      cnonce: 'abc',
    });
    const credentials = answer && parseCredentials(answer);
    t.ok(credentials, 'the answer parses');
    if (!credentials) return;
    const verdict = checkCredentials(crypto, {
      credentials,
      method: 'INVITE',
      requestUri: 'sip:112@trunk.test',
      realm: 'trunk.test',
      password: 'pw',
      secret: 'server-secret',
      nowMs: now,
      nonceLifetimeMs: 60_000,
      counts: emptyNonceCounts(),
      opaque: 'op1',
    });
    t.equal(verdict.kind, 'ok');
  });
}

t.test('RFC 2617 §3.5 known answer', async (t) => {
  const answer = answerChallenge(
    crypto,
    {
      scheme: 'Digest',
      realm: '"testrealm@host.com"',
      qop: '"auth,auth-int"',
      nonce: '"dcd98b7102dd2f0e8b11d0f600bfb0c093"',
      opaque: '"5ccc069c403ebaf9f0171e9517f40e41"',
    },
    { username: 'Mufasa', password: 'Circle Of Life', method: 'GET', uri: '/dir/index.html', cnonce: '0a4f113b' },
  );
  t.equal(answer?.['response'], '"6629fae49393a05397450978507c4ef1"');
  t.equal(answer?.['opaque'], '"5ccc069c403ebaf9f0171e9517f40e41"', 'opaque comes back unchanged');
});

t.test('challenges we cannot answer', async (t) => {
  t.equal(pickChallenge([{ scheme: 'Basic', realm: '"x"' }]), undefined);
  t.equal(pickChallenge([{ scheme: 'Digest', realm: '"x"', nonce: '"n"', algorithm: 'SHA-512-256' }]), undefined);
  const picked = pickChallenge([
    { scheme: 'Digest', realm: '"x"', nonce: '"n"', algorithm: 'SHA-512-256' },
    { scheme: 'Digest', realm: '"x"', nonce: '"n"' },
  ]);
  t.equal(picked?.['algorithm'], undefined, 'falls back to MD5 (no algorithm)');
  t.equal(
    answerChallenge(
      crypto,
      { scheme: 'Digest', realm: '"x"' },
      { username: 'u', password: 'p', method: 'INVITE', uri: 'sip:x', cnonce: 'c' },
    ),
    undefined,
    'no nonce',
  );
  const noQop = answerChallenge(
    crypto,
    { scheme: 'Digest', realm: '"x"', nonce: '"n"' },
    { username: 'u', password: 'p', method: 'INVITE', uri: 'sip:x', cnonce: 'c' },
  );
  t.equal(noQop?.['qop'], undefined, 'RFC 2069 style when the server offers no qop');
});
