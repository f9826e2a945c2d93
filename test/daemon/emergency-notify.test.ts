/**
 * The emergency notification end to end on 127.0.0.1: hotdeskd in this
 * process, a fake trunk (a test UA on 127.0.0.2 that answers), the front desk
 * (extension 100, the notify extension) registered with an RTP peer, and a
 * hot-desk phone logged in as 102 that dials 112. The trunk gets the call;
 * the front desk is called, answers and hears the announcement as RTP; the
 * audit trail and `hotdesk status` show the call.
 */
import t, { type Test } from 'tap';
import type { SipRequest } from '../../src/sip/message.js';
import { sendControl } from '../../src/adapters/control-socket.js';
import { hashPin } from '../../src/adapters/pin-hash.js';
import { waitFor } from '../support/start-daemon.js';
import { idlePassword, isRequest, PIN, startLoginOffice } from '../support/login-office.js';
import { startTestPhone } from '../support/test-phone.js';
import { addExtension } from '../support/office.js';
import { runCli } from '../support/run-cli.js';

async function office(t: Test) {
  const pinHash = await hashPin(PIN);
  const o = await startLoginOffice(t, {
    changes: [
      { ...addExtension('102', 'Ada Lovelace'), pinHash } as ReturnType<typeof addExtension>,
      { kind: 'add-emergency-notify', extension: '100' },
    ],
  });
  const trunk = await startTestPhone({ user: 'trunk', password: '-', server: o.server, address: '127.0.0.2' });
  t.teardown(() => trunk.close());
  const set = await sendControl(o.daemon.paths.socket, {
    kind: 'change',
    change: { kind: 'set-trunk', uri: `sip:127.0.0.2:${trunk.port}` },
  });
  t.ok(set.ok, 'the trunk is set');
  // The desk: HD0001 logged in as 102.
  const desk = await o.phone('HD0001', idlePassword(o));
  t.equal((await desk.register()).status, 200);
  const login = await sendControl(o.daemon.paths.socket, {
    kind: 'change',
    change: { kind: 'login', extension: '102', phone: 'HD0001', actor: 'admin' },
  });
  t.ok(login.ok, 'logged in');
  await desk.waitFor(isRequest('NOTIFY'), 5000);
  desk.switchAccount('102', 'secret-102');
  t.equal((await desk.register()).status, 200, 'the desk registers as 102');
  return { o, trunk, desk };
}

t.test('112 from a desk: the trunk gets it, the front desk hears which desk, audit and status show it', async (t) => {
  const { o, trunk, desk } = await office(t);
  const frontDesk = await o.phone('100', 'secret-100');
  // A Yealink at the front desk: the notification asks it to answer by itself.
  t.equal((await frontDesk.register(3600, ['User-Agent: Yealink SIP-T54W 96.86.0.100'])).status, 200);
  const heard = await o.rtp();
  frontDesk.answerWithSdp(heard.offer());
  const deskRtp = await o.rtp();

  const call = await desk.call('sip:112@office.test', [], deskRtp.offer());
  t.equal(call.response.status, 200, 'the emergency call is answered by the trunk');
  const atTrunk = (await trunk.waitFor(isRequest('INVITE'), 5000)) as SipRequest;
  t.match(String(typeof atTrunk.uri === 'string' ? atTrunk.uri : ''), /^sip:112@127\.0\.0\.2/, 'the trunk got 112');

  const invite = (await frontDesk.waitFor(isRequest('INVITE'), 5000)) as SipRequest;
  t.equal(invite.headers['subject'], 'Emergency call', 'the front desk is called');
  t.match(invite.headers['call-info'], /answer-after=0/, 'with the auto-answer hint of its vendor');
  t.match(invite.content, /m=audio \d+ RTP\/AVP 0 8 101/, 'with an audio offer');
  await heard.waitForPackets(50, 10_000);
  t.ok(
    heard.received.every((packet) => packet.payloadType === 0),
    'the announcement arrives as PCMU',
  );
  t.ok(
    heard.received.some((packet) => packet.payload.some((byte) => byte !== 0xff && byte !== 0x7f)),
    'and is not silence',
  );

  await waitFor(() => o.daemon.store.data.audit.some((entry) => entry.kind === 'emergency-call'), 'the audit entry');
  const entry = o.daemon.store.data.audit.find((candidate) => candidate.kind === 'emergency-call');
  t.match(entry, {
    kind: 'emergency-call',
    actor: 'user',
    phone: 'HD0001',
    extension: '102',
    detail: 'emergency call from desk HD0001, by Ada Lovelace, extension 102, to 112',
  });
  t.match(o.daemon.store.data.emergency?.active, [
    { number: '112', account: '102', phone: 'HD0001', extension: '102', user: 'Ada Lovelace' },
  ]);

  const status = await runCli(o.dir, ['status']);
  t.equal(status.code, 0);
  t.match(status.stdout, /^ALERT emergency call from desk HD0001, by Ada Lovelace, extension 102, to 112, at .* UTC$/m);
  await call.hangUp();
});

t.test(
  'the emergency call is never held up: no notify extension registered, the trunk still answers at once',
  async (t) => {
    const { o, trunk, desk } = await office(t);
    const deskRtp = await o.rtp();
    const started = performance.now();
    const call = await desk.call('sip:911@office.test', [], deskRtp.offer());
    t.equal(call.response.status, 200);
    t.ok(performance.now() - started < 2000, 'answered without waiting for any notification');
    t.ok(trunk.received.some(isRequest('INVITE')));
    await waitFor(() => o.daemon.store.data.audit.some((entry) => entry.kind === 'emergency-call'), 'the audit entry');
    await call.hangUp();
  },
);
