/**
 * CANCEL of a login call before it is answered (RFC 3261 §9.2): 200 to the
 * CANCEL, 487 to the INVITE, the call gone. The RTP port never comes here
 * (the pool's open() stays pending), so the call is caught before its answer.
 */
import t from 'tap';
import { createLogger } from '../../../src/adapters/log.js';
import { answerCall, cancelCall } from '../../../src/daemon/ivr/login-call-flow.js';
import type { Call, IvrActions, LoginCallContext } from '../../../src/daemon/ivr/login-call.js';
import type { RtpPortPool, RtpSocket } from '../../../src/adapters/rtp-socket.js';
import type { SipRequest, SipResponse } from '../../../src/sip/message.js';
import { createManualTimers } from '../../support/manual-timers.js';
import { sipRequest, startSipPair } from '../../support/sip-pair.js';

t.test('CANCEL before the answer: 200 to the CANCEL, 487 to the INVITE, nothing left', async (t) => {
  const pair = await startSipPair();
  t.teardown(() => pair.close());
  const ended: string[] = [];
  const actions: IvrActions = {
    checkPin: () => Promise.resolve({ ok: true }),
    login: () => Promise.resolve({ ok: true }),
    logout: () => Promise.resolve({ ok: true }),
    logoutEverywhere: () => Promise.resolve(0),
    pinnedTo: () => undefined,
    locked: () => false,
    language: () => 'en',
    callEnded: (phone) => ended.push(phone),
  };
  const pool: RtpPortPool = { open: () => new Promise<RtpSocket>(() => undefined), inUse: 0, close: async () => {} };
  const timers = createManualTimers();
  const context: LoginCallContext = {
    stack: pair.ours,
    log: createLogger({ level: 'silent' }),
    actions,
    pool,
    prompts: { audio: () => new Int16Array(0), sequence: () => new Int16Array(0) },
    mediaAddress: () => '127.0.0.1',
    ownUri: () => 'sip:127.0.0.1:5060',
    now: timers.now,
    timers,
    calls: new Map<string, Call>(),
  };
  pair.onOurs((request, remote) => {
    if (request.method === 'INVITE')
      answerCall(context, 10, request, remote, { kind: 'login', extension: '100', phone: 'HD0001' });
    if (request.method === 'CANCEL') t.ok(cancelCall(context, request), 'the CANCEL is the call’s');
  });
  const invite = sipRequest('INVITE', 'call-1', { from: 'phone' }, 1, { 'content-type': 'application/sdp' }, 'v=0\r\n');
  const inviteAnswers: SipResponse[] = [];
  pair.phone.send(invite, pair.oursAt, (response) => inviteAnswers.push(response));
  await pair.network.settle();
  t.equal(context.calls.size, 1, 'the call is starting');
  const cancel: SipRequest = {
    ...invite,
    method: 'CANCEL',
    headers: { ...invite.headers, via: [invite.headers.via[0]!], cseq: { seq: 1, method: 'CANCEL' } },
    content: '',
  };
  const cancelled = await pair.ask('phone', cancel);
  await pair.network.settle();
  t.equal(cancelled.status, 200, '200 to the CANCEL');
  t.same(
    inviteAnswers.map((response) => response.status),
    [487],
    '487 Request Terminated to the INVITE',
  );
  t.equal(context.calls.size, 0, 'the call is gone');
  t.same(ended, ['HD0001'], 'its phone is told the call ended');
  t.equal(timers.pending, 0, 'no timer left');
});
