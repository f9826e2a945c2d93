/** HTTP digest for the provisioning tree: header parsing, HA1-based checks, the stateful checker. */
import t from 'tap';
import { createHash } from 'node:crypto';
import { nodeDigestCrypto, nonceRandom } from '../../../src/adapters/node-crypto.js';
import { buildProvisioningAuth, PROVISIONING_REALM } from '../../../src/core/provisioning-auth.js';
import {
  createHttpDigest,
  formatChallenge,
  parseAuthorization,
  type HttpAuthVerdict,
} from '../../../src/daemon/http/http-digest.js';

const hashes = { MD5: 'md5', 'SHA-256': 'sha256' } as const;
const h = (algorithm: 'MD5' | 'SHA-256', text: string) => createHash(hashes[algorithm]).update(text).digest('hex');
const auth = buildProvisioningAuth('phones', 'correct horse', h);

/** What a phone would send, computed here from the password (not from src/). */
function authorization(
  challenge: string,
  options: { password?: string; uri: string; nc?: string; username?: string; method?: string },
): string {
  const nonce = /nonce="([^"]+)"/.exec(challenge)![1]!;
  const algorithm = /algorithm=([\w-]+)/.exec(challenge)![1]! as 'MD5' | 'SHA-256';
  const username = options.username ?? 'phones';
  const nc = options.nc ?? '00000001';
  const cnonce = 'c0ffee';
  const ha1 = h(algorithm, `${username}:${PROVISIONING_REALM}:${options.password ?? 'correct horse'}`);
  const ha2 = h(algorithm, `${options.method ?? 'GET'}:${options.uri}`);
  const response = h(algorithm, `${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return (
    `Digest username="${username}", realm="${PROVISIONING_REALM}", nonce="${nonce}", uri="${options.uri}", ` +
    `algorithm=${algorithm}, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"`
  );
}

t.test('parseAuthorization', async (t) => {
  t.same(parseAuthorization('Digest username="a b", realm="r,1", nc=00000001, qop=auth'), {
    scheme: 'Digest',
    username: '"a b"',
    realm: '"r,1"',
    nc: '00000001',
    qop: 'auth',
  });
  t.same(
    parseAuthorization('Digest  Username = "x\\"y" ,URI="/p"'),
    { scheme: 'Digest', username: '"x\\"y"', uri: '"/p"' },
    'spaces, case, escapes',
  );
  for (const bad of [
    undefined,
    '',
    'Digest',
    'Digest username',
    'Digest a="1", a="2"',
    'Digest a="unterminated',
    'Digest a=1,,b=2',
    'Digest scheme=x',
    `Digest a="${'x'.repeat(5000)}"`,
  ]) {
    t.equal(parseAuthorization(bad), undefined, `refused: ${JSON.stringify(bad)?.slice(0, 40)}`);
  }
});

t.test('formatChallenge', async (t) => {
  t.equal(
    formatChallenge({ scheme: 'Digest', realm: '"r"', nonce: '"n"', algorithm: 'MD5', qop: '"auth"' }),
    'Digest realm="r", nonce="n", algorithm=MD5, qop="auth"',
  );
});

t.test('no credentials set: everything passes', async (t) => {
  const digest = createHttpDigest({
    auth: () => undefined,
    crypto: nodeDigestCrypto,
    random: nonceRandom,
    secret: 's',
  });
  t.same(digest.check({ method: 'GET', target: '/x', authorization: undefined, source: '192.0.2.1', nowMs: 0 }), {
    kind: 'pass',
  });
});

t.test('challenge, then MD5 and SHA-256 credentials', async (t) => {
  const digest = createHttpDigest({ auth: () => auth, crypto: nodeDigestCrypto, random: nonceRandom, secret: 's' });
  const uri = '/provisioning/tok/001565aabbcc.cfg';
  const check = (
    authorizationHeader: string | undefined,
    nowMs = 1_000_000,
    target = uri,
    source = '192.0.2.1',
  ): HttpAuthVerdict => digest.check({ method: 'GET', target, authorization: authorizationHeader, source, nowMs });

  const first = check(undefined);
  if (first.kind !== 'challenge') throw new Error('expected a challenge');
  t.equal(first.why, 'no-credentials');
  t.equal(first.challenges.length, 2, 'one challenge per algorithm');
  t.match(
    first.challenges[0],
    /^Digest realm="hotdesk provisioning", nonce="[^"]+", algorithm=MD5, qop="auth"$/,
    'MD5 first',
  );
  t.match(first.challenges[1], /algorithm=SHA-256/);
  t.equal(
    /nonce="([^"]+)"/.exec(first.challenges[0]!)![1],
    /nonce="([^"]+)"/.exec(first.challenges[1]!)![1],
    'the same nonce in both',
  );

  t.same(check(authorization(first.challenges[0]!, { uri })), { kind: 'pass' }, 'MD5');
  t.same(
    check(authorization(first.challenges[1]!, { uri, nc: '00000002' })),
    { kind: 'pass' },
    'SHA-256 (the same nonce, so the next nc)',
  );
  t.match(
    check(authorization(first.challenges[0]!, { uri, nc: '00000002' })),
    { kind: 'challenge', why: 'replay' },
    'an nc already used is a replay',
  );
  t.same(check(authorization(first.challenges[0]!, { uri, nc: '00000003' })), { kind: 'pass' }, 'the next nc is fine');
  t.match(
    check(authorization(first.challenges[0]!, { uri: '/provisioning/tok/other.cfg', nc: '00000004' })),
    { kind: 'challenge', why: 'uri' },
    'uri must be the request-target',
  );
  t.match(check(authorization(first.challenges[0]!, { uri, nc: '00000005', password: 'wrong' })), {
    kind: 'challenge',
    why: 'response',
  });
  t.match(check(authorization(first.challenges[0]!, { uri, nc: '00000006', username: 'someone' })), {
    kind: 'challenge',
    why: 'unknown-user',
  });
  t.match(
    check(authorization(first.challenges[0]!, { uri, nc: '00000007', method: 'POST' })),
    { kind: 'challenge', why: 'response' },
    'the method is part of the digest',
  );
  const late = check(authorization(first.challenges[0]!, { uri, nc: '00000008' }), 1_000_000 + 6 * 60_000);
  t.match(late, { kind: 'challenge', why: 'stale' }, 'an old nonce with the right password is stale');
  t.match(late.kind === 'challenge' ? late.challenges[0] : '', /stale=TRUE/);
  t.match(
    check('Basic cGhvbmVzOmNvcnJlY3QgaG9yc2U='),
    { kind: 'challenge', why: 'no-credentials' },
    'Basic is not accepted',
  );
  t.match(check(authorization(first.challenges[0]!, { uri }).replace(/nonce="[^"]+"/, 'nonce="forged"')), {
    kind: 'challenge',
    why: 'nonce',
  });
});

t.test('repeated wrong passwords block the address', async (t) => {
  const digest = createHttpDigest({
    auth: () => auth,
    crypto: nodeDigestCrypto,
    random: nonceRandom,
    secret: 's',
    throttle: { delayAfter: 2, blockAfter: 4, baseDelayMs: 10, maxDelayMs: 20 },
  });
  const uri = '/provisioning/tok/a.cfg';
  const challenge = digest.check({
    method: 'GET',
    target: uri,
    authorization: undefined,
    source: '192.0.2.9',
    nowMs: 0,
  });
  if (challenge.kind !== 'challenge') throw new Error('expected a challenge');
  const verdicts = [1, 2, 3, 4].map((n) =>
    digest.check({
      method: 'GET',
      target: uri,
      authorization: authorization(challenge.challenges[0]!, { uri, password: 'guess', nc: `0000000${n}` }),
      source: '192.0.2.9',
      nowMs: n,
    }),
  );
  t.match(verdicts, [
    { kind: 'challenge', delayMs: 0 },
    { kind: 'challenge' },
    { kind: 'challenge' },
    { kind: 'blocked' },
  ]);
  t.ok(
    verdicts.some((verdict) => verdict.kind === 'challenge' && verdict.delayMs > 0),
    'answers slow down first',
  );
  t.same(
    digest.check({ method: 'GET', target: uri, authorization: undefined, source: '192.0.2.9', nowMs: 5 }),
    { kind: 'blocked' },
    'blocked without looking',
  );
  t.match(
    digest.check({ method: 'GET', target: uri, authorization: undefined, source: '192.0.2.10', nowMs: 5 }),
    { kind: 'challenge' },
    'other addresses are not',
  );
});
