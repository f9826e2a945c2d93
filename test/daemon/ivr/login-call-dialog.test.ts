/**
 * The login call's in-dialog requests go through the same dialog layer as
 * the warning call's (test/daemon/ivr/warning-calls.test.ts): an INFO whose
 * body is no DTMF gets 415, an UPDATE our SDP on the same port, a method we
 * do not take 405. In memory, no port.
 */
import t from 'tap';
import { dial, idlePassword, startLoginOffice } from '../../support/login-office.js';

t.test('login call: 415 for a non-DTMF INFO, UPDATE on the same port, 405 for MESSAGE', async (t) => {
  const o = await startLoginOffice(t, { inMemory: true });
  const phone = await o.phone('HD0001', idlePassword(o));
  await phone.register();
  const rtp = await o.rtp();
  const { call, answer } = await dial(phone, rtp, '*77*100*', 1);
  const toTag = call.response.headers.to.params['tag'] ?? undefined;
  const inCall = (method: string, type: string, body: string) =>
    phone.request(method, 'sip:*77*100*@office.test', {
      callId: call.callId,
      ...(toTag ? { toTag } : {}),
      body,
      extra: [`Content-Type: ${type}`],
      auth: false,
    });
  const text = await inCall('INFO', 'text/plain', 'hello');
  t.equal(text.status, 415, 'a body that is no DTMF: 415');
  t.match(String(text.headers['accept']), /application\/dtmf-relay/, 'saying what is taken');
  const update = await inCall('UPDATE', 'application/sdp', rtp.offer());
  t.equal(update.status, 200);
  t.match(update.content ?? '', new RegExp(`m=audio ${answer.media[0]!.port} `), 'same RTP port');
  t.equal((await inCall('MESSAGE', 'text/plain', 'hi')).status, 405);
  await call.hangUp();
});
