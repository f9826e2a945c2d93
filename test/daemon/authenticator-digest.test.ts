/**
 * The digest authenticator challenges each request with the algorithms chosen
 * for the account it names (credentials' username, else the To user for the
 * registrar and the From user for the proxy), and remembers, for hotdesk
 * doctor, accounts whose client failed with what it was offered.
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import sip from 'sip';
import { createDigestAuthenticator } from '../../src/daemon/sip/authenticator.js';
import { nodeDigestCrypto, nonceRandom } from '../../src/adapters/node-crypto.js';
import type { DigestAlgorithm } from '../../src/sip/digest.js';
import type { SipRequest } from '../../src/sip/message.js';
import { addExtension, office } from '../support/office.js';

const REALM = 'office.test';
const hash = (algorithm: 'md5' | 'sha256', text: string) => createHash(algorithm).update(text).digest('hex');
const remote = { protocol: 'UDP' as const, address: '192.0.2.1', port: 5060 };

function request(
  method: 'REGISTER' | 'INVITE',
  from: string,
  to: string,
  authorization?: Record<string, string>,
): SipRequest {
  const uri = method === 'REGISTER' ? `sip:${REALM}` : `sip:${to}@${REALM}`;
  const parsed = sip.parse(
    Buffer.from(
      [
        `${method} ${uri} SIP/2.0`,
        'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKauth',
        `From: <sip:${from}@${REALM}>;tag=a`,
        `To: <sip:${to}@${REALM}>`,
        'Call-ID: digest-test',
        `CSeq: 1 ${method}`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    ),
  ) as SipRequest;
  if (authorization)
    parsed.headers[method === 'REGISTER' ? 'authorization' : 'proxy-authorization'] = [authorization as never];
  return parsed;
}

function setup() {
  const data = office(addExtension('100', 'Ada'), addExtension('101', 'Bob'));
  const chosen: Record<string, DigestAlgorithm[]> = { '101': ['SHA-256', 'MD5'] };
  const asked: (string | undefined)[] = [];
  const auth = createDigestAuthenticator({
    realm: () => REALM,
    store: () => data,
    crypto: nodeDigestCrypto,
    random: nonceRandom,
    secret: 'test-secret',
    algorithmsFor: (account) => {
      asked.push(account);
      return (account !== undefined ? chosen[account] : undefined) ?? ['MD5'];
    },
  });
  const passwordOf = (user: string) => data.extensions.find((ext) => ext.number === user)!.sipPassword;
  return { auth, asked, passwordOf };
}

const offered = (verdict: ReturnType<ReturnType<typeof setup>['auth']['authenticate']>, header: string): string[] => {
  if (verdict.kind !== 'refused') throw new Error('expected a challenge');
  return ((verdict.response.headers[header] ?? []) as Record<string, string>[]).map(
    (challenge) => challenge['algorithm']!,
  );
};

function credentials(
  user: string,
  password: string,
  algorithm: 'MD5' | 'SHA-256',
  nonce: string,
  method: string,
  uri: string,
) {
  const h = algorithm === 'MD5' ? 'md5' : 'sha256';
  const ha1 = hash(h, `${user}:${REALM}:${password}`);
  const response = hash(h, `${ha1}:${nonce}:00000001:c0ffee:auth:${hash(h, `${method}:${uri}`)}`);
  return {
    scheme: 'Digest',
    username: `"${user}"`,
    realm: `"${REALM}"`,
    nonce: `"${nonce}"`,
    uri: `"${uri}"`,
    response: `"${response}"`,
    algorithm,
    qop: 'auth',
    nc: '00000001',
    cnonce: '"c0ffee"',
  };
}

const nonceOf = (verdict: ReturnType<ReturnType<typeof setup>['auth']['authenticate']>, header: string): string =>
  verdict.kind === 'refused'
    ? ((verdict.response.headers[header] as Record<string, string>[])[0]!['nonce'] ?? '').replace(/"/g, '')
    : '';

t.test(
  'the registrar challenges the To user with its own algorithms; unknown accounts get the office choice',
  async (t) => {
    const { auth, asked } = setup();
    t.same(
      offered(auth.authenticate(request('REGISTER', '101', '101'), remote, 'registrar', 1000), 'www-authenticate'),
      ['SHA-256', 'MD5'],
    );
    t.same(
      offered(auth.authenticate(request('REGISTER', '100', '100'), remote, 'registrar', 1000), 'www-authenticate'),
      ['MD5'],
    );
    t.same(
      offered(auth.authenticate(request('REGISTER', '999', '999'), remote, 'registrar', 1000), 'www-authenticate'),
      ['MD5'],
    );
    t.same([...new Set(asked)], ['101', '100', '999'], 'asked for the account each request names');
  },
);

t.test('the proxy challenges the From user', async (t) => {
  const { auth } = setup();
  t.same(offered(auth.authenticate(request('INVITE', '101', '100'), remote, 'proxy', 1000), 'proxy-authenticate'), [
    'SHA-256',
    'MD5',
  ]);
  t.same(offered(auth.authenticate(request('INVITE', '100', '101'), remote, 'proxy', 1000), 'proxy-authenticate'), [
    'MD5',
  ]);
});

t.test('credentials are checked against the algorithms of their username', async (t) => {
  const { auth, passwordOf } = setup();
  const first = auth.authenticate(request('REGISTER', '101', '101'), remote, 'registrar', 1000);
  const sha = credentials(
    '101',
    passwordOf('101'),
    'SHA-256',
    nonceOf(first, 'www-authenticate'),
    'REGISTER',
    `sip:${REALM}`,
  );
  t.same(auth.authenticate(request('REGISTER', '101', '101', sha), remote, 'registrar', 1001), {
    kind: 'ok',
    account: '101',
  });
  t.same(auth.digestFailures(), [], 'a success is no failure');
  // 100 is offered MD5 only: SHA-256 credentials are refused and recorded.
  const second = auth.authenticate(request('REGISTER', '100', '100'), remote, 'registrar', 2000);
  const wrong = credentials(
    '100',
    passwordOf('100'),
    'SHA-256',
    nonceOf(second, 'www-authenticate'),
    'REGISTER',
    `sip:${REALM}`,
  );
  const verdict = auth.authenticate(request('REGISTER', '100', '100', wrong), remote, 'registrar', 2001);
  t.equal(verdict.kind, 'refused');
  t.same(offered(verdict, 'www-authenticate'), ['MD5'], 'challenged again with its own algorithms');
  t.match(auth.digestFailures(), [
    {
      account: '100',
      kind: 'unoffered-algorithm',
      algorithm: 'SHA-256',
      offered: ['MD5'],
      source: '192.0.2.1',
      atMs: 2001,
    },
  ]);
});

t.test('a SHA-256 challenge the client never answers is recorded at its next attempt', async (t) => {
  const { auth } = setup();
  auth.authenticate(request('REGISTER', '101', '101'), remote, 'registrar', 1000);
  t.same(auth.digestFailures(), []);
  auth.authenticate(request('REGISTER', '101', '101'), remote, 'registrar', 31_000);
  t.match(auth.digestFailures(), [{ account: '101', kind: 'no-retry', offered: ['SHA-256', 'MD5'] }]);
});

t.test('guessed account names leave no record', async (t) => {
  const { auth, passwordOf } = setup();
  const first = auth.authenticate(request('REGISTER', '999', '999'), remote, 'registrar', 1000);
  const wrong = credentials(
    '999',
    passwordOf('100'),
    'SHA-256',
    nonceOf(first, 'www-authenticate'),
    'REGISTER',
    `sip:${REALM}`,
  );
  auth.authenticate(request('REGISTER', '999', '999', wrong), remote, 'registrar', 1001);
  t.same(auth.digestFailures(), []);
});
