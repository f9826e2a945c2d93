import t from 'tap';
import { createAdmissionGate } from '../../src/adapters/admission-gate.js';
import { BACKLOG_TURN } from '../../src/sip/admission.js';
import type { SipRequest } from '../../src/sip/message.js';

const request = (authorization: boolean): SipRequest =>
  ({
    method: 'REGISTER',
    uri: 'sip:office.test',
    version: '2.0',
    headers: authorization ? { authorization: [{ scheme: 'Digest' }] } : {},
  }) as unknown as SipRequest;

t.test('requests in flight past the limit are shed; with credentials, up to twice as many', async (t) => {
  const gate = createAdmissionGate({ maxInFlight: 2 });
  t.teardown(() => gate.stop());
  t.equal(gate.admit(request(false), 1), 'admit');
  t.equal(gate.admit(request(false), 2), 'shed');
  t.equal(gate.admit(request(true), 3), 'admit', 'the second half of a challenge');
  t.equal(gate.admit(request(true), 4), 'shed');
  t.equal(gate.saturated(), false, 'an idle loop is not saturated');
});

t.test('a loop held busy with requests past the drop delay is saturated', async (t) => {
  const gate = createAdmissionGate({ maxDelayMs: 5, dropDelayMs: 20, tickMs: 5, minBusy: 1 });
  t.teardown(() => gate.stop());
  const until = performance.now() + 60;
  while (performance.now() < until) {
    // busy: the sampler cannot run
  }
  // The sampler runs late, having had the CPU all along: the delay is ours.
  await new Promise((resolve) => setTimeout(resolve, 0));
  t.equal(gate.saturated(), true, 'datagrams are dropped unread');
  t.equal(gate.admit(request(true), 0), 'drop');
  // The next requests are admitted once the sampler runs on time again (a busy machine may take a few ticks).
  const deadline = Date.now() + 2000;
  let verdict = gate.admit(request(false), 0);
  while (verdict !== 'admit' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    verdict = gate.admit(request(false), 0);
  }
  t.equal(verdict, 'admit', 'admitted again once the sampler runs on time');
});

t.test('a busy loop with a backlog drops new requests without credentials unread, and nothing else', async (t) => {
  const gate = createAdmissionGate({ tickMs: 5, minBusy: 1, busyShare: 0.9 });
  t.teardown(() => gate.stop());
  const datagram = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');
  const fresh = datagram('REGISTER sip:office.test SIP/2.0\nCSeq: 1 REGISTER\n\n');
  const answering = datagram('REGISTER sip:office.test SIP/2.0\nAuthorization: Digest username="100"\n\n');
  const response = datagram('SIP/2.0 200 OK\nCSeq: 1 NOTIFY\n\n');
  t.equal(gate.dropUnread(fresh, BACKLOG_TURN), false, 'an idle loop reads everything');
  /** Keeps the loop busy in slices shorter than a tick (the sampler runs between them) until `done`. */
  const busyUntil = async (done: () => boolean) => {
    const deadline = performance.now() + 3000;
    while (!done() && performance.now() < deadline) {
      const slice = performance.now() + 4;
      while (performance.now() < slice) {
        // busy
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    return done();
  };
  t.ok(
    await busyUntil(() => gate.dropUnread(fresh, BACKLOG_TURN)),
    'a new REGISTER read with a backlog is dropped while the loop is busy',
  );
  t.equal(gate.dropUnread(answering, BACKLOG_TURN), false, 'the second half of a challenge is read');
  t.equal(gate.dropUnread(response, BACKLOG_TURN), false, 'a response is read');
  t.equal(gate.saturated(), false, 'not saturated: no delay');
  // Ticks pass with one datagram a turn (a client waiting for each answer): no backlog, nothing dropped.
  t.ok(await busyUntil(() => !gate.dropUnread(fresh, 1)), 'without a backlog, a busy loop still reads new requests');
  t.equal(gate.dropUnread(fresh, 1), false);
});
