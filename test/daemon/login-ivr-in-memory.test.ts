/**
 * The login voice menu end to end on the in-memory network (no SIP or RTP
 * port): the idle phone registers, dials the login code, hears the prompt,
 * types its PIN as RFC 4733 events, is hung up on, told to re-provision with
 * a check-sync NOTIFY, and fetches its new file over HTTP (a real server on a
 * free port). The same flow over real sockets: login-ivr.test.ts.
 */
import t from 'tap';
import type { SipRequest } from '../../src/sip/message.js';
import { readPhoneConfig } from '../fixtures/provisioning/read-config.js';
import { waitFor } from '../support/start-daemon.js';
import { dial, idlePassword, isRequest, PIN, startLoginOffice } from '../support/login-office.js';

const UA = 'Yealink SIP-T54W 96.86.0.70 00:15:65:00:00:01';

t.test('login by phone in memory: register, *77*100*, prompt, PIN, BYE, check-sync, fetch', async (t) => {
  const o = await startLoginOffice(t, { inMemory: true, http: true });
  const started = performance.now();
  const phone = await o.phone('HD0001', idlePassword(o));
  t.equal((await phone.register()).status, 200, 'the idle phone registers as its own account');

  const rtp = await o.rtp();
  const { call, answer } = await dial(phone, rtp, '*77*100*', 3);
  t.equal(call.response.status, 200, 'the login code is answered');
  t.ok(
    answer.media[0]?.rtp.some((entry) => entry.codec === 'telephone-event' && entry.payload === 101),
    'telephone-event with our payload type',
  );
  t.ok(
    rtp.received.length >= 3 &&
      rtp.received.every((packet) => packet.payload.length === 160 && packet.payloadType === 0),
    'prompt audio: 20 ms of PCMU each',
  );

  await rtp.typeKeys(`${PIN}#`);
  const bye = (await phone.waitFor(isRequest('BYE'), 5000)) as SipRequest;
  t.equal(bye.headers['call-id'], call.callId, 'hotdeskd hangs up after the confirmation');
  const notify = (await phone.waitFor(isRequest('NOTIFY'), 5000)) as SipRequest;
  t.match(String(notify.headers['event']), /^check-sync/, 'the phone is told to fetch its configuration');
  t.match(typeof notify.uri === 'string' ? notify.uri : '', /^sip:HD0001@127\.0\.0\.1/, 'at the contact it registered');
  t.equal(o.daemon.store.data.phones[0]!.session?.extension, '100', 'HD0001 is now 100');
  t.ok(
    o.network!.sent.some(
      ({ message }) => isRequest('NOTIFY')(message) && String(message.headers['event']).startsWith('check-sync'),
    ),
    'the harness saw the service send the NOTIFY',
  );

  const response = await fetch(`${o.provisioningUrl!}/001565000001.cfg`, { headers: { 'user-agent': UA } });
  t.equal(response.status, 200, 'the phone fetches its file');
  const config = readPhoneConfig('yealink', await response.text());
  t.equal(config.user, '100', "the account is the user's");
  t.equal(config.password, 'secret-100', "with the user's SIP password");
  await waitFor(() => o.daemon.sip!.ivr!.active === 0, 'the login call to end');
  // A figure, not an assertion: time limits belong to benchmarks (a loaded machine would fail them here).
  t.comment(`the whole flow took ${Math.round(performance.now() - started)} ms`);
});
