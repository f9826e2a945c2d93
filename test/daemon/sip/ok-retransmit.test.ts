import t from 'tap';
import { ACK_WAIT_MS, retransmitUntilAck, T1, T2 } from '../../../src/daemon/sip/ok-retransmit.js';
import { createManualTimers } from '../../support/manual-timers.js';

t.test('RFC 3261 §13.3.1.4: the 2xx again after T1, doubling to T2, until 64·T1, then give up', (t) => {
  const timers = createManualTimers();
  const sentAt: number[] = [];
  let gaveUp = -1;
  retransmitUntilAck(
    () => sentAt.push(timers.now()),
    timers,
    () => (gaveUp = timers.now()),
  );
  timers.advance(ACK_WAIT_MS + 10_000);
  t.same(sentAt.slice(0, 5), [T1, 3 * T1, 7 * T1, 15 * T1, 15 * T1 + T2], 'T1, 2·T1, 4·T1, then T2 apart');
  t.ok(
    sentAt.every((at) => at < ACK_WAIT_MS),
    'nothing after the deadline',
  );
  t.equal(gaveUp, ACK_WAIT_MS, 'gives up at 64·T1');
  t.equal(timers.pending, 0, 'no timer left');
  t.end();
});

t.test('the ACK stops it: nothing more is sent, no give-up', (t) => {
  const timers = createManualTimers();
  let sent = 0;
  let gaveUp = false;
  const stop = retransmitUntilAck(
    () => sent++,
    timers,
    () => (gaveUp = true),
  );
  timers.advance(1600);
  t.equal(sent, 2, 'at 500 and 1500 ms');
  stop();
  timers.advance(ACK_WAIT_MS);
  t.equal(sent, 2, 'no more after the ACK');
  t.notOk(gaveUp);
  t.equal(timers.pending, 0);
  t.end();
});
