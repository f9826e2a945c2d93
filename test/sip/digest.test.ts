import t from 'tap';
import { createHash } from 'node:crypto';
import sip from 'sip';
import {
  buildChallenges,
  checkCredentials,
  computeResponse,
  parseCredentials,
  type CheckCredentialsInput,
  type DigestAlgorithm,
  type DigestCredentials,
  type DigestVerdict,
} from '../../src/sip/digest.js';
import type { DigestCrypto } from '../../src/sip/digest-crypto.js';
import type { AuthParams, SipRequest, SipResponse } from '../../src/sip/message.js';
import { makeNonce } from '../../src/sip/nonce.js';
import { applyNonceCount, emptyNonceCounts, nonceCountOf, type NonceCounts } from '../../src/sip/nonce-counts.js';
import { nodeDigestCrypto as crypto } from '../../src/adapters/node-crypto.js';
import { parseWire, request } from '../support/sip-text.js';

/** An independent digest, straight from node:crypto, to check the code against. */
const md = (algorithm: 'md5' | 'sha256', text: string) => createHash(algorithm).update(text).digest('hex');

t.test('known answers', async (t) => {
  t.equal(
    computeResponse(crypto, {
      algorithm: 'MD5',
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      password: 'Circle Of Life',
      method: 'GET',
      uri: '/dir/index.html',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
    }),
    '6629fae49393a05397450978507c4ef1',
    'RFC 2617 §3.5',
  );
  const rfc7616 = {
    username: 'Mufasa',
    realm: 'http-auth@example.org',
    password: 'Circle of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    qop: 'auth' as const,
    nc: '00000001',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  };
  t.equal(
    computeResponse(crypto, { ...rfc7616, algorithm: 'SHA-256' }),
    '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    'RFC 7616 §3.9.1 SHA-256',
  );
  t.equal(
    computeResponse(crypto, { ...rfc7616, algorithm: 'MD5' }),
    '8ca523f5e9506fed4657c9700eebdbec',
    'RFC 7616 §3.9.1 MD5',
  );
});

t.test('RFC 7616 §3.9.1 Authorization, as the sip parser reads it, verifies', async (t) => {
  const parsed = request({
    method: 'GET',
    uri: 'sip:x@example.org',
    extra: [
      'Authorization: Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", ' +
        'algorithm=SHA-256, ' +
        'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, ' +
        'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", ' +
        'qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", ' +
        'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    ],
  });
  const credentials = parseCredentials(parsed.headers.authorization![0]!);
  t.same(credentials, {
    username: 'Mufasa',
    realm: 'http-auth@example.org',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    uri: '/dir/index.html',
    response: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    algorithm: 'SHA-256',
    opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
    qop: 'auth',
    nc: '00000001',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  });
  t.equal(
    credentials && computeResponse(crypto, { ...credentials, password: 'Circle of Life', method: 'GET' }),
    credentials?.response,
  );
});

t.test('-sess and no-qop responses against an independent computation', async (t) => {
  const base = {
    username: '100',
    realm: 'hotdesk',
    password: 'pw',
    method: 'REGISTER',
    uri: 'sip:192.0.2.10',
    nonce: 'N',
  };
  for (const [algorithm, node] of [
    ['MD5-sess', 'md5'],
    ['SHA-256-sess', 'sha256'],
  ] as const) {
    const ha1 = md(node, `${md(node, '100:hotdesk:pw')}:N:C`);
    const expected = md(node, `${ha1}:N:00000002:C:auth:${md(node, 'REGISTER:sip:192.0.2.10')}`);
    t.equal(
      computeResponse(crypto, { ...base, algorithm, qop: 'auth', nc: '00000002', cnonce: 'C' }),
      expected,
      algorithm,
    );
  }
  const noQop = md('md5', `${md('md5', '100:hotdesk:pw')}:N:${md('md5', 'REGISTER:sip:192.0.2.10')}`);
  t.equal(computeResponse(crypto, { ...base, algorithm: 'MD5' }), noQop, 'RFC 2069 style, no qop');
  const sessNoQop = md(
    'md5',
    `${md('md5', `${md('md5', '100:hotdesk:pw')}:N:`)}:N:${md('md5', 'REGISTER:sip:192.0.2.10')}`,
  );
  t.equal(computeResponse(crypto, { ...base, algorithm: 'MD5-sess' }), sessNoQop, '-sess without qop: empty cnonce');
});

t.test('challenges', async (t) => {
  const cases: [Parameters<typeof buildChallenges>[0], AuthParams[]][] = [
    [
      { realm: 'hotdesk', nonce: 'abc' },
      [
        { scheme: 'Digest', realm: '"hotdesk"', nonce: '"abc"', algorithm: 'SHA-256', qop: '"auth"' },
        { scheme: 'Digest', realm: '"hotdesk"', nonce: '"abc"', algorithm: 'MD5', qop: '"auth"' },
      ],
    ],
    [
      { realm: 'hotdesk', nonce: 'abc', stale: true, algorithms: ['MD5', 'SHA-256', 'MD5'], opaque: 'o' },
      [
        {
          scheme: 'Digest',
          realm: '"hotdesk"',
          nonce: '"abc"',
          opaque: '"o"',
          stale: 'TRUE',
          algorithm: 'SHA-256',
          qop: '"auth"',
        },
        {
          scheme: 'Digest',
          realm: '"hotdesk"',
          nonce: '"abc"',
          opaque: '"o"',
          stale: 'TRUE',
          algorithm: 'MD5',
          qop: '"auth"',
        },
      ],
    ],
    [
      { realm: 'a "b" \\c', nonce: 'n', stale: false, algorithms: ['MD5'] },
      [{ scheme: 'Digest', realm: '"a \\"b\\" \\\\c"', nonce: '"n"', algorithm: 'MD5', qop: '"auth"' }],
    ],
    [
      { realm: 'r', nonce: 'n', algorithms: ['MD5-sess', 'SHA-256-sess'] },
      [
        { scheme: 'Digest', realm: '"r"', nonce: '"n"', algorithm: 'SHA-256-sess', qop: '"auth"' },
        { scheme: 'Digest', realm: '"r"', nonce: '"n"', algorithm: 'MD5-sess', qop: '"auth"' },
      ],
    ],
    [{ realm: 'r', nonce: 'n', algorithms: [] }, []],
  ];
  for (const [options, expected] of cases) t.same(buildChallenges(options), expected, JSON.stringify(options));
});

t.test('challenges survive the wire: stringified by sip, parsed back', async (t) => {
  const register = request({ method: 'REGISTER', uri: 'sip:192.0.2.10' });
  const challenges = buildChallenges({ realm: 'office "east"', nonce: 'n-1', stale: true, opaque: 'op' });
  const response: SipResponse = {
    status: 401,
    reason: 'Unauthorized',
    version: '2.0',
    headers: { ...register.headers, 'www-authenticate': challenges, 'content-length': 0 },
  };
  const text = sip.stringify(response);
  t.match(
    text,
    new RegExp(
      String.raw`WWW-Authenticate: Digest realm="office \\"east\\"",nonce="n-1",` +
        String.raw`opaque="op",stale=TRUE,algorithm=SHA-256,qop="auth"\r\n`,
    ),
  );
  const back = sip.parse(text) as SipResponse;
  t.same(back.headers['www-authenticate'], challenges);
});

const good = {
  scheme: 'Digest',
  username: '"100"',
  realm: '"hotdesk"',
  nonce: '"n"',
  uri: '"sip:192.0.2.10"',
  response: `"${'a'.repeat(32)}"`,
  qop: 'auth',
  nc: '00000001',
  cnonce: '"c"',
};
const parsedGood: DigestCredentials = {
  username: '100',
  realm: 'hotdesk',
  nonce: 'n',
  uri: 'sip:192.0.2.10',
  response: 'a'.repeat(32),
  algorithm: 'MD5',
  qop: 'auth',
  nc: '00000001',
  cnonce: 'c',
};
const sha = `"${'b'.repeat(64)}"`;
const parseCases: [string, AuthParams, DigestCredentials | undefined][] = [
  ['typical phone (MD5 implied)', good, parsedGood],
  ['algorithm token', { ...good, algorithm: 'MD5' }, parsedGood],
  ['algorithm any case', { ...good, algorithm: 'md5' }, parsedGood],
  ['algorithm quoted (old phones)', { ...good, algorithm: '"MD5"' }, parsedGood],
  [
    'SHA-256',
    { ...good, algorithm: 'sha-256', response: sha },
    { ...parsedGood, algorithm: 'SHA-256', response: 'b'.repeat(64) },
  ],
  [
    'SHA-256-sess',
    { ...good, algorithm: 'SHA-256-SESS', response: sha },
    { ...parsedGood, algorithm: 'SHA-256-sess', response: 'b'.repeat(64) },
  ],
  ['MD5-sess', { ...good, algorithm: 'MD5-sess' }, { ...parsedGood, algorithm: 'MD5-sess' }],
  ['scheme any case', { ...good, scheme: 'DIGEST' }, parsedGood],
  ['parameter names any case', { ...good, username: undefined, UserName: '"100"' }, parsedGood],
  ['qop quoted', { ...good, qop: '"auth"' }, parsedGood],
  ['qop any case', { ...good, qop: 'AUTH' }, parsedGood],
  ['uppercase response lowered', { ...good, response: `"${'A'.repeat(32)}"` }, parsedGood],
  ['uppercase nc kept as sent (it is hashed)', { ...good, nc: '0000000A' }, { ...parsedGood, nc: '0000000A' }],
  [
    'escapes removed',
    { ...good, username: '"a\\"b\\\\c"', realm: '"r\\e"' },
    { ...parsedGood, username: 'a"b\\c', realm: 're' },
  ],
  ['opaque kept', { ...good, opaque: '"xyz"' }, { ...parsedGood, opaque: 'xyz' }],
  ['empty realm is well-formed (and wrong later)', { ...good, realm: '""' }, { ...parsedGood, realm: '' }],
  [
    'no qop (RFC 2069 style)',
    { ...good, qop: undefined, nc: undefined, cnonce: undefined },
    {
      username: '100',
      realm: 'hotdesk',
      nonce: 'n',
      uri: 'sip:192.0.2.10',
      response: 'a'.repeat(32),
      algorithm: 'MD5',
    },
  ],
  ['not Digest', { ...good, scheme: 'Basic' }, undefined],
  ['no username', { ...good, username: undefined }, undefined],
  ['empty username', { ...good, username: '""' }, undefined],
  [
    'username* only (RFC 7616 §3.4.4)',
    { ...good, username: undefined, 'username*': "UTF-8''J%C3%A4s%C3%B8n" },
    undefined,
  ],
  ['no realm', { ...good, realm: undefined }, undefined],
  ['no nonce', { ...good, nonce: undefined }, undefined],
  ['no uri', { ...good, uri: undefined }, undefined],
  ['no response', { ...good, response: undefined }, undefined],
  ['response not hex', { ...good, response: `"${'g'.repeat(32)}"` }, undefined],
  ['response of the wrong length for MD5', { ...good, response: sha }, undefined],
  ['response of the wrong length for SHA-256', { ...good, algorithm: 'SHA-256' }, undefined],
  ['unknown algorithm', { ...good, algorithm: 'SHA-512-256' }, undefined],
  ['AKAv1 algorithm', { ...good, algorithm: 'AKAv1-MD5' }, undefined],
  ['qop auth-int', { ...good, qop: 'auth-int' }, undefined],
  ['qop list', { ...good, qop: '"auth,auth-int"' }, undefined],
  ['qop without nc', { ...good, nc: undefined }, undefined],
  ['qop without cnonce', { ...good, cnonce: undefined }, undefined],
  ['qop with empty cnonce', { ...good, cnonce: '""' }, undefined],
  ['nc 7 digits', { ...good, nc: '0000001' }, undefined],
  ['nc 9 digits', { ...good, nc: '000000001' }, undefined],
  ['nc not hex', { ...good, nc: '0000000x' }, undefined],
  ['nc without qop', { ...good, qop: undefined, cnonce: undefined }, undefined],
  ['cnonce without qop', { ...good, qop: undefined, nc: undefined }, undefined],
  [
    '-sess without qop',
    { ...good, algorithm: 'MD5-sess', qop: undefined, nc: undefined, cnonce: undefined },
    undefined,
  ],
  ['userhash', { ...good, userhash: 'true' }, undefined],
  ['unterminated quote', { ...good, username: '"100' }, undefined],
  ['lone quote', { ...good, username: '"' }, undefined],
  ['unescaped quote inside a quoted-string', { ...good, username: '"1"0"' }, undefined],
  ['dangling escape', { ...good, username: '"100\\"' }, undefined],
  ['quote inside a token', { ...good, cnonce: 'a"b' }, undefined],
  ['the same parameter twice', { ...good, Username: '"101"' }, undefined],
];
for (const [name, params, expected] of parseCases) t.same(parseCredentials(params), expected, `parse: ${name}`);

// ——— verdicts ———

const secret = 'nonce-secret';
const realm = 'hotdesk';
const lifetime = 300_000;
const issuedAt = 1_700_000_000_000;
const random = new Uint8Array(16).fill(7);
const nonce = makeNonce(crypto, secret, issuedAt, random);
const passwords: Record<string, string> = { '100': 'right-password' };
const requestUri = 'sip:192.0.2.10';
/** The nonce with one character of its random part changed. */
const tampered = `${nonce.slice(0, 13)}${nonce[13] === '0' ? '1' : '0'}${nonce.slice(14)}`;

interface Client {
  username?: string;
  password?: string;
  realm?: string;
  nonce?: string;
  uri?: string;
  method?: string;
  algorithm?: DigestAlgorithm;
  nc?: string;
  cnonce?: string;
  qop?: boolean;
  opaque?: string;
}

/** What a phone sends back: the response computed from the challenge, as header parameters. */
function answer(client: Client = {}): AuthParams {
  const algorithm = client.algorithm ?? 'MD5';
  const fields = {
    username: client.username ?? '100',
    realm: client.realm ?? realm,
    nonce: client.nonce ?? nonce,
    uri: client.uri ?? requestUri,
  };
  const qop =
    client.qop === false
      ? {}
      : { qop: 'auth' as const, nc: client.nc ?? '00000001', cnonce: client.cnonce ?? 'phone-cnonce' };
  const response = computeResponse(crypto, {
    ...fields,
    ...qop,
    algorithm,
    password: client.password ?? 'right-password',
    method: client.method ?? 'REGISTER',
  });
  return {
    scheme: 'Digest',
    username: `"${fields.username}"`,
    realm: `"${fields.realm}"`,
    nonce: `"${fields.nonce}"`,
    uri: `"${fields.uri}"`,
    response: `"${response}"`,
    algorithm,
    ...(client.opaque !== undefined ? { opaque: `"${client.opaque}"` } : {}),
    ...(qop.qop ? { qop: 'auth', nc: qop.nc, cnonce: `"${qop.cnonce}"` } : {}),
  };
}

function verdictFor(
  params: AuthParams,
  extra: Partial<CheckCredentialsInput> = {},
  port: DigestCrypto = crypto,
): DigestVerdict | 'malformed' {
  const credentials = parseCredentials(params);
  if (!credentials) return 'malformed';
  return checkCredentials(port, {
    credentials,
    method: 'REGISTER',
    requestUri,
    realm,
    password: passwords[credentials.username],
    secret,
    nowMs: issuedAt + 1000,
    nonceLifetimeMs: lifetime,
    counts: emptyNonceCounts(),
    ...extra,
  });
}

/** The verdict without the counts table, for tables of cases. */
const kindOf = (verdict: DigestVerdict | 'malformed') =>
  verdict === 'malformed' ? verdict : verdict.kind === 'wrong' ? `wrong:${verdict.reason}` : verdict.kind;

const staleNow = { nowMs: issuedAt + lifetime + 1 };
const allAlgorithms: DigestAlgorithm[] = ['SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess'];
const verdictCases: [string, AuthParams, Partial<CheckCredentialsInput>, string][] = [
  ['MD5', answer(), {}, 'ok'],
  ['SHA-256', answer({ algorithm: 'SHA-256' }), {}, 'ok'],
  ['MD5-sess when offered', answer({ algorithm: 'MD5-sess' }), { algorithms: allAlgorithms }, 'ok'],
  ['SHA-256-sess when offered', answer({ algorithm: 'SHA-256-sess' }), { algorithms: allAlgorithms }, 'ok'],
  ['MD5 not offered', answer(), { algorithms: ['SHA-256'] }, 'wrong:algorithm'],
  ['-sess not offered by default', answer({ algorithm: 'MD5-sess' }), {}, 'wrong:algorithm'],
  ['wrong password', answer({ password: 'guess' }), {}, 'wrong:response'],
  ['wrong password, SHA-256', answer({ password: 'guess', algorithm: 'SHA-256' }), {}, 'wrong:response'],
  ['unknown user', answer({ username: '999' }), {}, 'wrong:unknown-user'],
  [
    'unknown user who guessed the placeholder',
    answer({ username: '999', password: '\u0000hotdesk:no-such-user' }),
    {},
    'wrong:unknown-user',
  ],
  ['wrong realm', answer({ realm: 'elsewhere' }), {}, 'wrong:realm'],
  ['realm differs in case', answer({ realm: 'HOTDESK' }), {}, 'wrong:realm'],
  ['tampered nonce', answer({ nonce: tampered }), {}, 'wrong:nonce'],
  ['nonce of another secret', answer({ nonce: makeNonce(crypto, 'stolen', issuedAt, random) }), {}, 'wrong:nonce'],
  ['made-up nonce', answer({ nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093' }), {}, 'wrong:nonce'],
  ['nonce from the future', answer(), { nowMs: issuedAt - 60_000 }, 'wrong:nonce'],
  ['expired nonce, right password', answer(), staleNow, 'stale'],
  ['expired nonce, SHA-256, right password', answer({ algorithm: 'SHA-256' }), staleNow, 'stale'],
  ['expired nonce, wrong password', answer({ password: 'guess' }), staleNow, 'wrong:response'],
  ['expired nonce, unknown user', answer({ username: '999' }), staleNow, 'wrong:unknown-user'],
  [
    'forged nonce: the same reason for known and unknown users',
    answer({ username: '999', nonce: tampered }),
    {},
    'wrong:nonce',
  ],
  [
    'wrong uri: the same reason for known and unknown users',
    answer({ username: '999', uri: 'sip:x' }),
    {},
    'wrong:uri',
  ],
  ['digest for another method', answer({ method: 'INVITE' }), {}, 'wrong:response'],
  ['uri for another target', answer({ uri: 'sip:100@192.0.2.10' }), {}, 'wrong:uri'],
  ['uri with a parameter the Request-URI lacks', answer({ uri: 'sip:192.0.2.10;transport=udp' }), {}, 'wrong:uri'],
  ['uri scheme and host in other case', answer({ uri: 'SIP:192.0.2.10' }), {}, 'ok'],
  [
    'host case ignored, user case kept',
    answer({ uri: 'sip:Alice@EXAMPLE.org' }),
    { requestUri: 'sip:Alice@example.org' },
    'ok',
  ],
  ['user case matters', answer({ uri: 'sip:alice@example.org' }), { requestUri: 'sip:Alice@example.org' }, 'wrong:uri'],
  ['not a SIP URI, equal text', answer({ uri: '/dir/index.html' }), { requestUri: '/dir/index.html' }, 'ok'],
  ['not a SIP URI, other text', answer({ uri: '/dir/other.html' }), { requestUri: '/dir/index.html' }, 'wrong:uri'],
  ['no qop refused by default', answer({ qop: false }), {}, 'wrong:qop'],
  ['no qop allowed on request', answer({ qop: false }), { allowMissingQop: true }, 'ok'],
  ['opaque echoed', answer({ opaque: 'op' }), { opaque: 'op' }, 'ok'],
  ['opaque changed', answer({ opaque: 'other' }), { opaque: 'op' }, 'wrong:opaque'],
  ['opaque dropped', answer(), { opaque: 'op' }, 'wrong:opaque'],
  ['response altered', { ...answer(), response: `"${'0'.repeat(32)}"` }, {}, 'wrong:response'],
  ['malformed', { ...answer(), nc: '1' }, {}, 'malformed'],
];
for (const [name, params, extra, expected] of verdictCases)
  t.equal(kindOf(verdictFor(params, extra)), expected, `verdict: ${name}`);

t.test('nc replay across requests on one nonce', async (t) => {
  const steps: [string, string][] = [
    ['00000001', 'ok'],
    ['00000001', 'replay'],
    ['00000002', 'ok'],
    ['00000002', 'replay'],
    ['00000001', 'replay'],
    ['00000010', 'ok'],
  ];
  let counts: NonceCounts = emptyNonceCounts();
  for (const [nc, expected] of steps) {
    const verdict = verdictFor(answer({ nc }), { counts });
    t.equal(kindOf(verdict), expected, `nc ${nc}`);
    if (verdict !== 'malformed' && verdict.kind === 'ok') counts = verdict.counts;
  }
  // Below 16, counts 2 and 1 (14 and 15 below) are marked taken.
  t.same(nonceCountOf(counts, nonce), {
    nc: 16,
    seenMs: issuedAt + 1000,
    issuedMs: issuedAt,
    below: (1 << 13) | (1 << 14),
  });
});

t.test('without qop a nonce serves one request', async (t) => {
  const first = verdictFor(answer({ qop: false }), { allowMissingQop: true });
  t.equal(kindOf(first), 'ok');
  const counts = first !== 'malformed' && first.kind === 'ok' ? first.counts : emptyNonceCounts();
  t.equal(kindOf(verdictFor(answer({ qop: false }), { allowMissingQop: true, counts })), 'replay');
});

t.test('a wrong or stale answer does not touch the counts', async (t) => {
  const counts = applyNonceCount(emptyNonceCounts(), nonce, '00000001', issuedAt).state;
  t.equal(kindOf(verdictFor(answer({ password: 'guess', nc: '00000002' }), { counts })), 'wrong:response');
  t.equal(kindOf(verdictFor(answer({ nc: '00000002' }), { counts, ...staleNow })), 'stale');
  t.equal(kindOf(verdictFor(answer({ nc: '00000002' }), { counts })), 'ok', 'nc 2 still unused');
});

/** The digest port, counting its calls. */
const countingPort = () => {
  const calls = { hash: 0, hmac: 0, equal: 0 };
  const port: DigestCrypto = {
    hash: (...args) => (calls.hash++, crypto.hash(...args)),
    hmac: (...args) => (calls.hmac++, crypto.hmac(...args)),
    equal: (...args) => (calls.equal++, crypto.equal(...args)),
  };
  return { calls, port };
};

t.test('a nonce with counts is not MACed again; any other nonce is', async (t) => {
  const first = countingPort();
  const accepted = verdictFor(answer({ nc: '00000001' }), {}, first.port);
  t.equal(kindOf(accepted), 'ok');
  t.equal(first.calls.hmac, 1, 'the first use checks the MAC');
  const counts = accepted !== 'malformed' && accepted.kind === 'ok' ? accepted.counts : emptyNonceCounts();
  const again = countingPort();
  t.equal(kindOf(verdictFor(answer({ nc: '00000002' }), { counts }, again.port)), 'ok');
  t.same(again.calls, { hash: 3, hmac: 0, equal: 1 }, 'the next use does not');
  const later = countingPort();
  t.equal(kindOf(verdictFor(answer({ nc: '00000003' }), { counts, ...staleNow }, later.port)), 'stale');
  t.equal(later.calls.hmac, 0, 'its age still counts');
  const forged = countingPort();
  const [body] = nonce.split('-');
  const other = `${body}-${'A'.repeat(43)}`;
  const refused = verdictFor({ ...answer({ nc: '00000004' }), nonce: `"${other}"` }, { counts }, forged.port);
  t.equal(kindOf(refused), 'wrong:nonce', 'a forged nonce beside a counted one');
  t.equal(forged.calls.hmac, 1);
});

t.test('unknown users cost exactly what known users cost', async (t) => {
  const measure = (params: AuthParams, extra: Partial<CheckCredentialsInput> = {}) => {
    const { calls, port } = countingPort();
    const verdict = verdictFor(params, extra, port);
    return { kind: kindOf(verdict), calls };
  };
  const perRequest = { hash: 3, hmac: 1, equal: 2 };
  const known = measure(answer({ password: 'guess' }));
  const unknown = measure(answer({ username: '999', password: 'guess' }));
  t.same(known, { kind: 'wrong:response', calls: perRequest });
  t.same(unknown, { kind: 'wrong:unknown-user', calls: perRequest });
  t.same(unknown.calls, known.calls, 'same port calls');
  // …and every other verdict takes the same path too.
  for (const [name, params, extra] of [
    ['ok', answer(), {}],
    ['stale', answer(), staleNow],
    ['unknown user, stale', answer({ username: '999' }), staleNow],
    ['forged nonce', answer({ nonce: 'forged' }), {}],
    ['wrong realm', answer({ realm: 'elsewhere' }), {}],
    ['uri mismatch', answer({ uri: 'sip:other' }), {}],
  ] as const) {
    t.same(measure(params, extra).calls, perRequest, name);
  }
  t.same(
    measure(answer({ algorithm: 'SHA-256-sess' }), { algorithms: allAlgorithms }).calls,
    { ...perRequest, hash: 4 },
    '-sess: one hash more',
  );
});

t.test('the whole exchange over the wire: 401, phone retries, accepted', async (t) => {
  for (const algorithm of ['SHA-256', 'MD5'] as const) {
    const challenge = buildChallenges({ realm, nonce, algorithms: [algorithm] });
    const wire = sip.stringify({
      status: 401,
      reason: 'Unauthorized',
      version: '2.0',
      headers: { ...request({ method: 'REGISTER', uri: requestUri }).headers, 'www-authenticate': challenge },
    } as SipResponse);
    // The phone reads the challenge and answers it.
    const seen = (sip.parse(wire) as SipResponse).headers['www-authenticate']![0]!;
    const unq = (value: string | undefined) => value!.replace(/^"|"$/g, '');
    const nc = '00000001';
    const cnonce = '0a4f113b';
    const response = computeResponse(crypto, {
      algorithm,
      username: '100',
      realm: unq(seen.realm),
      password: 'right-password',
      method: 'REGISTER',
      uri: requestUri,
      nonce: unq(seen.nonce),
      qop: 'auth',
      nc,
      cnonce,
    });
    const retry = parseWire([
      `REGISTER ${requestUri} SIP/2.0`,
      'Via: SIP/2.0/UDP 192.0.2.50:5062;branch=z9hG4bK-2;rport',
      'From: <sip:100@192.0.2.10>;tag=a',
      'To: <sip:100@192.0.2.10>',
      'Call-ID: reg-1',
      'CSeq: 2 REGISTER',
      'Contact: <sip:100@192.0.2.50:5062>',
      `Authorization: Digest username="100",realm=${seen.realm},nonce=${seen.nonce},uri="${requestUri}",` +
        `response="${response}",algorithm=${seen.algorithm},cnonce="${cnonce}",qop=auth,nc=${nc}`,
      'Content-Length: 0',
    ]) as SipRequest;
    const credentials = parseCredentials(retry.headers.authorization![0]!);
    t.ok(credentials, `${algorithm}: parsed`);
    if (!credentials) continue;
    const verdict = checkCredentials(crypto, {
      credentials,
      method: retry.method,
      requestUri: String(retry.uri),
      realm,
      password: 'right-password',
      secret,
      nowMs: issuedAt + 5000,
      nonceLifetimeMs: lifetime,
      counts: emptyNonceCounts(),
    });
    t.equal(verdict.kind, 'ok', `${algorithm}: accepted`);
  }
});

t.test('attack: a nonce whose counts were dropped for room is stale, not accepted afresh', async (t) => {
  let counts: NonceCounts = emptyNonceCounts(1);
  const first = verdictFor(answer({ nc: '00000001' }), { counts });
  if (first !== 'malformed' && first.kind === 'ok') counts = first.counts;
  // One newer nonce with a cap of one pushes ours out.
  const newer = makeNonce(crypto, secret, issuedAt + 500, new Uint8Array(16).fill(9));
  counts = applyNonceCount(counts, newer, '00000001', issuedAt + 600, 1).state;
  t.equal(kindOf(verdictFor(answer({ nc: '00000001' }), { counts })), 'stale', 'the replay gets stale, never ok');
  t.equal(kindOf(verdictFor(answer({ nc: '00000002' }), { counts })), 'stale', 'nor the next count');
});

const { username: _username, ...withoutUsername } = good;

t.test('attack: parameter names that name object internals neither pollute nor pass as credentials', async (t) => {
  const header = (extra: string) =>
    `Digest username="100",realm="hotdesk",nonce="n",uri="sip:192.0.2.10",` +
    `response="${'a'.repeat(32)}",qop=auth,nc=00000001,cnonce="c",${extra}`;
  for (const extra of ['__proto__="x"', 'constructor="x"', 'hasOwnProperty="x"', 'toString="x"']) {
    const message = sip.parse(
      'REGISTER sip:192.0.2.10 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.50;branch=z9hG4bKx\r\n' +
        `Authorization: ${header(extra)}\r\nContent-Length: 0\r\n\r\n`,
    ) as SipRequest;
    const params = message.headers.authorization![0]!;
    const parsed = parseCredentials(params);
    t.same(parsed && { ...parsed }, parsedGood, `${extra}: the credentials read as they are, nothing more`);
  }
  t.equal(({} as Record<string, unknown>)['x'], undefined, 'Object.prototype untouched');
  t.equal(
    parseCredentials(Object.assign(Object.create({ username: '"100"' }) as AuthParams, withoutUsername)),
    undefined,
    'a username only inherited is no username',
  );
});
