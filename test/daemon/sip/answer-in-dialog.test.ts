/**
 * The in-dialog requests of a dialog hotdeskd is an end of, on the in-memory
 * network: ACK, BYE, INFO (DTMF or 415), re-INVITE/UPDATE (our SDP, or 488),
 * OPTIONS and 405.
 */
import t, { type Test } from 'tap';
import { answerInDialog, DIALOG_ALLOW, type DialogSession } from '../../../src/daemon/sip/answer-in-dialog.js';
import { buildResponse, type Endpoint, type SipRequest } from '../../../src/sip/message.js';
import type { MediaAnswer } from '../../../src/daemon/ivr/media-session.js';
import { sipRequest, startSipPair } from '../../support/sip-pair.js';

const offer = (port: number, codecs = '0 101') =>
  [
    'v=0',
    'o=phone 1 1 IN IP4 127.0.0.2',
    's=-',
    'c=IN IP4 127.0.0.2',
    't=0 0',
    `m=audio ${port} RTP/AVP ${codecs}`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    '',
  ].join('\r\n');

async function setUp(t: Test) {
  const pair = await startSipPair();
  t.teardown(() => pair.close());
  const events: string[] = [];
  const remotes: MediaAnswer[] = [];
  const session: DialogSession = {
    media: { port: 40000, updateRemote: (answer) => remotes.push(answer) },
    sessionId: 42,
    sessionVersion: 1,
    sdp: 'v=0 (ours)',
  };
  const sentOk: { request: SipRequest; remote: Endpoint }[] = [];
  pair.onOurs((request, remote) =>
    answerInDialog(request, remote, session, {
      stack: pair.ours,
      mediaAddress: () => '127.0.0.1',
      sendOk(answered, from) {
        sentOk.push({ request: answered, remote: from });
        pair.ours.respond(buildResponse(answered, 200, 'OK', { content: session.sdp }));
      },
      acked: () => events.push('acked'),
      hungUp: () => events.push('hung-up'),
      digit: (digit) => events.push(`digit ${digit}`),
    }),
  );
  let seq = 1;
  const ask = (method: string, headers: Record<string, unknown> = {}, content = '') =>
    pair.ask('phone', sipRequest(method, 'c1', { from: 'phone', to: 'ours' }, seq++, headers, content));
  return { pair, events, remotes, session, sentOk, ask };
}

t.test('INFO: a DTMF body gives a digit; another body 415 with Accept; no body 200', async (t) => {
  const { events, ask } = await setUp(t);
  const relay = await ask('INFO', { 'content-type': 'application/dtmf-relay' }, 'Signal=5\r\nDuration=160\r\n');
  t.equal(relay.status, 200);
  const dtmf = await ask('INFO', { 'content-type': 'application/dtmf' }, '#');
  t.equal(dtmf.status, 200);
  const other = await ask('INFO', { 'content-type': 'text/plain' }, 'hello');
  t.equal(other.status, 415, 'RFC 6086: a body we do not take is 415');
  t.match(String(other.headers['accept']), /application\/dtmf-relay/);
  t.equal((await ask('INFO')).status, 200, 'an empty INFO (a keep-alive) is 200');
  t.same(events, ['digit 5', 'digit #']);
});

t.test('re-INVITE and UPDATE: answered with our SDP on the same port; an offer we cannot take is 488', async (t) => {
  const { events, remotes, session, sentOk, ask } = await setUp(t);
  const reinvite = await ask('INVITE', { 'content-type': 'application/sdp' }, offer(30000));
  t.equal(reinvite.status, 200);
  t.match(reinvite.content, /m=audio 40000 /, 'the same port');
  t.equal(session.sessionVersion, 2, 'o= version bumped');
  t.equal(remotes.at(-1)?.remote.port, 30000, 'the media follows the new offer');
  const update = await ask('UPDATE', { 'content-type': 'application/sdp' }, offer(30002));
  t.equal(update.status, 200);
  t.same(
    sentOk.map((ok) => ok.request.method),
    ['INVITE', 'UPDATE'],
  );
  const refresh = await ask('INVITE');
  t.equal(refresh.status, 200, 'a refresh without SDP: our SDP again');
  t.equal(session.sessionVersion, 3, 'unchanged by a refresh');
  const bad = await ask('INVITE', { 'content-type': 'application/sdp' }, offer(30004, '18'));
  t.equal(bad.status, 488, 'no codec in common: 488');
  t.equal(session.sessionVersion, 3, 'the session stays as it was');
  t.same(events, []);
});

t.test('ACK, OPTIONS, BYE and what we do not take', async (t) => {
  const { pair, events, ask } = await setUp(t);
  pair.phone.send(sipRequest('ACK', 'c1', { from: 'phone', to: 'ours' }, 1), pair.oursAt);
  await pair.network.settle();
  t.same(events, ['acked']);
  const options = await ask('OPTIONS');
  t.equal(options.status, 200);
  t.equal(options.headers['allow'], DIALOG_ALLOW);
  const message = await ask('MESSAGE', { 'content-type': 'text/plain' }, 'hi');
  t.equal(message.status, 405);
  t.equal(message.headers['allow'], DIALOG_ALLOW);
  const bye = await ask('BYE');
  t.equal(bye.status, 200);
  t.same(events, ['acked', 'hung-up']);
});
