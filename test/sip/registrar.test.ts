import t from 'tap';
import {
  contactsForResponse,
  decideRegister,
  onlyRefreshed,
  sameContact,
  type RegisterInput,
} from '../../src/sip/registrar.js';
import type { Binding } from '../../src/sip/location.js';
import { request } from '../support/sip-text.js';

const source = { protocol: 'UDP' as const, address: '192.0.2.50', port: 5062 };
const now = 1_000_000;

const register = (extra: string[], cseq = 1, callId = 'reg-1') =>
  request({
    method: 'REGISTER',
    uri: 'sip:192.0.2.10',
    from: '<sip:100@192.0.2.10>;tag=a',
    to: '<sip:100@192.0.2.10>',
    extra,
    cseq,
    callId,
  });

const decide = (extra: string[], current: Binding[] = [], cseq = 1, callId = 'reg-1') =>
  decideRegister({
    request: register(extra, cseq, callId),
    aor: '100',
    source,
    current,
    nowMs: now,
  } satisfies RegisterInput);

const binding = (contact: string, expiresIn: number, callId = 'reg-1', cseq = 1): Binding => ({
  aor: '100',
  contact,
  source,
  expiresAt: now + expiresIn * 1000,
  callId,
  cseq,
});

t.test('a new contact is bound for the requested time', async (t) => {
  const decision = decide(['Contact: <sip:100@192.0.2.50:5062>', 'Expires: 600', 'User-Agent: Yealink SIP-T54W']);
  t.same(decision, {
    kind: 'ok',
    changed: true,
    bindings: [{ ...binding('sip:100@192.0.2.50:5062', 600), userAgent: 'Yealink SIP-T54W' }],
  });
});

const expiryCases: [string[], number | string][] = [
  [['Contact: <sip:100@192.0.2.50>'], 3600],
  [['Contact: <sip:100@192.0.2.50>', 'Expires: 120'], 120],
  [['Contact: <sip:100@192.0.2.50>;expires=300', 'Expires: 120'], 300],
  [['Contact: <sip:100@192.0.2.50>', 'Expires: 99999'], 3600],
  [['Contact: <sip:100@192.0.2.50>', 'Expires: 30'], 423],
  [['Contact: <sip:100@192.0.2.50>;expires=1'], 423],
  [['Contact: <sip:100@192.0.2.50>', 'Expires: soon'], 400],
  [['Contact: <mailto:x@y>'], 400],
];
for (const [extra, expected] of expiryCases) {
  t.test(`expiry ${extra.join(' | ')}`, async (t) => {
    const decision = decide(extra);
    if (typeof expected === 'number' && expected >= 400 && expected < 600) {
      t.equal(decision.kind === 'error' && decision.status, expected);
      if (expected === 423) t.equal(decision.kind === 'error' && decision.minExpires, 60, 'Min-Expires comes with 423');
    } else {
      t.equal(decision.kind === 'ok' && decision.bindings[0]!.expiresAt, now + Number(expected) * 1000);
    }
  });
}

t.test('several contacts per AOR; Expires 0 removes one', async (t) => {
  const current = [binding('sip:100@192.0.2.50:5062', 100, 'other')];
  const added = decide(['Contact: <sip:100@192.0.2.60>'], current);
  t.equal(added.kind === 'ok' && added.bindings.length, 2);
  const removed = decide(['Contact: <sip:100@192.0.2.50:5062>', 'Expires: 0'], current);
  t.same(removed, { kind: 'ok', bindings: [], changed: true });
});

t.test('wildcard de-registration', async (t) => {
  const current = [binding('sip:100@192.0.2.50', 100, 'x'), binding('sip:100@192.0.2.60', 100, 'y')];
  t.same(decide(['Contact: *', 'Expires: 0'], current, 5), { kind: 'ok', bindings: [], changed: true });
  t.equal(decide(['Contact: *'], current).kind, 'error', '* needs Expires: 0');
  t.equal(
    decide(['Contact: *', 'Expires: 0'], [binding('sip:100@192.0.2.50', 100, 'reg-1', 9)], 5).kind,
    'error',
    'out of order',
  );
});

t.test('a REGISTER with the same Call-ID and an old CSeq is refused', async (t) => {
  const current = [binding('sip:100@192.0.2.50', 100, 'reg-1', 7)];
  const decision = decide(['Contact: <sip:100@192.0.2.50>'], current, 7);
  t.same(decision, { kind: 'error', status: 400, phrase: 'Out Of Order CSeq' });
  t.equal(decide(['Contact: <sip:100@192.0.2.50>'], current, 8).kind, 'ok');
  t.equal(
    decide(['Contact: <sip:100@192.0.2.50>'], current, 1, 'after-reboot').kind,
    'ok',
    'another Call-ID is a new registration',
  );
});

t.test('no Contact is a query that lists live bindings', async (t) => {
  const current = [binding('sip:100@192.0.2.50', 100), binding('sip:100@192.0.2.60', -5)];
  const decision = decide([], current);
  t.same(decision, { kind: 'ok', bindings: [current[0]], changed: false });
});

t.test('the oldest binding makes room past the contact limit', async (t) => {
  const current = Array.from({ length: 10 }, (_, i) => binding(`sip:100@192.0.2.${100 + i}`, 100 + i, `c${i}`));
  const decision = decide(['Contact: <sip:100@192.0.2.99>'], current);
  t.equal(decision.kind === 'ok' && decision.bindings.length, 10);
  t.notOk(decision.kind === 'ok' && decision.bindings.some((entry) => entry.contact === 'sip:100@192.0.2.100'));
});

t.test('contact comparison and response contacts', async (t) => {
  t.ok(sameContact('sip:100@Phone.LAN:5060;transport=udp', 'SIP:100@phone.lan:5060'));
  t.notOk(sameContact('sip:100@phone.lan:5060', 'sip:100@phone.lan:5062'));
  t.notOk(sameContact('sip:100@phone.lan', 'sip:101@phone.lan'));
  t.same(contactsForResponse([binding('sip:100@192.0.2.50', 90.4)], now), [
    { uri: 'sip:100@192.0.2.50', params: { expires: '90' } },
  ]);
});

t.test('a refresh keeps every registration and moves only expiry and CSeq; anything else is a change', async (t) => {
  const before = [binding('sip:100@192.0.2.50:5062', 60)];
  const refreshed = decide(['Contact: <sip:100@192.0.2.50:5062>', 'Expires: 600'], before, 2);
  if (refreshed.kind !== 'ok') throw new Error('refused');
  t.ok(refreshed.changed, 'the expiry moved');
  t.ok(onlyRefreshed(before, refreshed.bindings), 'a refresh');
  const moved = { ...source, port: 5070 };
  const cases: [string, Binding[]][] = [
    ['a contact added', [...refreshed.bindings, binding('sip:100@192.0.2.51', 600)]],
    ['a contact gone', []],
    ['another contact', [binding('sip:100@192.0.2.99', 600, 'reg-1', 2)]],
    ['another Call-ID (the phone restarted)', [binding('sip:100@192.0.2.50:5062', 600, 'reg-2', 1)]],
    ['another source port (a new NAT binding)', [{ ...refreshed.bindings[0]!, source: moved }]],
    ['another phone', [{ ...refreshed.bindings[0]!, phone: 'HD0001' }]],
    ['another user agent', [{ ...refreshed.bindings[0]!, userAgent: 'Snom D785' }]],
  ];
  for (const [name, after] of cases) t.notOk(onlyRefreshed(before, after), name);
});
