/**
 * Password guessing against the digest authenticator, with a fake clock:
 * per source address (fast guessing from one place) and per account (slow
 * guessing spread over many addresses), blocks listed and lifted by an admin,
 * and a blocked account still usable from where its owner logged in before.
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import sip from 'sip';
import {
  createDigestAuthenticator,
  type AuthContext,
  type Authenticator,
} from '../../../src/daemon/sip/authenticator.js';
import { nodeDigestCrypto, nonceRandom } from '../../../src/adapters/node-crypto.js';
import type { SipRequest } from '../../../src/sip/message.js';
import { addExtension, office } from '../../support/office.js';

const REALM = 'office.test';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

function register(user: string, authorization?: Record<string, string>): SipRequest {
  const request = sip.parse(
    Buffer.from(
      [
        `REGISTER sip:${REALM} SIP/2.0`,
        'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKauth',
        `From: <sip:${user}@${REALM}>;tag=a`,
        `To: <sip:${user}@${REALM}>`,
        'Call-ID: auth-test',
        'CSeq: 1 REGISTER',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    ),
  ) as SipRequest;
  if (authorization) request.headers.authorization = [authorization as never];
  return request;
}

function setup(extra: Partial<Parameters<typeof createDigestAuthenticator>[0]> = {}) {
  const data = office(addExtension('100', 'Ada'));
  const blockedAccounts: string[] = [];
  const blockedSources: string[] = [];
  const knownSources: string[] = [];
  const auth: Authenticator = createDigestAuthenticator({
    realm: () => REALM,
    store: () => data,
    crypto: nodeDigestCrypto,
    random: nonceRandom,
    secret: 'test-secret',
    algorithms: ['MD5'],
    onBlocked: (source, knownGood) => (knownGood ? knownSources : blockedSources).push(source),
    onAccountBlocked: (account) => blockedAccounts.push(account),
    ...extra,
  });
  const password = data.extensions[0]!.sipPassword;
  /** One full attempt (challenge, then credentials) from `address`; the final status. */
  const attempt = (address: string, user: string, secret: string, nowMs: number, context?: AuthContext): number => {
    const remote = { protocol: 'UDP' as const, address, port: 5060 };
    const first = auth.authenticate(register(user), remote, 'registrar', nowMs, context);
    if (first.kind === 'ok') return 200;
    if (first.response.status !== 401) return first.response.status;
    const challenge = (first.response.headers['www-authenticate'] as Record<string, string>[])[0]!;
    const nonce = challenge['nonce']!.replace(/"/g, '');
    const cnonce = 'c0ffee';
    const ha1 = md5(`${user}:${REALM}:${secret}`);
    const response = md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${md5(`REGISTER:sip:${REALM}`)}`);
    const second = auth.authenticate(
      register(user, {
        scheme: 'Digest',
        username: `"${user}"`,
        realm: `"${REALM}"`,
        nonce: `"${nonce}"`,
        uri: `"sip:${REALM}"`,
        response: `"${response}"`,
        algorithm: 'MD5',
        qop: 'auth',
        nc: '00000001',
        cnonce: `"${cnonce}"`,
      }),
      remote,
      'registrar',
      nowMs,
      context,
    );
    return second.kind === 'ok' ? 200 : second.response.status;
  };
  return { auth, attempt, password, blockedAccounts, blockedSources, knownSources };
}

const T0 = 1_800_000_000_000;

t.test('fast guessing from one address blocks that address; an admin lifts it', async (t) => {
  const { auth, attempt, password, blockedSources } = setup();
  let now = T0;
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) statuses.push(attempt('203.0.113.5', '100', `guess-${i}`, (now += 1000)));
  t.same(statuses.slice(0, 19), Array(19).fill(401), 'wrong passwords are challenged again…');
  t.equal(statuses[19], 403, '…until the twentieth, which blocks the address');
  t.equal(
    attempt('203.0.113.5', '100', password, (now += 1000)),
    403,
    'then even the right password is refused from there',
  );
  t.equal(attempt('198.51.100.7', '100', password, (now += 1000)), 200, 'the account works from elsewhere');
  t.same(
    auth.blocked(now),
    [{ kind: 'source', key: '203.0.113.5', untilMs: T0 + 20_000 + 600_000 }],
    'listed with the end of the block',
  );
  t.same(blockedSources, ['203.0.113.5'], 'reported once');
  t.same(
    auth.unblock('203.0.113.5', now).map((block) => block.key),
    ['203.0.113.5'],
    'unblock lifts it',
  );
  t.same(auth.blocked(now), []);
  t.equal(attempt('203.0.113.5', '100', password, (now += 1000)), 200, 'and the address is served again');
  t.same(auth.unblock('203.0.113.5', now), [], 'unblocking what is not blocked lifts nothing');
});

t.test('slow guessing spread over many addresses blocks the account, not its owner', async (t) => {
  const { auth, attempt, password, blockedAccounts } = setup();
  let now = T0;
  t.equal(attempt('10.0.0.10', '100', password, now), 200, "the owner's phone logs in first");
  for (let i = 0; i < 30; i++) attempt(`203.0.113.${i + 1}`, '100', `guess-${i}`, (now += 5000));
  t.same(blockedAccounts, ['100'], 'thirty failures from thirty addresses block the account');
  t.same(
    auth
      .blocked(now)
      .filter((block) => block.kind === 'account')
      .map((block) => block.key),
    ['100'],
  );
  t.equal(
    attempt('203.0.113.200', '100', password, (now += 1000)),
    403,
    'from a new address even the right password is refused',
  );
  t.equal(attempt('203.0.113.201', '999', 'whatever', (now += 1000)), 401, 'a missing account is challenged as before');
  t.equal(attempt('10.0.0.10', '100', password, (now += 1000)), 200, "the owner's phone keeps working");
  auth.unblock('100', now);
  t.equal(attempt('203.0.113.200', '100', password, (now += 1000)), 200, 'after unblock, a new address may log in');
  now += 16 * 60_000;
  t.same(auth.blocked(now), [], 'blocks end on their own');
});

/** REGISTER credentials for `user` on `nonce` with count `nc`. */
function signed(user: string, secret: string, nonce: string, nc: string): SipRequest {
  const cnonce = 'c0ffee';
  const ha1 = md5(`${user}:${REALM}:${secret}`);
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${md5(`REGISTER:sip:${REALM}`)}`);
  return register(user, {
    scheme: 'Digest',
    username: `"${user}"`,
    realm: `"${REALM}"`,
    nonce: `"${nonce}"`,
    uri: `"sip:${REALM}"`,
    response: `"${response}"`,
    algorithm: 'MD5',
    qop: 'auth',
    nc,
    cnonce: `"${cnonce}"`,
  });
}

const nonceOf = (verdict: ReturnType<Authenticator['authenticate']>): string =>
  verdict.kind === 'refused'
    ? ((verdict.response.headers['www-authenticate'] as Record<string, string>[])[0]!['nonce'] ?? '').replace(/"/g, '')
    : '';

t.test('attack: flooding the nonce counts does not make a used nonce new again (RFC 7616 §5.5)', async (t) => {
  const { auth, password } = setup({ maxNonceCounts: 64 });
  const remote = { protocol: 'UDP' as const, address: '10.0.0.10', port: 5060 };
  let now = T0;
  const victimNonce = nonceOf(auth.authenticate(register('100'), remote, 'registrar', now));
  const captured = signed('100', password, victimNonce, '00000001');
  t.equal(auth.authenticate(captured, remote, 'registrar', (now += 10)).kind, 'ok', 'the phone registers');
  t.equal(
    auth.authenticate(captured, remote, 'registrar', (now += 10)).kind,
    'ok',
    'an exact copy within 32 s is a retransmission of the same registration: accepted again',
  );
  t.equal(
    auth.authenticate(captured, remote, 'registrar', (now += 33_000)).kind,
    'refused',
    'the same copy 33 s later is a replay: refused',
  );

  // The table fills up with newer nonces (other phones registering, or an account holder flooding).
  for (let i = 0; i < 600; i++) {
    const nonce = nonceOf(auth.authenticate(register('100'), remote, 'registrar', (now += 10)));
    t.equal(
      auth.authenticate(signed('100', password, nonce, '00000001'), remote, 'registrar', (now += 1)).kind,
      'ok',
      `registration ${i}`,
      { diagnostic: false },
    );
  }
  const replay = auth.authenticate(captured, { ...remote, address: '203.0.113.9' }, 'registrar', (now += 10));
  t.equal(replay.kind, 'refused', 'the captured request, replayed after the flood, is refused');
  t.equal(replay.kind === 'refused' && replay.response.status, 401);
  const challenge =
    replay.kind === 'refused'
      ? (replay.response.headers['www-authenticate'] as Record<string, string>[])[0]
      : undefined;
  t.equal(challenge?.['stale'], 'TRUE', 'with stale=true: its nonce is now too old');
  const later = signed('100', password, victimNonce, '00000002');
  t.equal(
    auth.authenticate(later, remote, 'registrar', now + 10).kind,
    'refused',
    'the evicted nonce stays stale at any count',
  );
});

t.test(
  "attack: spoofed failures from a registered phone's address block neither its REGISTER nor its emergency " +
    'call, and are not reported for banning',
  async (t) => {
    const { auth, attempt, password, blockedSources, knownSources } = setup({
      throttle: { source: { delayAfter: 100, blockAfter: 5 } },
    });
    let now = T0;
    const phone = '10.0.0.10';
    t.equal(attempt(phone, '100', password, now), 200, 'the phone registers');
    const registeredHere = (account: string) => account === '100';
    // A stranger on the LAN sends wrong digests with the phone's address as source.
    for (let i = 0; i < 5; i++) attempt(phone, '100', `guess-${i}`, (now += 1000));
    t.same(
      auth.blocked(now).map((block) => block.key),
      [phone],
      'the address is blocked for other requests',
    );
    t.same(blockedSources, [], 'no fail2ban line: the address authenticated successfully within the window');
    t.same(knownSources, [phone], 'the block is logged in a form the filter does not match');
    t.equal(
      attempt(phone, '100', password, (now += 1000), { registeredHere }),
      200,
      "the phone's REGISTER with valid credentials still passes",
    );
    t.equal(
      attempt(phone, '100', password, (now += 1000)),
      403,
      'a request for an account not registered from there is still refused',
    );
    t.equal(
      attempt(phone, '100', 'wrong', (now += 1000), { registeredHere }),
      403,
      'wrong credentials are refused as before',
    );
    t.equal(
      attempt(phone, '100', password, (now += 1000), { emergency: true }),
      200,
      'an emergency call with valid credentials passes any block',
    );
    t.equal(attempt('203.0.113.50', '100', password, now + 1000, { emergency: true }), 200, 'from anywhere');
  },
);

t.test('a source with failures and no success is reported for banning', async (t) => {
  const { attempt, blockedSources, knownSources } = setup({ throttle: { source: { delayAfter: 100, blockAfter: 5 } } });
  let now = T0;
  for (let i = 0; i < 5; i++) attempt('203.0.113.66', '100', `guess-${i}`, (now += 1000));
  t.same(blockedSources, ['203.0.113.66']);
  t.same(knownSources, []);
});

t.test('emergency calls pass an account block too', async (t) => {
  const { attempt, password, blockedAccounts } = setup({ throttle: { account: { blockAfter: 3 } } });
  let now = T0;
  for (let i = 0; i < 3; i++) attempt(`203.0.113.${i + 1}`, '100', `guess-${i}`, (now += 1000));
  t.same(blockedAccounts, ['100']);
  t.equal(attempt('10.0.0.77', '100', password, (now += 1000)), 403, 'blocked for a new address');
  t.equal(
    attempt('10.0.0.77', '100', password, (now += 1000), { emergency: true }),
    200,
    'but not for an emergency call',
  );
  t.equal(
    attempt('10.0.0.77', '100', password, now + 1000, { registeredHere: () => true }),
    200,
    'nor for an address holding its registration',
  );
});
