import t from 'tap';
import {
  digestForAccount,
  formatDigestList,
  officeDigest,
  parseDigestList,
  type DigestChoiceInput,
} from '../../src/core/digest-choice.js';

const base: DigestChoiceInput = {
  extensions: [
    { number: '101', digest: ['SHA-256', 'MD5'] },
    { number: '102' },
    { number: '103' },
    { number: '104', digest: ['MD5'] },
  ],
  phones: [
    { name: 'HD0001', model: 'vendor-new', session: { extension: '102', since: '2026-01-01T00:00:00Z' } },
    { name: 'HD0002', model: 'vendor-old', session: null },
    { name: 'HD0003', model: 'vendor-new', session: null },
    { name: 'HD0004', model: 'vendor-new', session: { extension: '103', since: '2026-01-01T00:00:00Z' } },
    { name: 'HD0005', model: 'vendor-old', session: { extension: '103', since: '2026-01-01T00:00:00Z' } },
    { name: 'HD0006', model: 'vendor-new', session: { extension: '104', since: '2026-01-01T00:00:00Z' } },
  ],
  settings: {},
  sha256Models: new Set(['vendor-new']),
};

t.test('out of the box every account, known or not, gets MD5 only', async (t) => {
  const plain = {
    ...base,
    sha256Models: new Set<string>(),
    extensions: base.extensions.map(({ number }) => ({ number })),
  };
  for (const account of ['101', '102', 'HD0001', 'nobody', undefined])
    t.same(digestForAccount(plain, account), ['MD5'], String(account));
});

t.test('precedence: extension, then phone model, then office', async (t) => {
  const cases: [string | undefined, Partial<DigestChoiceInput>, string[], string][] = [
    ['101', {}, ['SHA-256', 'MD5'], 'the extension says so'],
    ['104', {}, ['MD5'], 'the extension says MD5 on a SHA-256 phone'],
    ['102', {}, ['SHA-256', 'MD5'], 'logged in only on a SHA-256 model'],
    ['103', {}, ['MD5'], 'logged in on a SHA-256 and an older model'],
    ['HD0003', {}, ['SHA-256', 'MD5'], "a SHA-256 model's own account"],
    ['HD0002', {}, ['MD5'], "an older model's own account"],
    ['nobody', {}, ['MD5'], 'unknown account: the office default'],
    ['nobody', { settings: { digest: ['SHA-256', 'MD5'] } }, ['SHA-256', 'MD5'], 'unknown account: the office setting'],
    ['HD0002', { settings: { digest: ['SHA-256', 'MD5'] } }, ['SHA-256', 'MD5'], 'the office setting for the rest'],
    [
      'HD0002',
      { settings: { digest: ['SHA-256', 'MD5'] }, officeFlag: ['MD5'] },
      ['MD5'],
      'the flag overrides the setting',
    ],
    ['101', { officeFlag: ['MD5'] }, ['SHA-256', 'MD5'], 'the extension wins over the flag'],
    [undefined, { officeFlag: ['SHA-256'] }, ['SHA-256'], 'no account named: the office'],
  ];
  for (const [account, change, expected, why] of cases)
    t.same(digestForAccount({ ...base, ...change }, account), expected, why);
});

t.test('an unknown account is challenged like a known account without a setting', async (t) => {
  t.same(digestForAccount(base, 'HD9999'), digestForAccount(base, 'HD0002'));
  t.same(digestForAccount(base, '999'), officeDigest(base));
});

t.test('digest lists as typed', async (t) => {
  const cases: [string, string[] | undefined][] = [
    ['md5', ['MD5']],
    ['sha-256,md5', ['SHA-256', 'MD5']],
    [' SHA-256 , MD5 ', ['SHA-256', 'MD5']],
    ['sha-256', ['SHA-256']],
    ['md5,md5', undefined],
    ['sha-512', undefined],
    ['', undefined],
  ];
  for (const [text, expected] of cases) t.same(parseDigestList(text), expected, JSON.stringify(text));
  t.equal(formatDigestList(['SHA-256', 'MD5']), 'sha-256,md5');
});
