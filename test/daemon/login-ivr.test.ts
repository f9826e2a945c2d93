/**
 * The login voice menu end to end: hotdeskd runs in this process. The first
 * test on real sockets on 127.0.0.1: a test phone (the npm `sip` parser over
 * UDP) registers as its hot-desk account, dials the login code, hears prompt
 * audio over RTP, types its PIN as RFC 4733 events, is hung up on and told to
 * re-provision, then logs out again as the user it became. The others on the
 * in-memory network (test/support/fake-network.ts) with short prompts.
 */
import t from 'tap';
import { statusRows } from '../../src/store/queries.js';
import type { SipRequest } from '../../src/sip/message.js';
import { CATALOGUE } from '../support/office.js';
import { waitFor } from '../support/start-daemon.js';
import { dial, idlePassword, isRequest, PIN, startLoginOffice, typeWrongPins } from '../support/login-office.js';

t.test(
  'login by phone: prompts, PIN as RFC 4733, BYE, check-sync; then *77*5* as the user gives the phone back',
  async (t) => {
    const o = await startLoginOffice(t);
    const phone = await o.phone('HD0001', idlePassword(o));
    t.equal((await phone.register()).status, 200, 'the idle phone registers as its own account');

    const rtp = await o.rtp();
    const { call, answer } = await dial(phone, rtp, '*77*100*');
    t.equal(call.response.status, 200, 'the login code is answered');
    t.equal(answer.media[0]?.rtp[0]?.codec, 'PCMU', 'PCMU, the first codec offered');
    t.ok(
      answer.media[0]?.rtp.some((entry) => entry.codec === 'telephone-event' && entry.payload === 101),
      'telephone-event with our payload type',
    );

    const packets = rtp.received.slice(0, 10);
    t.ok(
      packets.every((packet) => packet.ssrc === packets[0]!.ssrc),
      'one SSRC',
    );
    t.ok(
      packets.every((packet, i) => i === 0 || packet.sequence === ((packets[i - 1]!.sequence + 1) & 0xffff)),
      'sequence numbers count up',
    );
    t.ok(
      packets.every((packet, i) => i === 0 || packet.timestamp === (packets[i - 1]!.timestamp + 160) >>> 0),
      'timestamps advance 160 per 20 ms packet',
    );
    t.ok(packets[0]!.marker, 'the first packet of a prompt has the marker bit');
    t.ok(
      packets.every((packet) => packet.payload.length === 160 && packet.payloadType === 0),
      '20 ms of PCMU each',
    );

    await rtp.typeKeys(`${PIN}#`);
    const bye = (await phone.waitFor(isRequest('BYE'), 20_000)) as SipRequest;
    t.equal(bye.headers['call-id'], call.callId, 'hotdeskd hangs up after the confirmation');
    const notify = (await phone.waitFor(isRequest('NOTIFY'), 5000)) as SipRequest;
    t.match(String(notify.headers['event']), /^check-sync/, 'the phone is told to fetch its configuration');
    t.match(
      typeof notify.uri === 'string' ? notify.uri : '',
      /^sip:HD0001@127\.0\.0\.1/,
      'at the contact it registered',
    );

    const row = statusRows(o.daemon.store.data, CATALOGUE).find((entry) => entry.name === 'HD0001');
    t.equal(o.daemon.store.data.phones[0]!.session?.extension, '100', 'HD0001 is now 100');
    t.match(JSON.stringify(row), /"100"/, 'status shows 100 on HD0001');
    t.ok(
      o.daemon.store.data.audit.some(
        (entry) => entry.kind === 'login' && entry.extension === '100' && entry.actor === 'user',
      ),
      "audited as the user's login",
    );
    t.notOk(JSON.stringify(o.daemon.store.data.audit).includes(PIN), 'the PIN is in no audit entry');
    t.equal(o.daemon.sip!.location().get('HD0001'), undefined, "the idle account's registration is gone at once");
    await waitFor(() => o.daemon.sip!.ivr!.active === 0, 'the login call to end');

    // The phone fetched its new config and registers as the user, from the same socket.
    phone.switchAccount('100', 'secret-100');
    t.equal((await phone.register()).status, 200, 'the phone registers as 100');
    t.equal(o.daemon.sip!.location().get('100')?.[0]?.phone, 'HD0001', "its registration is known to be HD0001's");

    // Someone else registered as 100 elsewhere (a softphone) may not release the desk.
    const softphone = await o.phone('100', 'secret-100');
    t.equal((await softphone.register()).status, 200);
    const elsewhere = await softphone.call('sip:*77*5*@office.test', [], (await o.rtp()).offer());
    t.equal(elsewhere.response.status, 403, 'the logout code from a phone that is not a hot-desk phone is refused');

    const rtpOut = await o.rtp();
    const logout = await dial(phone, rtpOut, '*77*5*');
    t.equal(logout.call.response.status, 200, 'the logout code is answered');
    const byeOut = (await phone.waitFor(
      (m) => isRequest('BYE')(m) && m.headers['call-id'] === logout.call.callId,
      20_000,
    )) as SipRequest;
    t.ok(byeOut, 'hung up after "you are logged out"');
    await waitFor(() => o.daemon.store.data.phones[0]!.session === null, 'the logout');
    await phone.waitFor((m) => isRequest('NOTIFY')(m) && m !== notify, 5000);
    t.equal(
      o.daemon
        .sip!.location()
        .get('100')
        ?.some((binding) => binding.phone === 'HD0001') ?? false,
      false,
      "the user's registration from the desk is gone",
    );
    t.ok(o.daemon.sip!.location().get('100')?.length, 'the softphone keeps its registration');
    await waitFor(() => o.daemon.sip!.ivr!.active === 0, 'the logout call to end');
  },
);

t.test(
  'a wrong PIN three times: "wrong PIN" twice, then "too many attempts", hung up, audited without the PIN',
  async (t) => {
    const o = await startLoginOffice(t, { inMemory: true });
    const phone = await o.phone('HD0001', idlePassword(o));
    await phone.register();
    const rtp = await o.rtp();
    const { call } = await dial(phone, rtp, '*77*100*');
    await typeWrongPins(o, rtp, ['1111#', '2222#', '3333#']);
    await phone.waitFor((m) => isRequest('BYE')(m) && m.headers['call-id'] === call.callId, 20_000);
    const failures = o.daemon.store.data.audit.filter((entry) => entry.kind === 'login-failed');
    t.equal(failures.length, 3, 'every failure audited');
    t.notOk(JSON.stringify(o.daemon.store.data.audit).match(/1111|2222|3333/), 'never the PIN typed');
    t.equal(o.daemon.store.data.phones[0]!.session, null, 'still idle');
  },
);

t.test('the login code: refused to a non-hot-desk caller, 488 without a common codec', async (t) => {
  const o = await startLoginOffice(t, { inMemory: true });
  const user = await o.phone('101', 'secret-101');
  await user.register();
  const refused = await user.call('sip:*77*100*@office.test', [], (await o.rtp()).offer());
  t.equal(refused.response.status, 403, "an extension's own phone cannot log in anywhere");

  const phone = await o.phone('HD0001', idlePassword(o));
  await phone.register();
  const g729 = [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    'm=audio 4000 RTP/AVP 18',
    'a=rtpmap:18 G729/8000',
    '',
  ].join('\r\n');
  const notAcceptable = await phone.call('sip:*77*100*@office.test', [], g729);
  t.equal(notAcceptable.response.status, 488, 'no common codec');
  t.equal(o.daemon.sip!.ivr!.active, 0, 'nothing kept for it');
});

t.test(
  'an idle phone dialling a number it may not call hears "please log in first" as early media, then 403',
  async (t) => {
    // Half-second prompts: more than 20 packets of it.
    const o = await startLoginOffice(t, { inMemory: true, promptMs: 500 });
    const phone = await o.phone('HD0001', idlePassword(o));
    await phone.register();
    const rtp = await o.rtp();
    const call = await phone.call('sip:101@office.test', [], rtp.offer());
    t.equal(call.response.status, 403, 'refused in the end');
    t.ok(
      phone.received.some((m) => !('method' in m) && m.status === 183 && (m.content ?? '').includes('m=audio')),
      '183 with an SDP answer first',
    );
    t.ok(rtp.received.length > 20, 'the prompt was played');
    t.equal(o.daemon.sip!.ivr!.active, 0, 'the early call is over');
  },
);
