/**
 * A warning call on the in-memory network, through the dialog layer: the
 * phone challenges the INVITE (answered once with the account's credentials),
 * answers; ACK; a non-DTMF INFO gets 415 (as in the login call), a DTMF INFO
 * "1" extends; hotdeskd says the confirmation and hangs up with BYE.
 */
import t from 'tap';
import { createLogger } from '../../../src/adapters/log.js';
import { createWarningCalls } from '../../../src/daemon/ivr/warning-calls.js';
import { buildResponse, type SipRequest } from '../../../src/sip/message.js';
import { sipRequest, startSipPair } from '../../support/sip-pair.js';

const prompts = {
  audio: () => new Int16Array(160),
  sequence: () => new Int16Array(160),
};
const answerSdp = [
  'v=0',
  'o=phone 1 1 IN IP4 127.0.0.2',
  's=-',
  'c=IN IP4 127.0.0.2',
  't=0 0',
  'm=audio 31000 RTP/AVP 0 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  '',
].join('\r\n');

t.test('warning call: challenge answered, ACK, 415 for a non-DTMF INFO, "1" by INFO extends, BYE', async (t) => {
  const pair = await startSipPair();
  t.teardown(() => pair.close());
  const pool = pair.network.rtpPool('127.0.0.1');
  const warnings = createWarningCalls({
    stack: pair.ours,
    log: createLogger({ level: 'silent' }),
    pool,
    prompts,
    mediaAddress: () => '127.0.0.1',
    ownUri: () => 'sip:127.0.0.1:5060',
  });
  pair.onOurs((request, remote) => t.ok(warnings.inDialog(request, remote), `${request.method} is the call's`));
  const invites: SipRequest[] = [];
  const got: SipRequest[] = [];
  let answered!: () => void;
  const ready = new Promise<void>((resolve) => (answered = resolve));
  pair.onPhone((request) => {
    got.push(request);
    if (request.method === 'BYE') return pair.phone.respond(buildResponse(request, 200, 'OK'));
    if (request.method !== 'INVITE') return;
    invites.push(request);
    if (invites.length === 1)
      return pair.phone.respond(
        buildResponse(request, 401, 'Unauthorized', {
          toTag: 'p',
          headers: { 'www-authenticate': [{ scheme: 'Digest', realm: '"phone"', nonce: '"n"', algorithm: 'MD5' }] },
        }),
      );
    pair.phone.respond(
      buildResponse(request, 200, 'OK', {
        toTag: 'p',
        headers: { contact: [{ uri: 'sip:HD0001@127.0.0.2:5060', params: {} }], 'content-type': 'application/sdp' },
        content: answerSdp,
      }),
    );
    answered();
  });
  let extended = 0;
  const outcome = warnings.call({
    phone: 'HD0001',
    extension: '100',
    target: { aor: '100', contact: 'sip:100@127.0.0.2:5060', source: pair.phoneAt },
    vendor: 'yealink',
    language: 'en',
    domain: 'office.test',
    credentials: { username: '100', password: 'secret-100' },
    onExtend: () => extended++,
  });
  await ready;
  await pair.network.settle();
  t.equal(invites.length, 2, 'the challenged INVITE is sent again');
  t.ok(invites[1]!.headers['authorization'], 'with the credentials');
  t.equal(invites[1]!.headers.cseq.seq, invites[0]!.headers.cseq.seq + 1, 'and the next CSeq');
  t.ok(
    got.some((request) => request.method === 'ACK'),
    'the 2xx is ACKed',
  );
  const invite = invites[1]!;
  const ourTag = invite.headers.from.params['tag']!;
  const callId = invite.headers['call-id'];
  const info = (seq: number, type: string, body: string) =>
    pair.ask('phone', sipRequest('INFO', callId, { from: 'p', to: ourTag }, seq, { 'content-type': type }, body));
  const text = await info(1, 'text/plain', 'hello');
  t.equal(text.status, 415, 'a body that is no DTMF: 415, as in the login call');
  t.equal(extended, 0);
  const key = await info(2, 'application/dtmf-relay', 'Signal=1\r\nDuration=160\r\n');
  t.equal(key.status, 200);
  t.equal(await outcome, 'extended');
  t.equal(extended, 1, 'extended once');
  await pair.network.settle();
  const bye = got.find((request) => request.method === 'BYE');
  t.ok(bye, 'hotdeskd hangs up');
  t.equal(bye?.headers.to.params['tag'], 'p', "in the phone's dialog");
  t.equal(warnings.active, 0, 'nothing left');
  t.equal(pool.inUse, 0, 'the RTP port is released');
});
