/** The npm `sip` package's helpers as the daemon reaches them. */
import t from 'tap';
import { copyMessage, generateBranch, parseUri, stringifyUri } from '../../src/adapters/sip-syntax.js';
import type { SipRequest } from '../../src/sip/message.js';

t.test('URIs: parsed and written back', async (t) => {
  const cases: [string, { user?: string; host: string; port?: number }][] = [
    ['sip:100@office.test', { user: '100', host: 'office.test' }],
    ['sip:HD0001@127.0.0.1:5062;transport=tcp', { user: 'HD0001', host: '127.0.0.1', port: 5062 }],
    ['sips:192.0.2.10:5061', { host: '192.0.2.10', port: 5061 }],
  ];
  for (const [text, expected] of cases) {
    const uri = parseUri(text);
    t.match(uri, expected, text);
    t.equal(stringifyUri(uri!), text, `${text} written back the same`);
  }
  t.equal(parseUri('not a uri'), undefined, 'not a URI: undefined');
  t.equal(stringifyUri('sip:already@text'), 'sip:already@text', 'text stays as it is');
});

t.test('a deep copy shares no header with the original', async (t) => {
  const request: SipRequest = {
    method: 'OPTIONS',
    uri: 'sip:office.test',
    version: '2.0',
    headers: {
      via: [{ version: '2.0', protocol: 'UDP', host: '127.0.0.1', port: 5062, params: { branch: 'z9hG4bK1' } }],
      to: { uri: 'sip:office.test', params: {} },
      from: { uri: 'sip:100@office.test', params: { tag: 'a' } },
      'call-id': 'c1',
      cseq: { seq: 1, method: 'OPTIONS' },
    },
  };
  const copy = copyMessage(request, true);
  copy.headers.via[0]!.params['branch'] = 'z9hG4bK2';
  copy.headers.from.params['tag'] = 'b';
  t.equal(request.headers.via[0]!.params['branch'], 'z9hG4bK1', 'the original Via is untouched');
  t.equal(request.headers.from.params['tag'], 'a', 'the original From is untouched');
  t.same(copyMessage(request, true), request, 'a copy equals its original');
});

t.test('branches are RFC 3261 branches, each new', async (t) => {
  const branches = new Set(Array.from({ length: 100 }, () => generateBranch()));
  t.equal(branches.size, 100, 'no two alike');
  t.ok(
    [...branches].every((branch) => branch.startsWith('z9hG4bK')),
    'each starts with the magic cookie (RFC 3261 §8.1.1.7)',
  );
});
