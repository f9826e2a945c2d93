import t from 'tap';
import {
  acceptsDialogInfo,
  applySubscribe,
  DEFAULT_SUBSCRIPTION_LIMITS,
  emptySubscriptions,
  expireSubscriptions,
  notifyChanges,
  parseEvent,
  parseSubscribe,
  refusalResponse,
  removeSubscription,
  subscriptionKey,
  type SubscribeDecision,
  type SubscribeInput,
  type SubscribeRefusal,
  type SubscriptionLimits,
  type SubscriptionTable,
} from '../../src/sip/subscriptions.js';
import { buildDialogInfo } from '../../src/sip/dialog-info.js';
import {
  applyCallEvent,
  emptyDialogs,
  type CallEvent,
  type DialogState,
  type DialogTable,
} from '../../src/sip/dialog-state.js';
import { request } from '../support/sip-text.js';

const now = 1_000_000;
const source = { protocol: 'UDP' as const, address: '192.0.2.51', port: 5062 };

/** Phone 101 watching extension 201. */
const input = (extra: Partial<SubscribeInput> = {}): SubscribeInput => ({
  callId: 'sub-1',
  fromTag: 'w1',
  cseq: 1,
  event: 'dialog',
  accept: 'application/dialog-info+xml',
  expires: 600,
  subscriber: 'sip:101@pbx.example',
  contact: 'sip:101@192.0.2.51:5062',
  routeSet: [],
  target: '201',
  entity: 'sip:201@pbx.example',
  ...extra,
});

const subscribe = (
  table: SubscriptionTable,
  extra: Partial<SubscribeInput> = {},
  at = now,
  options: { dialogs?: DialogTable; newTag?: string; limits?: SubscriptionLimits } = {},
): SubscribeDecision =>
  applySubscribe(table, input(extra), at, {
    dialogs: options.dialogs ?? emptyDialogs(),
    newTag: options.newTag ?? 'n1',
    ...(options.limits ? { limits: options.limits } : {}),
  });

function accepted(decision: SubscribeDecision): Extract<SubscribeDecision, { kind: 'accept' }> {
  if (decision.kind !== 'accept') throw new Error(`refused: ${JSON.stringify(decision.refusal)}`);
  return decision;
}

const idle = (version: number, entity = 'sip:201@pbx.example') =>
  buildDialogInfo({ entity, version, state: 'full', dialogs: [] });

t.test('parseSubscribe reads a SUBSCRIBE off the wire', async (t) => {
  const initial = request({
    method: 'SUBSCRIBE',
    uri: 'sip:201@pbx.example',
    from: '"Desk 101" <sip:101@pbx.example>;tag=w1',
    to: '<sip:201@pbx.example>',
    callId: 'sub-1@192.0.2.51',
    cseq: 7,
    extra: [
      'Event: dialog;id=4',
      'Accept: application/dialog-info+xml, multipart/related',
      'Expires: 1800',
      'Contact: <sip:101@192.0.2.51:5062;transport=udp>',
      'Record-Route: <sip:edge.example;lr>',
    ],
  });
  const parsed = parseSubscribe(initial, { target: '201', source });
  t.same(parsed, {
    callId: 'sub-1@192.0.2.51',
    fromTag: 'w1',
    cseq: 7,
    event: 'dialog;id=4',
    accept: 'application/dialog-info+xml, multipart/related',
    expires: 1800,
    subscriber: 'sip:101@pbx.example',
    contact: 'sip:101@192.0.2.51:5062;transport=udp',
    routeSet: initial.headers['record-route'],
    target: '201',
    entity: 'sip:201@pbx.example',
    source,
  });
  t.equal('toTag' in parsed, false, 'an initial SUBSCRIBE has no To tag');
  t.equal(parsed.routeSet.length, 1, 'Record-Route becomes the route set');

  const refresh = parseSubscribe(
    request({
      method: 'SUBSCRIBE',
      to: '<sip:201@pbx.example>;tag=n1',
      from: '<sip:101@pbx.example>;tag=w1',
      extra: ['Expires: soon'],
    }),
    { target: '201', entity: 'sip:201@office' },
  );
  t.equal(refresh.toTag, 'n1');
  t.equal(refresh.entity, 'sip:201@office', 'an entity given wins over the To URI');
  t.ok(Number.isNaN(refresh.expires), 'an unreadable Expires is NaN');
  t.equal(refresh.event, undefined);
  t.equal(refresh.accept, undefined);
  t.equal(refresh.contact, undefined);
  t.same(refresh.routeSet, []);

  const compact = parseSubscribe(
    request({
      method: 'SUBSCRIBE',
      extra: ['o: dialog', 'Accept: application/rlmi+xml', 'Accept: application/dialog-info+xml', 'Contact: *'],
    }),
    { target: '201' },
  );
  t.equal(compact.event, 'dialog', 'the compact form of Event');
  t.equal(compact.accept, 'application/rlmi+xml,application/dialog-info+xml', 'repeated Accept lines, joined');
  t.ok(acceptsDialogInfo(compact.accept));
  t.equal(compact.contact, '*', 'Contact: * is read as sent, and refused by applySubscribe');
});

t.test('parseEvent and acceptsDialogInfo', async (t) => {
  const events: [string | undefined, ReturnType<typeof parseEvent>][] = [
    ['dialog', { package: 'dialog' }],
    ['dialog;id=4', { package: 'dialog', id: '4' }],
    [' dialog ; ID = "x" ;call-id=abc', { package: 'dialog', id: 'x' }],
    ['presence', { package: 'presence' }],
    ['', undefined],
    [';id=1', undefined],
    [undefined, undefined],
  ];
  for (const [text, expected] of events) t.same(parseEvent(text), expected, `Event: ${text}`);
  const accepts: [string | undefined, boolean][] = [
    [undefined, true],
    ['application/dialog-info+xml', true],
    ['Application/Dialog-Info+XML', true],
    ['application/rlmi+xml, application/dialog-info+xml;q=0.5', true],
    ['application/*', true],
    ['*/*', true],
    ['application/pidf+xml', false],
    ['application/dialog-info+xml;q=0', false],
    ['application/dialog-info+xml; q=0.000', false],
    ['', false],
  ];
  for (const [text, expected] of accepts) t.equal(acceptsDialogInfo(text), expected, `Accept: ${text}`);
});

const refusals: [string, Partial<SubscribeInput>, SubscribeRefusal][] = [
  ['another package', { event: 'presence' }, { kind: 'bad-event', event: 'presence' }],
  ['a template package', { event: 'dialog.winfo' }, { kind: 'bad-event', event: 'dialog.winfo' }],
  ['no Event header', { event: undefined }, { kind: 'bad-event', event: undefined }],
  ['a body type we cannot send', { accept: 'application/pidf+xml' }, { kind: 'not-acceptable' }],
  ['an unreadable Expires', { expires: Number.NaN }, { kind: 'bad-request', phrase: 'Invalid Expires' }],
  ['no From tag', { fromTag: '' }, { kind: 'bad-request', phrase: 'Missing From Tag' }],
  ['no Contact', { contact: undefined }, { kind: 'bad-request', phrase: 'Missing Contact' }],
  ['Contact: *', { contact: '*' }, { kind: 'bad-request', phrase: 'Bad Contact' }],
  ['a Contact no NOTIFY can reach', { contact: 'mailto:desk@example' }, { kind: 'bad-request', phrase: 'Bad Contact' }],
  ['too brief', { expires: 30 }, { kind: 'interval-too-brief', minExpires: 60 }],
  ['one second', { expires: 1 }, { kind: 'interval-too-brief', minExpires: 60 }],
  ['a refresh of nothing', { toTag: 'unknown' }, { kind: 'no-subscription' }],
];

for (const [name, extra, expected] of refusals) {
  t.test(`refused: ${name}`, async (t) => {
    t.same(subscribe(emptySubscriptions(), extra), { kind: 'refuse', refusal: expected });
  });
}

t.test('refusalResponse: one table from refusal to status and headers', async (t) => {
  const cases: [SubscribeRefusal, number, Record<string, string>][] = [
    [{ kind: 'bad-event', event: 'presence' }, 489, { 'allow-events': 'dialog' }],
    [{ kind: 'not-acceptable' }, 406, { accept: 'application/dialog-info+xml' }],
    [{ kind: 'bad-request', phrase: 'Missing Contact' }, 400, {}],
    [{ kind: 'interval-too-brief', minExpires: 60 }, 423, { 'min-expires': '60' }],
    [{ kind: 'no-subscription' }, 481, {}],
    [{ kind: 'out-of-order' }, 500, {}],
    [{ kind: 'too-many', scope: 'table', retryAfter: 60 }, 503, { 'retry-after': '60' }],
  ];
  for (const [refusal, status, headers] of cases) {
    const response = refusalResponse(refusal);
    t.equal(response.status, status, refusal.kind);
    t.same(response.headers, headers, `${refusal.kind} headers`);
  }
  t.equal(refusalResponse({ kind: 'bad-request', phrase: 'Missing Contact' }).phrase, 'Missing Contact');
});

const grants: [string, number | undefined, number][] = [
  ['as asked', 600, 600],
  ['the minimum', 60, 60],
  ['the default without Expires', undefined, 3600],
  ['clamped to the maximum', 99_999, 3600],
];
for (const [name, asked, granted] of grants) {
  t.test(`granted Expires: ${name}`, async (t) => {
    const decision = accepted(subscribe(emptySubscriptions(), { expires: asked }));
    t.equal(decision.expires, granted);
    t.equal(decision.notify.subscriptionState, `active;expires=${granted}`);
    t.equal(decision.table.get(decision.notify.subscription.key)?.expiresAt, now + granted * 1000);
  });
}

t.test('a new subscription: 200 with our tag and at once a NOTIFY with the full state', async (t) => {
  const decision = accepted(subscribe(emptySubscriptions(), { source }));
  const key = subscriptionKey({ callId: 'sub-1', fromTag: 'w1', toTag: 'n1' });
  const held = {
    key,
    callId: 'sub-1',
    fromTag: 'w1',
    toTag: 'n1',
    subscriber: 'sip:101@pbx.example',
    target: '201',
    entity: 'sip:201@pbx.example',
    contact: 'sip:101@192.0.2.51:5062',
    routeSet: [],
    source,
    expiresAt: now + 600_000,
    version: 1,
    localCseq: 1,
    remoteCseq: 1,
  };
  t.strictSame(decision, {
    kind: 'accept',
    table: new Map([[key, held]]),
    expires: 600,
    toTag: 'n1',
    notify: {
      kind: 'send-notify',
      subscription: held,
      cseq: 1,
      state: 'active',
      event: 'dialog',
      subscriptionState: 'active;expires=600',
      contentType: 'application/dialog-info+xml',
      body: idle(0),
      version: 0,
    },
  });
});

t.test('the first NOTIFY shows calls already going on', async (t) => {
  const dialogs = applyCallEvent(emptyDialogs(), {
    kind: 'call',
    callId: 'c1',
    extension: '201',
    direction: 'initiator',
    remote: 'sip:300@pbx.example',
    phase: 'confirmed',
  }).table;
  const decision = accepted(subscribe(emptySubscriptions(), {}, now, { dialogs }));
  t.equal(
    decision.notify.body,
    buildDialogInfo({
      entity: 'sip:201@pbx.example',
      version: 0,
      state: 'full',
      dialogs: dialogs.byExtension.get('201')!,
    }),
  );
  t.match(decision.notify.body, /<state>confirmed<\/state>/);
});

t.test('an Event id is part of the subscription and echoed in its NOTIFYs', async (t) => {
  const decision = accepted(subscribe(emptySubscriptions(), { event: 'dialog;id=9' }));
  t.equal(decision.notify.event, 'dialog;id=9');
  t.equal(decision.notify.subscription.eventId, '9');
  t.equal(
    decision.notify.subscription.key,
    subscriptionKey({ callId: 'sub-1', fromTag: 'w1', toTag: 'n1', eventId: '9' }),
  );
  const refreshWithoutId = subscribe(decision.table, { toTag: 'n1', cseq: 2 });
  t.same(
    refreshWithoutId,
    { kind: 'refuse', refusal: { kind: 'no-subscription' } },
    'another id is another subscription',
  );
});

t.test('refresh: same dialog, expiry moved on, a new Contact taken, a NOTIFY with the next version', async (t) => {
  const first = accepted(subscribe(emptySubscriptions()));
  const later = now + 500_000;
  const refresh = accepted(
    subscribe(first.table, { toTag: 'n1', cseq: 2, expires: 900, contact: 'sip:101@192.0.2.99:5062', source }, later, {
      newTag: 'unused',
    }),
  );
  t.equal(refresh.toTag, 'n1', 'the dialog keeps our tag');
  t.equal(refresh.expires, 900);
  t.equal(refresh.table.size, 1);
  const held = refresh.table.get(first.notify.subscription.key)!;
  t.equal(held.expiresAt, later + 900_000);
  t.equal(held.contact, 'sip:101@192.0.2.99:5062');
  t.same(held.source, source);
  t.equal(held.remoteCseq, 2);
  t.same(
    [refresh.notify.cseq, refresh.notify.version, refresh.notify.subscriptionState, refresh.notify.body],
    [2, 1, 'active;expires=900', idle(1)],
  );
  const keepContact = accepted(subscribe(refresh.table, { toTag: 'n1', cseq: 3, contact: undefined }, later));
  t.equal(
    keepContact.table.get(held.key)!.contact,
    'sip:101@192.0.2.99:5062',
    'a refresh without Contact keeps the old one',
  );
  t.same(subscribe(refresh.table, { toTag: 'n1', cseq: 1 }, later), {
    kind: 'refuse',
    refusal: { kind: 'out-of-order' },
  });
  t.same(subscribe(refresh.table, { toTag: 'n1', cseq: 3, expires: 10 }, later), {
    kind: 'refuse',
    refusal: { kind: 'interval-too-brief', minExpires: 60 },
  });
  t.equal(first.table.get(held.key)!.version, 1, 'tables are values: the old one is unchanged');
});

t.test('a refresh arriving after expiry but before the sweep gets 481', async (t) => {
  const first = accepted(subscribe(emptySubscriptions()));
  t.same(subscribe(first.table, { toTag: 'n1', cseq: 2 }, now + 600_000), {
    kind: 'refuse',
    refusal: { kind: 'no-subscription' },
  });
  t.equal(subscribe(first.table, { toTag: 'n1', cseq: 2 }, now + 599_999).kind, 'accept');
});

t.test('unsubscribe (Expires: 0): 200 with Expires 0, a final terminated NOTIFY, the subscription gone', async (t) => {
  const first = accepted(subscribe(emptySubscriptions()));
  const gone = accepted(subscribe(first.table, { toTag: 'n1', cseq: 2, expires: 0 }, now + 1000));
  t.equal(gone.expires, 0);
  t.equal(gone.table.size, 0);
  t.same(
    [gone.notify.state, gone.notify.subscriptionState, gone.notify.version, gone.notify.cseq, gone.notify.body],
    ['terminated', 'terminated;reason=timeout', 1, 2, idle(1)],
  );
});

t.test('fetch (a new SUBSCRIBE with Expires: 0): one terminated NOTIFY, nothing kept', async (t) => {
  const table = emptySubscriptions();
  const fetched = accepted(subscribe(table, { expires: 0 }));
  t.equal(fetched.table, table, 'the same table');
  t.equal(fetched.expires, 0);
  t.same(
    [fetched.notify.state, fetched.notify.version, fetched.notify.cseq, fetched.notify.body],
    ['terminated', 0, 1, idle(0)],
  );
  t.equal(fetched.toTag, 'n1');
});

t.test('expiry with a fake clock: nothing before the time, a final NOTIFY at it', async (t) => {
  const a = accepted(subscribe(emptySubscriptions(), { expires: 60 }));
  const b = accepted(
    subscribe(a.table, { callId: 'sub-2', fromTag: 'w2', expires: 120, subscriber: 'sip:102@pbx.example' }, now, {
      newTag: 'n2',
    }),
  );
  const early = expireSubscriptions(b.table, now + 59_999, emptyDialogs());
  t.equal(early.table, b.table, 'nothing expired: the same table');
  t.same([early.expired, early.notifies], [[], []]);
  const sweep = expireSubscriptions(b.table, now + 60_000, emptyDialogs());
  t.same([...sweep.table.keys()], [b.notify.subscription.key]);
  t.same(
    sweep.expired.map((subscription) => subscription.callId),
    ['sub-1'],
  );
  t.same(
    sweep.notifies.map((notify) => [
      notify.subscription.callId,
      notify.state,
      notify.subscriptionState,
      notify.version,
      notify.cseq,
      notify.body,
    ]),
    [['sub-1', 'terminated', 'terminated;reason=timeout', 1, 2, idle(1)]],
  );
  t.equal(expireSubscriptions(sweep.table, now + 120_000, emptyDialogs()).table.size, 0);
});

t.test('removeSubscription forgets one (its NOTIFY got 481)', async (t) => {
  const first = accepted(subscribe(emptySubscriptions()));
  t.equal(removeSubscription(first.table, first.notify.subscription.key).size, 0);
  t.equal(removeSubscription(first.table, 'nope'), first.table, 'unknown key: the same table');
  t.equal(first.table.size, 1);
});

// ---------------------------------------------------------------------------
// Whole call flows with a fake clock.
// ---------------------------------------------------------------------------

t.test('a call flow to 201 makes exactly the NOTIFYs expected, versions counting up', async (t) => {
  let clock = now;
  let dialogs = emptyDialogs();
  let table = emptySubscriptions();
  const watch = (watcher: string, target: string, tag: string) => {
    const decision = accepted(
      subscribe(
        table,
        {
          callId: `sub-${watcher}-${target}`,
          fromTag: `w${watcher}`,
          subscriber: `sip:${watcher}@pbx.example`,
          contact: `sip:${watcher}@192.0.2.1`,
          target,
          entity: `sip:${target}@pbx.example`,
        },
        clock,
        { dialogs, newTag: tag },
      ),
    );
    table = decision.table;
    return decision.notify;
  };
  t.equal(watch('101', '201', 'a').body, idle(0));
  watch('102', '201', 'b');
  watch('103', '202', 'c');

  const steps: [number, DialogState, Partial<CallEvent>, string][] = [
    [1_000, 'trying', {}, '<state>trying</state>'],
    [2_000, 'early', { localTag: 'to-1', remoteTag: 'from-1' }, '<state>early</state>'],
    [3_500, 'early', { localTag: 'to-1', remoteTag: 'from-1' }, ''],
    [10_000, 'confirmed', { localTag: 'to-1', remoteTag: 'from-1' }, '<state>confirmed</state>'],
    [70_000, 'terminated', { reason: 'remote-bye' }, '<state event="remote-bye">terminated</state>'],
  ];
  const seen: string[] = [];
  for (const [at, phase, extra, expectedState] of steps) {
    clock = now + at;
    const result = applyCallEvent(dialogs, {
      kind: 'call',
      callId: 'call-1',
      extension: '201',
      direction: 'recipient',
      remote: 'sip:100@pbx.example',
      phase,
      ...extra,
    });
    dialogs = result.table;
    const notified = notifyChanges(table, result.changed, clock);
    table = notified.table;
    for (const notify of notified.notifies) {
      t.match(notify.body, expectedState, `${phase}: the body says so`);
      t.equal(
        notify.body,
        buildDialogInfo({
          entity: 'sip:201@pbx.example',
          version: notify.version,
          state: 'full',
          dialogs: result.changed[0]!.dialogs,
        }),
      );
      seen.push(`${notify.subscription.subscriber} v${notify.version} cseq${notify.cseq} ${notify.subscriptionState}`);
    }
    if (!expectedState) t.same(notified.notifies, [], 'no change, no NOTIFY');
  }
  t.same(seen, [
    'sip:101@pbx.example v1 cseq2 active;expires=599',
    'sip:102@pbx.example v1 cseq2 active;expires=599',
    'sip:101@pbx.example v2 cseq3 active;expires=598',
    'sip:102@pbx.example v2 cseq3 active;expires=598',
    'sip:101@pbx.example v3 cseq4 active;expires=590',
    'sip:102@pbx.example v3 cseq4 active;expires=590',
    'sip:101@pbx.example v4 cseq5 active;expires=530',
    'sip:102@pbx.example v4 cseq5 active;expires=530',
  ]);
  t.equal(
    [...table.values()].find((subscription) => subscription.target === '202')!.version,
    1,
    "202's watcher heard nothing",
  );
  t.equal(watch('104', '201', 'd').body, idle(0), 'after the call: a new watcher sees 201 idle');
});

t.test('notifyChanges: remaining time rounds up; lapsed subscriptions are left to the sweep', async (t) => {
  const first = accepted(subscribe(emptySubscriptions()));
  const change = [{ extension: '201', dialogs: [] }];
  t.equal(notifyChanges(first.table, change, now + 1).notifies[0]!.subscriptionState, 'active;expires=600');
  t.equal(notifyChanges(first.table, change, now + 599_001).notifies[0]!.subscriptionState, 'active;expires=1');
  const lapsed = notifyChanges(first.table, change, now + 600_000);
  t.same(lapsed.notifies, []);
  t.equal(lapsed.table, first.table, 'nothing sent: the same table');
  const twice = notifyChanges(first.table, [change[0]!, change[0]!], now);
  t.same(
    twice.notifies.map((notify) => [notify.version, notify.cseq]),
    [
      [1, 2],
      [2, 3],
    ],
    'two changes in one batch: two NOTIFYs in order',
  );
  t.equal(twice.table.get(first.notify.subscription.key)!.version, 3);
  t.same(notifyChanges(first.table, [{ extension: '999', dialogs: [] }], now).notifies, [], 'nobody watches 999');
});

// ---------------------------------------------------------------------------
// Limits: a SUBSCRIBE flood cannot grow the table without bound.
// ---------------------------------------------------------------------------

const small: SubscriptionLimits = {
  ...DEFAULT_SUBSCRIPTION_LIMITS,
  maxSubscriptions: 3,
  maxPerSubscriber: 2,
  retryAfter: 30,
};

t.test('per-subscriber and overall limits answer 503, refreshes still pass', async (t) => {
  let table = emptySubscriptions();
  const add = (watcher: string, target: string, tag: string) =>
    subscribe(
      table,
      {
        callId: `${watcher}-${target}`,
        subscriber: `sip:${watcher}@pbx.example`,
        contact: `sip:${watcher}@192.0.2.1`,
        target,
      },
      now,
      { newTag: tag, limits: small },
    );
  table = accepted(add('101', '201', 'a')).table;
  table = accepted(add('101', '202', 'b')).table;
  t.same(add('101', '203', 'c'), {
    kind: 'refuse',
    refusal: { kind: 'too-many', scope: 'subscriber', retryAfter: 30 },
  });
  table = accepted(add('102', '201', 'd')).table;
  t.same(add('103', '201', 'e'), { kind: 'refuse', refusal: { kind: 'too-many', scope: 'table', retryAfter: 30 } });
  t.equal(
    subscribe(table, { callId: '101-201', subscriber: 'sip:101@pbx.example', toTag: 'a', cseq: 2 }, now, {
      limits: small,
    }).kind,
    'accept',
    'a refresh is not a new subscription',
  );
  t.equal(add('103', '201', 'f').kind, 'refuse');
  t.equal(
    accepted(subscribe(table, { expires: 0, subscriber: 'sip:103@pbx.example' }, now, { limits: small })).table,
    table,
    'a fetch needs no room',
  );
});

t.test('a phone that re-subscribes from the same Contact replaces its old subscription', async (t) => {
  const first = accepted(subscribe(emptySubscriptions(), {}, now, { newTag: 'old', limits: small }));
  const again = accepted(
    subscribe(first.table, { callId: 'after-reboot', contact: 'sip:101@192.0.2.51:5062;transport=udp' }, now + 5000, {
      newTag: 'new',
      limits: small,
    }),
  );
  t.same(
    [...again.table.values()].map((subscription) => subscription.callId),
    ['after-reboot'],
  );
  t.equal(again.replaced?.callId, 'sub-1');
  const elsewhere = accepted(
    subscribe(again.table, { callId: 'desk-2', contact: 'sip:101@192.0.2.77' }, now, { newTag: 'x', limits: small }),
  );
  t.equal(elsewhere.table.size, 2, 'another device of the same watcher is kept');
  t.equal(elsewhere.replaced, undefined);
  t.equal('replaced' in elsewhere, false);
});

t.test('a flood of 10 000 new SUBSCRIBEs keeps the table at its limit', async (t) => {
  let table = emptySubscriptions();
  const limits = { ...DEFAULT_SUBSCRIPTION_LIMITS, maxSubscriptions: 50, maxPerSubscriber: 20 };
  let refused = 0;
  for (let i = 0; i < 10_000; i++) {
    const decision = subscribe(
      table,
      {
        callId: `flood-${i}`,
        subscriber: `sip:${i % 7}@pbx.example`,
        contact: `sip:x@192.0.2.1:${10_000 + i}`,
        target: String(200 + (i % 40)),
      },
      now,
      { newTag: `t${i}`, limits },
    );
    if (decision.kind === 'accept') table = decision.table;
    else refused += 1;
  }
  t.equal(table.size, 50);
  t.equal(refused, 9950);
  const perSubscriber = new Map<string, number>();
  for (const subscription of table.values())
    perSubscriber.set(subscription.subscriber, (perSubscriber.get(subscription.subscriber) ?? 0) + 1);
  t.ok(Math.max(...perSubscriber.values()) <= 20);
});
