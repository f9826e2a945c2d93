import t from 'tap';
import { checkRequest } from '../../src/sip/validate.js';
import { request } from '../support/sip-text.js';

const context = { ownSentBy: ['192.0.2.10:5060'], local: false };

const cases: [string, Parameters<typeof request>[0], boolean, number | undefined][] = [
  ['a plain INVITE passes', {}, false, undefined],
  ['unknown method', { method: 'FROBNICATE' }, false, 405],
  ['unsupported Require on a local request', { method: 'REGISTER', extra: ['Require: 100rel, foo'] }, true, 420],
  ['Require is passed on by the proxy', { extra: ['Require: 100rel'] }, false, undefined],
  ['Proxy-Require is never supported', { extra: ['Proxy-Require: foo'] }, false, 420],
  [
    'our own Via below the top is a loop',
    { via: ['Via: SIP/2.0/UDP 192.0.2.50;branch=z9hG4bK-2', 'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-1'] },
    false,
    482,
  ],
  ['a request with a body passes', { body: 'v=0\r\n' }, false, undefined],
];
for (const [name, options, local, status] of cases) {
  const problem = checkRequest(request(options), { ...context, local });
  t.equal(problem?.status, status, name);
}

t.test('a SIP version other than 2.0 gets 505, before anything else is looked at', async (t) => {
  for (const version of ['3.0', '1.0', '2.1']) {
    const odd = request({ method: 'FROBNICATE' });
    odd.version = version;
    t.same(checkRequest(odd, context), { status: 505, phrase: 'Version Not Supported' }, `SIP/${version}`);
  }
  t.equal(checkRequest(request({}), context), undefined, 'SIP/2.0 passes');
});

t.test('405 lists what is allowed', async (t) => {
  const problem = checkRequest(request({ method: 'FROBNICATE' }), context);
  t.match(problem?.headers?.['allow'], /INVITE.*REGISTER.*SUBSCRIBE/);
});

t.test('420 names the unsupported options', async (t) => {
  const problem = checkRequest(request({ method: 'OPTIONS', extra: ['Require: foo, bar'] }), {
    ...context,
    local: true,
  });
  t.same(problem, { status: 420, phrase: 'Bad Extension', headers: { unsupported: 'foo, bar' } });
});

t.test('Max-Forwards', async (t) => {
  const zero = request({});
  zero.headers['max-forwards'] = '0';
  t.equal(checkRequest(zero, context)?.status, 483, 'a request to forward with Max-Forwards 0');
  t.equal(checkRequest(zero, { ...context, local: true }), undefined, 'fine for a request answered here');
  zero.headers['max-forwards'] = 'many';
  t.equal(checkRequest(zero, context)?.status, 400);
});

t.test('CSeq and Content-Length sanity', async (t) => {
  const mismatch = request({});
  mismatch.headers.cseq = { seq: 1, method: 'BYE' };
  t.equal(checkRequest(mismatch, context)?.status, 400);
  const truncated = request({ body: 'abc' });
  truncated.headers['content-length'] = 300;
  t.same(checkRequest(truncated, context), { status: 400, phrase: 'Content-Length Mismatch' });
  const huge = request({});
  huge.headers['subject'] = 'x'.repeat(9000);
  t.equal(checkRequest(huge, context)?.status, 400);
});
