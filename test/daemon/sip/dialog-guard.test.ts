import t from 'tap';
import { createDialogGuard } from '../../../src/daemon/sip/dialog-guard.js';
import { request } from '../../support/sip-text.js';
import type { Endpoint } from '../../../src/sip/message.js';

const phone: Endpoint = { protocol: 'UDP', address: '192.0.2.50', port: 5062 };
const trunk: Endpoint = { protocol: 'UDP', address: '198.51.100.1', port: 5060 };
const stranger: Endpoint = { protocol: 'UDP', address: '203.0.113.7', port: 5060 };

function guard() {
  let now = 0;
  const g = createDialogGuard({
    now: () => now,
    isOwnUri: (uri) => uri.host === '192.0.2.10',
    isTrunkSource: (remote) => remote.address === trunk.address || remote.address === '198.51.100.2',
  });
  g.record({
    kind: 'confirmed',
    callId: 'call-1@192.0.2.50',
    caller: { tag: 'f1', endpoint: phone, trunk: false, account: '101' },
    callee: { tag: 't1', endpoint: trunk, trunk: true },
  });
  return { g, advance: (ms: number) => (now += ms) };
}

t.test('verdicts', async (t) => {
  const { g } = guard();
  const cases: [string, Parameters<typeof request>[0], Endpoint, string][] = [
    ['caller in the dialog', { method: 'BYE', to: '<sip:0301@192.0.2.10>;tag=t1' }, phone, 'in-dialog'],
    [
      'callee from another trunk address',
      { method: 'BYE', from: '<sip:0301@x>;tag=t1', to: '<sip:101@192.0.2.10>;tag=f1' },
      { ...trunk, address: '198.51.100.2' },
      'in-dialog',
    ],
    ['unknown To-tag', { method: 'BYE', to: '<sip:0301@192.0.2.10>;tag=zz' }, phone, 'refuse:481:unknown-dialog'],
    [
      'right tags, wrong source',
      { method: 'BYE', to: '<sip:0301@192.0.2.10>;tag=t1' },
      stranger,
      'refuse:481:dialog-source-mismatch',
    ],
    ['Route to hotdeskd, no To-tag', { extra: ['Route: <sip:192.0.2.10;lr>'] }, stranger, 'out-of-dialog'],
    [
      'Route to another host',
      { extra: ['Route: <sip:192.0.2.10;lr>', 'Route: <sip:198.51.100.1;lr>'] },
      stranger,
      'refuse:403:foreign-route',
    ],
    ['no To-tag, no Route', {}, stranger, 'out-of-dialog'],
  ];
  for (const [name, options, remote, expected] of cases) {
    const verdict = g.check(request(options), remote);
    const got = verdict.kind === 'refuse' ? `refuse:${verdict.status}:${verdict.reason}` : verdict.kind;
    t.equal(got, expected, name);
  }
  const verdict = g.check(
    request({ method: 'BYE', from: '<sip:0301@x>;tag=t1', to: '<sip:101@192.0.2.10>;tag=f1' }),
    trunk,
  );
  t.same(
    verdict.kind === 'in-dialog' && verdict.match.to.endpoint,
    phone,
    "the trunk's request goes to the phone the call came from",
  );
});

t.test('a BYE ends the dialog; a failed INVITE its early dialogs; time the rest', async (t) => {
  const { g, advance } = guard();
  const bye = request({ method: 'BYE', to: '<sip:0301@192.0.2.10>;tag=t1' });
  const verdict = g.check(bye, phone);
  if (verdict.kind !== 'in-dialog') return t.fail('in dialog');
  g.forwarded(verdict.match, 'INFO', 200);
  t.equal(g.size, 1, 'an INFO does not end it');
  g.forwarded(verdict.match, 'BYE', 200);
  t.equal(g.check(bye, phone).kind, 'refuse', 'after the BYE: 481');
  g.record({
    kind: 'early',
    callId: 'c2',
    caller: { tag: 'a', endpoint: phone, trunk: false },
    callee: { tag: 'b', endpoint: trunk, trunk: true },
  });
  t.equal(g.size, 1);
  g.record({ kind: 'failed', callId: 'c2', callerTag: 'a' });
  t.equal(g.size, 0, 'the failed INVITE took its early dialog along');
  g.record({
    kind: 'early',
    callId: 'c3',
    caller: { tag: 'a', endpoint: phone, trunk: false },
    callee: { tag: 'b', endpoint: trunk, trunk: true },
  });
  advance(10 * 60_000);
  g.sweep();
  t.equal(g.size, 0, 'an early dialog left alone expires');
});
