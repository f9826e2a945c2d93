/**
 * The login voice menu under what callers and networks do wrong: hanging up
 * mid-prompt, re-INVITE mid-prompt, never typing, SIP INFO instead of RTP
 * events, a storm of calls hung up at once. None may crash hotdeskd, leak an
 * RTP port or timer, or leave a phone half-switched.
 */
import t from 'tap';
import type { SipRequest } from '../../src/sip/message.js';
import { waitFor } from '../support/start-daemon.js';
import { startRtpPeer } from '../support/rtp-peer.js';
import { dial, idlePassword, isRequest, PIN, startLoginOffice } from '../support/login-office.js';

t.test('a caller hanging up mid-prompt leaves nothing behind and changes nothing', async (t) => {
  const o = await startLoginOffice(t);
  const phone = await o.phone('HD0001', idlePassword(o));
  await phone.register();
  const rtp = await o.rtp();
  const { call } = await dial(phone, rtp, '*77*100*');
  t.equal((await call.hangUp()).status, 200, 'BYE answered');
  await waitFor(
    () => o.daemon.sip!.ivr!.active === 0 && o.daemon.sip!.ivr!.portsInUse === 0,
    'the call and its port to go',
  );
  const before = rtp.received.length;
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.ok(rtp.received.length - before <= 1, 'the prompt stops');
  t.equal(o.daemon.store.data.phones[0]!.session, null, 'still idle');
});

t.test('a re-INVITE mid-prompt is answered with the same port, and the login goes on', async (t) => {
  const o = await startLoginOffice(t);
  const phone = await o.phone('HD0001', idlePassword(o));
  await phone.register();
  const rtp = await o.rtp();
  const { call, answer } = await dial(phone, rtp, '*77*100*');
  const toTag = call.response.headers.to.params['tag'] ?? undefined;
  const reinvite = await phone.request('INVITE', `sip:*77*100*@office.test`, {
    callId: call.callId,
    ...(toTag ? { toTag } : {}),
    body: rtp.offer(),
    extra: ['Content-Type: application/sdp'],
    auth: false,
  });
  t.equal(reinvite.status, 200, 're-INVITE answered');
  t.match(reinvite.content ?? '', new RegExp(`m=audio ${answer.media[0]!.port} `), 'same RTP port');
  await rtp.typeKeys(`${PIN}#`);
  await phone.waitFor((m) => isRequest('BYE')(m) && m.headers['call-id'] === call.callId, 20_000);
  t.equal(o.daemon.store.data.phones[0]!.session?.extension, '100', 'logged in');
});

t.test('the PIN as SIP INFO (application/dtmf-relay) logs in too', async (t) => {
  const o = await startLoginOffice(t);
  const phone = await o.phone('HD0001', idlePassword(o));
  await phone.register();
  const rtp = await o.rtp();
  const { call } = await dial(phone, rtp, '*77*100*');
  const toTag = call.response.headers.to.params['tag'] ?? undefined;
  for (const key of `${PIN}#`) {
    const info = await phone.request('INFO', 'sip:*77*100*@office.test', {
      callId: call.callId,
      ...(toTag ? { toTag } : {}),
      body: `Signal=${key}\r\nDuration=160\r\n`,
      extra: ['Content-Type: application/dtmf-relay'],
      auth: false,
    });
    t.equal(info.status, 200, `INFO ${key === '#' ? 'hash' : 'digit'} answered`);
  }
  await phone.waitFor((m) => isRequest('BYE')(m) && (m as SipRequest).headers['call-id'] === call.callId, 20_000);
  t.equal(o.daemon.store.data.phones[0]!.session?.extension, '100', 'logged in');
});

t.test('requests for a call that is gone get 481, not a crash', async (t) => {
  const o = await startLoginOffice(t);
  const phone = await o.phone('HD0001', idlePassword(o));
  await phone.register();
  const rtp = await o.rtp();
  const { call } = await dial(phone, rtp, '*77*100*');
  await call.hangUp();
  const late = await call.hangUp();
  t.equal(late.status, 481, 'a second BYE: 481');
  t.equal((await phone.register()).status, 200, 'hotdeskd still serves');
});

t.test(
  '200 login calls in a row, ten at a time from one phone (one answered, nine busy), hung up: no port, call or ' +
    'socket left',
  async (t) => {
    const o = await startLoginOffice(t);
    const phone = await o.phone('HD0001', idlePassword(o));
    await phone.register();
    const sockets = () => process.getActiveResourcesInfo().filter((name) => name === 'UDPWrap').length;
    const baseline = sockets();
    let answered = 0;
    let busy = 0;
    for (let batch = 0; batch < 20; batch++) {
      const peers = await Promise.all(Array.from({ length: 10 }, () => startRtpPeer()));
      const calls = await Promise.all(peers.map((rtp) => phone.call('sip:*77*100*@office.test', [], rtp.offer())));
      answered += calls.filter((call) => call.response.status === 200).length;
      busy += calls.filter((call) => call.response.status === 486).length;
      await Promise.all(calls.map((call) => call.hangUp()));
      await waitFor(() => o.daemon.sip!.ivr!.active === 0, 'the batch to end');
      await Promise.all(peers.map((rtp) => rtp.close()));
    }
    t.same([answered, busy], [20, 180], 'one login call per phone at a time: the others 486 Busy Here');
    await waitFor(
      () => o.daemon.sip!.ivr!.active === 0 && o.daemon.sip!.ivr!.portsInUse === 0,
      'every call and port to go',
    );
    t.equal(o.daemon.store.data.phones[0]!.session, null, 'nothing half-applied');
    await waitFor(() => sockets() <= baseline, 'the RTP sockets to close', 5000).catch(() => undefined);
    t.equal(sockets(), baseline, 'every RTP socket closed (per-call timers: test/daemon/media-session.test.ts)');
  },
);

t.test('a caller who never types hears the prompt twice, then is hung up', { timeout: 60_000 }, async (t) => {
  const o = await startLoginOffice(t);
  const phone = await o.phone('HD0001', idlePassword(o));
  await phone.register();
  const rtp = await o.rtp();
  const { call } = await dial(phone, rtp, '*77*100*');
  await phone.waitFor((m) => isRequest('BYE')(m) && (m as SipRequest).headers['call-id'] === call.callId, 40_000);
  t.ok(rtp.received.filter((packet) => packet.marker).length >= 2, 'the prompt was played again before giving up');
  t.equal(o.daemon.store.data.phones[0]!.session, null, 'still idle');
  await waitFor(() => o.daemon.sip!.ivr!.portsInUse === 0, 'the port to go');
});
