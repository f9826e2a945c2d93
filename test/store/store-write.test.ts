import t from 'tap';
import type { Change } from '../../src/store/changes.js';
import type { StoreData } from '../../src/store/schema.js';
import { applyStoreWrite, type StoreEffect, type StoreWrite } from '../../src/store/store-write.js';
import { addExtension, addPhone, CATALOGUE, NOW, office } from '../support/office.js';

const apply = (data: StoreData, write: StoreWrite, now = NOW) =>
  applyStoreWrite(data, write, { now, catalogue: CATALOGUE });

/** Two phones, 100 logged in on HD0001, 101 idle; 101 watches 100 on a BLF key. */
const desk = (): StoreData =>
  office(
    addPhone('001565000001'),
    addPhone('001565000002'),
    addExtension('100', 'Ada'),
    addExtension('101', 'Bob'),
    { kind: 'set-blf', extension: '101', targets: ['100'] },
    { kind: 'login', extension: '100', phone: 'HD0001', actor: 'user' },
  );

/** 100 on HD0001, 101 on HD0002 (101 watches 100). */
const busyDesk = (): StoreData =>
  office(
    addPhone('001565000001'),
    addPhone('001565000002'),
    addExtension('100', 'Ada'),
    addExtension('101', 'Bob'),
    { kind: 'set-blf', extension: '101', targets: ['100'] },
    { kind: 'login', extension: '100', phone: 'HD0001', actor: 'user' },
    { kind: 'login', extension: '101', phone: 'HD0002', actor: 'user' },
  );

const rows: [string, () => StoreData, Change, StoreEffect[]][] = [
  ['add-phone: the new phone', desk, addPhone('001565000003'), [{ kind: 'reprovision', phones: ['HD0003'] }]],
  ['remove-phone: nothing to tell', desk, { kind: 'remove-phone', phone: 'HD0002' }, []],
  [
    'login: the phone switches',
    desk,
    { kind: 'login', extension: '101', phone: 'HD0002', actor: 'user' },
    [{ kind: 'switch-phones', phones: ['HD0002'] }],
  ],
  [
    'login elsewhere: both phones switch (takeover)',
    desk,
    { kind: 'login', extension: '100', phone: 'HD0002', actor: 'user' },
    [{ kind: 'switch-phones', phones: ['HD0001', 'HD0002'] }],
  ],
  [
    'logout: the phone switches',
    desk,
    { kind: 'logout', target: { phone: 'HD0001' }, actor: 'admin' },
    [{ kind: 'switch-phones', phones: ['HD0001'] }],
  ],
  [
    'pin a phone: it switches',
    desk,
    { kind: 'set-phone', phone: 'HD0002', pinned: '101' },
    [{ kind: 'switch-phones', phones: ['HD0002'] }],
  ],
  [
    'rename an extension: its phone and its watchers re-provision',
    busyDesk,
    { kind: 'set-extension', number: '100', name: 'Ada L' },
    [{ kind: 'reprovision', phones: ['HD0001', 'HD0002'] }],
  ],
  ['takeover flag only: nothing', busyDesk, { kind: 'set-extension', number: '100', hotdeskTakeover: false }, []],
  [
    'remove a logged-in extension: its phone re-provisions',
    desk,
    { kind: 'remove-extension', number: '100' },
    [{ kind: 'reprovision', phones: ['HD0001'] }],
  ],
  [
    'set-blf: the owner’s phone',
    busyDesk,
    { kind: 'set-blf', extension: '100', targets: ['101'] },
    [{ kind: 'reprovision', phones: ['HD0001'] }],
  ],
  [
    'hot-desk dial code: every phone',
    desk,
    { kind: 'set-dial-code', name: 'login', code: '*78*', force: false },
    [{ kind: 'reprovision', phones: ['HD0001', 'HD0002'] }],
  ],
  ['other dial code: nothing', desk, { kind: 'set-dial-code', name: 'pickup', code: '*8', force: false }, []],
  [
    'settings: every phone',
    desk,
    { kind: 'set-settings', sipDomain: 'office.example' },
    [{ kind: 'reprovision', phones: ['HD0001', 'HD0002'] }],
  ],
  ['digest setting only: nothing', desk, { kind: 'set-settings', digest: ['SHA-256'] }, []],
  [
    'rotate the provisioning token: every phone',
    desk,
    { kind: 'rotate-provisioning-token', token: 'new-token-0123456789', graceDays: 0 },
    [{ kind: 'reprovision', phones: ['HD0001', 'HD0002'] }],
  ],
  [
    'a fetch: phone-sync hears of it',
    desk,
    { kind: 'provisioning-fetched', phone: 'HD0001', generation: 2 },
    [{ kind: 'phone-fetched', phone: 'HD0001', generation: 2 }],
  ],
  ['a wrong PIN (no burst yet): nothing', desk, { kind: 'pin-failed', extension: '101', phone: 'HD0002' }, []],
  ['an emergency number: nothing', desk, { kind: 'add-emergency', number: '999' }, []],
  ['a policy: nothing', desk, { kind: 'set-policy', name: 'idle-logout', value: 30 }, []],
];

t.test('each change kind yields its effects', async (t) => {
  for (const [what, data, change, expected] of rows) {
    const before = data();
    const outcome = apply(before, change);
    if (!outcome.ok) {
      t.fail(`${what}: refused (${outcome.reason.kind})`);
      continue;
    }
    t.same(outcome.value.effects, expected, what);
    // Cross-check against the store: the phones named are exactly those whose desired generation moved.
    const moved = outcome.value.data.phones
      .filter(
        (phone) => before.phones.find((old) => old.name === phone.name)?.desiredGeneration !== phone.desiredGeneration,
      )
      .map((phone) => phone.name);
    const named = outcome.value.effects.flatMap((effect) =>
      effect.kind === 'switch-phones' || effect.kind === 'reprovision' ? effect.phones : [],
    );
    t.same([...named].sort(), moved, `${what}: named = moved on`);
  }
});

t.test('a refused change yields no effects and leaves the data', async (t) => {
  const data = desk();
  const outcome = apply(data, { kind: 'login', extension: '999', phone: 'HD0001', actor: 'user' });
  t.equal(outcome.ok, false);
});

t.test('the tenth wrong PIN in ten minutes raises one alert, the eleventh none', async (t) => {
  let data = desk();
  const effects: StoreEffect[][] = [];
  for (let i = 0; i < 11; i++) {
    const now = new Date(Date.parse(NOW) + i * 1000).toISOString();
    const outcome = apply(data, { kind: 'pin-failed', extension: '101', phone: 'HD0002' }, now);
    if (!outcome.ok) throw new Error('refused');
    data = outcome.value.data;
    effects.push(outcome.value.effects.filter((effect) => effect.kind === 'pin-alert'));
  }
  t.same(
    effects.map((list) => list.length),
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0],
  );
  t.match(effects[9], [
    { kind: 'pin-alert', alert: { target: 'extension', key: '101', failures: 10 } },
    { kind: 'pin-alert', alert: { target: 'phone', key: 'HD0002', failures: 10 } },
  ]);
});

t.test('internal writes', async (t) => {
  const data = desk();
  const saved = apply(data, { kind: 'save-bindings', bindings: [] });
  t.ok(saved.ok && saved.value.data.bindings.length === 0 && saved.value.effects.length === 0, 'bindings saved');
  const fresh = { ...data, extensions: [] };
  const adopted = apply(data, { kind: 'adopt-file', read: data, fresh });
  t.same(adopted.ok && adopted.value, {
    data: fresh,
    result: adopted.ok && adopted.value.result,
    effects: [{ kind: 'reconcile' }],
  });
  const stale = apply(data, { kind: 'adopt-file', read: { ...data }, fresh });
  t.ok(stale.ok && stale.value.data === data && stale.value.effects.length === 0, 'written in between: kept');
  const back = apply(data, { kind: 'write-back' });
  t.ok(back.ok && back.value.data !== data && back.value.effects.length === 0, 'a new copy to write');
});
