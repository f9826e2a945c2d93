import t from 'tap';
import { createAdmissionGate } from '../../src/adapters/admission-gate.js';
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
