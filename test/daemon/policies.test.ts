/**
 * Policy logouts end to end on 127.0.0.1: hotdeskd runs in this process with
 * a short policy minute (1 s) and tick (100 ms); a test phone logged in with a
 * 1-minute max session gets the warning call (an INVITE with an SDP offer and
 * the auto-answer hint for its vendor), answers it with an RTP peer, hears the
 * prompt and presses 1 (stays logged in) or not (logged out, audited with the
 * reason, told to re-provision with check-sync).
 */
import t, { type Test } from 'tap';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseSdp } from 'sdp-transform';
import type { SipRequest } from '../../src/sip/message.js';
import { sendControl } from '../../src/adapters/control-socket.js';
import { waitFor } from '../support/start-daemon.js';
import { idlePassword, isRequest, startLoginOffice, type LoginOffice } from '../support/login-office.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An office with a 1-minute max session (a minute lasting 1 s), and HD0001 logged in as 100 and registered as 100. */
async function loggedInDesk(t: Test) {
  const o: LoginOffice = await startLoginOffice(t, {
    changes: [{ kind: 'set-policy', name: 'max-session', value: 1 }],
    policies: { tickMs: 100, minuteMs: 1000, keyWaitMs: 1000 },
  });
  const phone = await o.phone('HD0001', idlePassword(o));
  t.equal((await phone.register()).status, 200);
  const rtp = await o.rtp();
  phone.answerWithSdp(rtp.offer());
  const login = await sendControl(o.daemon.paths.socket, {
    kind: 'change',
    change: { kind: 'login', extension: '100', phone: 'HD0001', actor: 'admin' },
  });
  t.ok(login.ok, 'logged in');
  const loginNotify = await phone.waitFor(isRequest('NOTIFY'), 5000);
  phone.switchAccount('100', 'secret-100');
  t.equal((await phone.register()).status, 200, 'the phone registers as 100');
  return { o, phone, rtp, loginNotify };
}

t.test('the warning call, 1 pressed: the logout is postponed and the phone stays logged in', async (t) => {
  const { o, phone, rtp } = await loggedInDesk(t);
  const invite = (await phone.waitFor(isRequest('INVITE'), 5000)) as SipRequest;
  t.match(String(invite.headers['call-info']), /answer-after=0/, 'Yealink: asked to answer by itself');
  t.match(invite.uri, /^sip:100@127\.0\.0\.1:/, 'to the contact it registered');
  const offer = parseSdp(invite.content ?? '');
  t.same(
    offer.media[0]?.rtp.map((entry) => entry.codec),
    ['PCMU', 'PCMA', 'telephone-event'],
    'G.711 and telephone-event offered',
  );

  await rtp.waitForPackets(10);
  t.ok(
    rtp.received.every((packet) => packet.payloadType === 0),
    'the prompt comes as PCMU, the codec the phone answered with',
  );
  t.equal(o.daemon.sip!.phoneActivity('HD0001').inCall, true, 'the warning call counts as a call');
  await rtp.typeKeys('1');
  const bye = await phone.waitFor(
    (m) => isRequest('BYE')(m) && m.headers['call-id'] === invite.headers['call-id'],
    15_000,
  );
  t.ok(bye, 'hung up after the confirmation');
  await sleep(1500);
  t.equal(o.daemon.store.data.phones[0]!.session?.extension, '100', 'still logged in well past the 1-minute session');
  t.notOk(
    o.daemon.store.data.audit.some((entry) => entry.kind === 'logout'),
    'no logout',
  );
  t.equal(phone.received.filter(isRequest('INVITE')).length, 1, 'one warning, not another for the postponed logout');
  await waitFor(
    () => o.daemon.policies.warnings === 0 && o.daemon.sip!.ivr!.active === 0,
    'the warning call to be over',
  );
});

t.test('the warning call without 1: logged out when the call ends, audited, told to re-provision', async (t) => {
  const { o, phone, rtp, loginNotify } = await loggedInDesk(t);
  const invite = (await phone.waitFor(isRequest('INVITE'), 5000)) as SipRequest;
  await rtp.waitForPackets(10);
  const bye = await phone.waitFor(
    (m) => isRequest('BYE')(m) && m.headers['call-id'] === invite.headers['call-id'],
    15_000,
  );
  const heard = phone.received.indexOf(bye);
  await waitFor(() => o.daemon.store.data.phones[0]!.session === null, 'the policy logout', 5000);
  const entry = o.daemon.store.data.audit.filter((candidate) => candidate.kind === 'logout').at(-1);
  t.match(
    entry,
    { kind: 'logout', actor: 'system', phone: 'HD0001', extension: '100', detail: 'max-session' },
    'audited with the reason',
  );
  const since = Date.parse(o.daemon.store.data.audit.find((candidate) => candidate.kind === 'login')!.at);
  t.ok(
    Date.parse(entry!.at) - since >= 4000,
    'due after 1 s, but it waited for the end of the warning call (a 4 s prompt)',
  );
  const notify = (await phone.waitFor(
    (m) => isRequest('NOTIFY')(m) && m !== loginNotify && phone.received.indexOf(m) >= heard,
    5000,
  )) as SipRequest;
  t.match(String(notify.headers['event']), /^check-sync/, 'the phone is told to fetch its idle configuration');
  t.equal(
    o.daemon
      .sip!.location()
      .get('100')
      ?.some((binding) => binding.phone === 'HD0001') ?? false,
    false,
    "the user's registration from the desk is gone",
  );
});

t.test('a backup on demand lands in data/backups/', async (t) => {
  const o = await startLoginOffice(t, {
    changes: [{ kind: 'set-policy', name: 'backups', value: 2 }],
    policies: { tickMs: 1000 },
  });
  const files: string[] = [];
  for (let i = 0; i < 3; i++) {
    const file = await o.daemon.policies.backup();
    t.ok(file, 'a backup was taken');
    files.push(file!);
  }
  const kept = (await readdir(join(o.dir, 'backups'))).sort();
  t.equal(kept.length, 2, "pruned to the policy's 2");
  t.same(
    kept.map((name) => join(o.dir, 'backups', name)),
    files.slice(1).sort(),
  );
});
