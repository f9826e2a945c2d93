/**
 * Pinning through `applyChange` (set-phone), hot-desk takeover on
 * set-extension and login, and how both meet logout, removal and the
 * control socket's schema.
 */
import t from 'tap';
import { applyChange, type Change } from '../../src/store/changes.js';
import { parseChange } from '../../src/store/change-schema.js';
import type { StoreData } from '../../src/store/schema.js';
import { addExtension, addPhone, CATALOGUE, NOW, office } from '../support/office.js';

const apply = (data: StoreData, change: Change) => applyChange(data, change, { now: NOW, catalogue: CATALOGUE });

/** Applies a change that must go through. */
function applied(data: StoreData, change: Change) {
  const outcome = apply(data, change);
  if (!outcome.ok) throw new Error(`${change.kind} refused: ${JSON.stringify(outcome.reason)}`);
  return outcome.value;
}

const base = () =>
  office(
    addExtension('100'),
    addExtension('101'),
    addExtension('102', 'Reception', false),
    addPhone('001565000001'),
    addPhone('001565000002'),
  );
const sessions = (data: StoreData) =>
  data.phones.map((phone) => [phone.name, phone.session?.extension ?? null, phone.pinned ?? null]);

t.test('pin a phone: logged in now, audited, switched like a login', async (t) => {
  let data = applied(base(), { kind: 'login', extension: '101', phone: 'HD0001', actor: 'admin' }).data;
  const before = data.phones[0]!.desiredGeneration;
  const pin = applied(data, { kind: 'set-phone', phone: 'hd0001', pinned: '100' });
  data = pin.data;
  t.same(sessions(data), [
    ['HD0001', '100', '100'],
    ['HD0002', null, null],
  ]);
  t.same(
    pin.result,
    { kind: 'sessions', released: [{ phone: 'HD0001', extension: '101' }], reprovision: ['HD0001'] },
    'the daemon switches it',
  );
  t.equal(data.phones[0]!.desiredGeneration, before + 1);
  t.same(
    data.audit.slice(-3).map((entry) => [entry.kind, entry.actor, entry.phone, entry.extension, entry.detail]),
    [
      ['logout', 'admin', 'HD0001', '101', 'phone pinned to 100'],
      ['login', 'admin', 'HD0001', '100', 'pinned'],
      ['settings-changed', 'admin', 'HD0001', '100', 'pinned to 100'],
    ],
  );

  const again = applied(data, { kind: 'set-phone', phone: 'HD0001', pinned: '100' });
  t.equal(again.data, data, 'pinning again changes nothing');

  // A user who may not hot-desk can still have a phone pinned: it is their desk phone.
  const reception = applied(data, { kind: 'set-phone', phone: 'HD0002', pinned: '102' });
  t.same(sessions(reception.data)[1], ['HD0002', '102', '102']);
});

t.test('a pinned phone refuses other logins and its logout until unpinned', async (t) => {
  let data = applied(base(), { kind: 'set-phone', phone: 'HD0001', pinned: '100' }).data;
  const pinned = { kind: 'phone-pinned', phone: 'HD0001', extension: '100' };
  const refusals: [string, Change][] = [
    ['a login as someone else', { kind: 'login', extension: '101', phone: 'HD0001', actor: 'user' }],
    ['its logout by phone', { kind: 'logout', target: { phone: 'HD0001' }, actor: 'user' }],
    ['its logout by the admin, by MAC', { kind: 'logout', target: { phone: '00:15:65:00:00:01' }, actor: 'admin' }],
    [
      'a logout of the extension pinned there and nowhere else',
      { kind: 'logout', target: { extension: '100' }, actor: 'admin' },
    ],
  ];
  for (const [name, change] of refusals) {
    const outcome = apply(data, change);
    t.same(outcome, { ok: false, reason: pinned }, name);
  }
  const all = applied(data, { kind: 'logout', target: { all: true }, actor: 'admin' });
  t.same(sessions(all.data)[0], ['HD0001', '100', '100'], 'logout --all passes it over');

  // 100 logs in elsewhere under exclusive: the pinned phone stays.
  const elsewhere = applied(data, { kind: 'login', extension: '100', phone: 'HD0002', actor: 'user' });
  t.same(sessions(elsewhere.data), [
    ['HD0001', '100', '100'],
    ['HD0002', '100', null],
  ]);

  const unpin = applied(data, { kind: 'set-phone', phone: 'HD0001', pinned: null });
  data = unpin.data;
  t.same(sessions(data)[0], ['HD0001', '100', null], 'unpinned, still logged in');
  t.same(unpin.result, { kind: 'sessions', released: [], reprovision: [] }, 'nothing to re-provision');
  t.same(data.audit.at(-1), {
    at: NOW,
    kind: 'settings-changed',
    actor: 'admin',
    phone: 'HD0001',
    extension: '100',
    detail: 'unpinned from 100',
  });
  const logout = applied(data, { kind: 'logout', target: { phone: 'HD0001' }, actor: 'admin' });
  t.same(sessions(logout.data)[0], ['HD0001', null, null], 'then it can be logged out');
  t.equal(
    applied(logout.data, { kind: 'set-phone', phone: 'HD0001', pinned: null }).data,
    logout.data,
    'unpinning an unpinned phone changes nothing',
  );
});

t.test('set-phone refusals', async (t) => {
  const data = base();
  t.same(apply(data, { kind: 'set-phone', phone: 'HD0009', pinned: '100' }), {
    ok: false,
    reason: { kind: 'unknown-phone', value: 'HD0009' },
  });
  t.same(apply(data, { kind: 'set-phone', phone: 'HD0001', pinned: '555' }), {
    ok: false,
    reason: { kind: 'unknown-extension', extension: '555' },
  });
});

t.test('removing an extension releases and unpins its pinned phones', async (t) => {
  const data = applied(base(), { kind: 'set-phone', phone: 'HD0001', pinned: '100' }).data;
  const removed = applied(data, { kind: 'remove-extension', number: '100' }).data;
  t.same(sessions(removed)[0], ['HD0001', null, null]);
  t.equal(removed.phones[0]!.desiredGeneration, data.phones[0]!.desiredGeneration + 1, 'and re-provisions it');
});

t.test('hot-desk takeover off: a login elsewhere keeps the other session', async (t) => {
  let data = applied(base(), { kind: 'login', extension: '100', phone: 'HD0001', actor: 'user' }).data;
  const generations = data.phones.map((phone) => phone.desiredGeneration);
  const set = applied(data, { kind: 'set-extension', number: '100', hotdeskTakeover: false });
  data = set.data;
  t.equal(data.extensions[0]!.hotdeskTakeover, false);
  t.same(set.result, { kind: 'done', message: 'updated extension 100 (hotdeskTakeover)', warnings: [] });
  t.same(
    data.phones.map((phone) => phone.desiredGeneration),
    generations,
    'no phone is re-provisioned for it',
  );
  const login = applied(data, { kind: 'login', extension: '100', phone: 'HD0002', actor: 'user' });
  t.same(sessions(login.data), [
    ['HD0001', '100', null],
    ['HD0002', '100', null],
  ]);
  t.same(login.result, { kind: 'sessions', released: [], reprovision: ['HD0002'] });

  const back = applied(data, { kind: 'set-extension', number: '100', hotdeskTakeover: true }).data;
  t.equal(back.extensions[0]!.hotdeskTakeover, true);
  const takeover = applied(back, { kind: 'login', extension: '100', phone: 'HD0002', actor: 'user' });
  t.same(
    sessions(takeover.data),
    [
      ['HD0001', null, null],
      ['HD0002', '100', null],
    ],
    'with takeover on again, exclusive ends it',
  );
});

t.test('the control socket takes the new fields and nothing looser', async (t) => {
  const cases: [unknown, boolean][] = [
    [{ kind: 'set-phone', phone: 'HD0001', pinned: '100' }, true],
    [{ kind: 'set-phone', phone: 'HD0001', pinned: null }, true],
    [{ kind: 'set-phone', phone: 'HD0001' }, true],
    [{ kind: 'set-phone', phone: 'HD0001', pinned: 100 }, false],
    [{ kind: 'set-phone', pinned: '100' }, false],
    [{ kind: 'set-extension', number: '100', hotdeskTakeover: false }, true],
    [{ kind: 'set-extension', number: '100', hotdeskTakeover: 'no' }, false],
  ];
  for (const [value, accepted] of cases) t.equal(parseChange(value) !== undefined, accepted, JSON.stringify(value));
});
