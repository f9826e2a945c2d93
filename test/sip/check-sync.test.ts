import t from 'tap';
import {
  buildCheckSync,
  checkSyncEvent,
  checkSyncRetryDelay,
  CHECK_SYNC_RETRY_DELAYS_MS,
} from '../../src/sip/check-sync.js';

t.test('the Event header per vendor: Snom is told not to reboot', async (t) => {
  t.equal(checkSyncEvent('snom'), 'check-sync;reboot=false');
  for (const vendor of ['yealink', 'poly', 'grandstream', 'fanvil'])
    t.equal(checkSyncEvent(vendor), 'check-sync', vendor);
});

t.test('the NOTIFY goes to the registered contact, addressed to the account', async (t) => {
  const notify = buildCheckSync({
    vendor: 'yealink',
    aor: 'HD0001',
    contact: 'sip:HD0001@10.0.0.5:5062',
    domain: 'office.test',
    ownUri: 'sip:10.0.0.1:5060',
    callId: 'abc@hotdesk',
    fromTag: 'f1',
    cseq: 1,
  });
  t.equal(notify.method, 'NOTIFY');
  t.equal(notify.uri, 'sip:HD0001@10.0.0.5:5062');
  t.equal(notify.headers.to.uri, 'sip:HD0001@office.test');
  t.equal(notify.headers.from.params['tag'], 'f1');
  t.same(notify.headers.cseq, { seq: 1, method: 'NOTIFY' });
  t.equal(notify.headers['event'], 'check-sync');
  t.equal(notify.content, '');
});

t.test('retries back off, then stop', async (t) => {
  t.equal(checkSyncRetryDelay(0), undefined);
  t.equal(checkSyncRetryDelay(1), CHECK_SYNC_RETRY_DELAYS_MS[0]);
  const delays = CHECK_SYNC_RETRY_DELAYS_MS.map((_, index) => checkSyncRetryDelay(index + 1)!);
  t.ok(
    delays.every((delay, index) => index === 0 || delay > delays[index - 1]!),
    'each wait longer than the last',
  );
  t.equal(checkSyncRetryDelay(CHECK_SYNC_RETRY_DELAYS_MS.length + 1), undefined);
  t.equal(checkSyncRetryDelay(2, [10, 20]), 20);
});
