/**
 * One challenge answered, once: the retry carries the digest and the next
 * CSeq; a second challenge, or one without credentials, reaches the caller.
 */
import t, { type Test } from 'tap';
import { sendWithDigestRetry } from '../../../src/daemon/sip/digest-retry.js';
import { buildResponse, type SipRequest, type SipResponse } from '../../../src/sip/message.js';
import { sipRequest, startSipPair } from '../../support/sip-pair.js';

const challenge = { scheme: 'Digest', realm: '"phone"', nonce: '"n1"', algorithm: 'MD5', qop: '"auth"' };

/** The phone challenges the first `challenges` requests with `status`, then answers 200. */
async function setUp(t: Test, challenges: number, status = 401) {
  const pair = await startSipPair();
  t.teardown(() => pair.close());
  const seen: SipRequest[] = [];
  pair.onPhone((request) => {
    seen.push(request);
    const header = status === 401 ? 'www-authenticate' : 'proxy-authenticate';
    pair.phone.respond(
      seen.length <= challenges
        ? buildResponse(request, status, 'Unauthorized', { toTag: 'p', headers: { [header]: [challenge] } })
        : buildResponse(request, 200, 'OK', { toTag: 'p' }),
    );
  });
  const send = (credentials?: { username: string; password: string }) =>
    new Promise<{ response: SipResponse; sent: SipRequest }>((resolve) => {
      const notify = sipRequest('NOTIFY', 'n-1', { from: 'ours' }, 10, { event: 'check-sync' });
      sendWithDigestRetry(pair.ours, notify, pair.phoneAt, (response, sent) => resolve({ response, sent }), {
        credentials,
      });
    });
  return { seen, send };
}

t.test('a 401 is answered once with the credentials, the next CSeq and Authorization', async (t) => {
  const { seen, send } = await setUp(t, 1);
  const { response, sent } = await send({ username: 'HD0001', password: 'secret' });
  t.equal(response.status, 200);
  t.equal(seen.length, 2);
  t.equal(seen[1]!.headers.cseq.seq, 11, 'a new request: the next CSeq');
  const authorization = seen[1]!.headers['authorization']?.[0];
  t.equal(authorization?.['username'], '"HD0001"');
  t.equal(authorization?.['realm'], '"phone"');
  t.equal(sent.headers.cseq.seq, 11, 'the caller is told which request got the answer');
});

t.test('a 407 is answered with Proxy-Authorization', async (t) => {
  const { seen, send } = await setUp(t, 1, 407);
  t.equal((await send({ username: 'HD0001', password: 'secret' })).response.status, 200);
  t.ok(seen[1]!.headers['proxy-authorization'], 'Proxy-Authorization on the retry');
});

t.test('a second challenge is not answered again; without credentials none is', async (t) => {
  const twice = await setUp(t, 2);
  t.equal((await twice.send({ username: 'HD0001', password: 'wrong' })).response.status, 401);
  t.equal(twice.seen.length, 2, 'one retry only');
  const bare = await setUp(t, 1);
  t.equal((await bare.send()).response.status, 401, 'no credentials: the 401 goes to the caller');
  t.equal(bare.seen.length, 1);
});
