import t, { type Test } from 'tap';
import { applyChange, type Change, type ChangeResult } from '../../src/store/changes.js';
import { parseChange } from '../../src/store/change-schema.js';
import type { StoreData } from '../../src/store/schema.js';
import { addExtension, addPhone, CATALOGUE, NOW, office } from '../support/office.js';

const T0 = Date.parse(NOW);
const MIN = 60_000;
const at = (ms: number) => new Date(ms).toISOString();

function apply(data: StoreData, change: Change, now = NOW): { data: StoreData; result: ChangeResult } {
  const outcome = applyChange(data, change, { now, catalogue: CATALOGUE });
  if (!outcome.ok) throw new Error(`${change.kind} refused: ${JSON.stringify(outcome.reason)}`);
  return outcome.value;
}

function refusedWith(t: Test, data: StoreData, change: Change, kind: string) {
  const before = JSON.stringify(data);
  const outcome = applyChange(data, change, { now: NOW, catalogue: CATALOGUE });
  t.equal(outcome.ok, false, `${change.kind} is refused`);
  if (!outcome.ok) t.equal(outcome.reason.kind, kind, `reason ${kind}`);
  t.equal(JSON.stringify(data), before, 'the store value is untouched');
}

const failed = (extension: string, phone = 'HD0001'): Change => ({ kind: 'pin-failed', extension, phone });

/** `count` wrong PINs, all at `now`. */
function failMany(data: StoreData, count: number, change: Change, now = NOW) {
  let current = { data, result: undefined as ChangeResult | undefined };
  for (let i = 0; i < count; i++) current = apply(current.data, change, now);
  return current as { data: StoreData; result: ChangeResult };
}

const base = () => office(addPhone('001565000001'), addPhone('001565000002'), addExtension('100'), addExtension('101'));

t.test('a new store has no lockout records', async (t) => {
  t.same(base().security, { extensions: {}, phones: {} });
});

const counting = (failures: number) => ({ failures, level: 0, lockedUntil: null });

t.test('wrong PINs count on the pair, the phone and the extension, and are audited without the PIN', async (t) => {
  const one = apply(base(), failed('100', '00:15:65:00:00:01'));
  t.same(one.result, { kind: 'pin-check', locked: false, phoneLocked: false, pairLocked: false });
  t.same(
    one.data.security,
    {
      extensions: { '100': { ...counting(1), failedFrom: { HD0001: NOW } } },
      phones: { HD0001: counting(1) },
      pairs: { '100': { HD0001: counting(1) } },
    },
    'the phone is found by MAC and kept under its name',
  );
  t.match(one.data.audit.at(-1), {
    at: NOW,
    kind: 'login-failed',
    actor: 'user',
    extension: '100',
    phone: 'HD0001',
    detail: 'wrong PIN (1 of 5 on this phone)',
  });
  const three = failMany(one.data, 2, failed('100'));
  t.equal(three.data.audit.at(-1)?.detail, 'wrong PIN (3 of 5 on this phone)');
  const other = apply(three.data, failed('100', 'HD0002'));
  t.equal(other.data.audit.at(-1)?.detail, 'wrong PIN (1 of 5 on this phone), wrong PINs from 2 of 3 phones');
});

t.test('attack: five wrong PINs from one phone lock that phone for that extension, not the extension', async (t) => {
  const locked = failMany(base(), 5, failed('100', 'HD0002'));
  t.same(locked.result, {
    kind: 'pin-check',
    locked: false,
    phoneLocked: false,
    pairLocked: true,
    pairUntil: at(T0 + MIN),
  });
  t.same(locked.data.security.pairs?.['100']?.['HD0002'], { failures: 0, level: 1, lockedUntil: at(T0 + MIN) });
  t.equal(locked.data.security.extensions['100']?.lockedUntil, null, 'the extension is not locked');
  t.equal(locked.data.audit.at(-1)?.detail, 'wrong PIN (5 of 5 on this phone), locked on this phone for 1 min');
  t.same(
    locked.data.audit.filter((entry) => entry.kind === 'login-failed').length,
    5,
    'every failure is in the audit trail',
  );

  const during = apply(locked.data, failed('100', 'HD0002'), at(T0 + 30_000));
  t.same(during.result, {
    kind: 'pin-check',
    locked: false,
    phoneLocked: false,
    pairLocked: true,
    pairUntil: at(T0 + MIN),
  });
  t.equal(during.data.audit.at(-1)?.detail, 'wrong PIN while locked on this phone');
  t.same(during.data.security.pairs, locked.data.security.pairs, 'a locked pair counts nothing more');

  const later = T0 + 2 * MIN;
  const second = failMany(locked.data, 5, failed('100', 'HD0002'), at(later));
  t.same(second.result, {
    kind: 'pin-check',
    locked: false,
    phoneLocked: true,
    phoneUntil: at(later + MIN),
    pairLocked: true,
    pairUntil: at(later + 5 * MIN),
  });
  t.equal(
    second.data.audit.at(-1)?.detail,
    'wrong PIN (5 of 5 on this phone), locked on this phone for 5 min, phone locked for 1 min after 10 wrong ' +
      'PINs in a row',
  );

  const user = apply(second.data, { kind: 'pin-ok', extension: '100', phone: 'HD0001' }, at(later));
  t.same(
    user.result,
    { kind: 'pin-check', locked: false, phoneLocked: false, pairLocked: false },
    'the user on HD0001 is let in',
  );
  t.same(
    user.data.security.pairs?.['100']?.['HD0002'],
    second.data.security.pairs?.['100']?.['HD0002'],
    'the stranger stays locked',
  );
});

t.test('wrong PINs from three phones lock the extension for a minute', async (t) => {
  let data = office(addPhone('001565000001'), addPhone('001565000002'), addPhone('001565000003'), addExtension('100'));
  data = apply(data, failed('100', 'HD0001')).data;
  data = apply(data, failed('100', 'HD0002')).data;
  const third = apply(data, failed('100', 'HD0003'));
  t.same(third.result, { kind: 'pin-check', locked: true, until: at(T0 + MIN), phoneLocked: false, pairLocked: false });
  t.same(third.data.security.extensions['100'], { failures: 0, level: 1, lockedUntil: at(T0 + MIN), failedFrom: {} });
  t.equal(
    third.data.audit.at(-1)?.detail,
    'wrong PIN (1 of 5 on this phone), extension locked for 1 min after wrong PINs from 3 phones',
  );
  const during = apply(third.data, failed('100', 'HD0001'), at(T0 + 1000));
  t.equal(during.data.audit.at(-1)?.detail, 'wrong PIN (2 of 5 on this phone), while the extension is locked');
});

t.test('a phone trying many extensions locks after 10 wrong PINs', async (t) => {
  let data = office(addPhone('001565000001'), ...['100', '101', '102', '103', '104'].map((n) => addExtension(n)));
  let result: ChangeResult | undefined;
  for (let i = 0; i < 10; i++) ({ data, result } = apply(data, failed(`10${i % 5}`)));
  t.same(result, { kind: 'pin-check', locked: false, phoneLocked: true, phoneUntil: at(T0 + MIN), pairLocked: false });
  t.same(data.security.phones['HD0001'], { failures: 0, level: 1, lockedUntil: at(T0 + MIN) });
  t.equal(
    data.audit.at(-1)?.detail,
    'wrong PIN (2 of 5 on this phone), phone locked for 1 min after 10 wrong PINs in a row',
  );
  t.notOk(
    Object.values(data.security.extensions).some((record) => record.lockedUntil),
    'no extension locked',
  );
});

t.test('an unknown extension keeps no record of its own; the phone and the pair count', async (t) => {
  const { data, result } = apply(base(), failed('999'));
  t.same(result, { kind: 'pin-check', locked: false, phoneLocked: false, pairLocked: false });
  t.same(data.security, { extensions: {}, phones: { HD0001: counting(1) }, pairs: { '999': { HD0001: counting(1) } } });
  t.match(data.audit.at(-1), {
    kind: 'login-failed',
    extension: '999',
    detail: 'wrong PIN (1 of 5 on this phone), for an unknown extension',
  });
});

t.test('a right PIN clears the extension and the pair and ends the phone run', async (t) => {
  const tried = failMany(base(), 4, failed('100'));
  const right = apply(tried.data, { kind: 'pin-ok', extension: '100', phone: 'HD0001' });
  t.same(right.result, { kind: 'pin-check', locked: false, phoneLocked: false, pairLocked: false });
  t.same(right.data.security, { extensions: {}, phones: {}, pairs: {} }, 'empty records are dropped');
  t.equal(right.data.audit.length, tried.data.audit.length, 'a right PIN adds no audit entry (the login does)');

  const fresh = base();
  t.equal(
    apply(fresh, { kind: 'pin-ok', extension: '100', phone: 'HD0001' }).data,
    fresh,
    'nothing to clear: the same store value',
  );
});

t.test('a right PIN keeps a phone lock and its level', async (t) => {
  let data = office(addPhone('001565000001'), ...['100', '101', '102', '103', '104'].map((n) => addExtension(n)));
  for (let i = 0; i < 10; i++) data = apply(data, failed(`10${i % 5}`)).data;
  const right = apply(data, { kind: 'pin-ok', extension: '100', phone: 'HD0001' });
  t.same(right.result, {
    kind: 'pin-check',
    locked: false,
    phoneLocked: true,
    phoneUntil: at(T0 + MIN),
    pairLocked: false,
  });
  t.same(right.data.security.phones['HD0001'], { failures: 0, level: 1, lockedUntil: at(T0 + MIN) });
  t.notOk('100' in right.data.security.extensions);
});

t.test('unlock an extension, a phone, or a pair: each releases its own record', async (t) => {
  let three = office(
    addPhone('001565000001'),
    addPhone('001565000002'),
    addPhone('001565000003'),
    addExtension('100'),
    addExtension('101'),
  );
  for (const phone of ['HD0001', 'HD0002', 'HD0003']) three = apply(three, failed('100', phone)).data;
  const unlocked = apply(three, { kind: 'unlock', extension: '100', actor: 'admin' });
  t.same(unlocked.result, { kind: 'done', message: 'extension 100 unlocked', warnings: [] });
  t.notOk('100' in unlocked.data.security.extensions);
  t.same(
    Object.keys(unlocked.data.security.pairs?.['100'] ?? {}),
    ['HD0001', 'HD0002', 'HD0003'],
    'the pairs are kept',
  );
  t.match(unlocked.data.audit.at(-1), {
    kind: 'unlocked',
    actor: 'admin',
    extension: '100',
    detail: `was locked until ${at(T0 + MIN)} (lock 1)`,
  });
  t.equal(unlocked.data.audit.at(-1)?.phone, undefined);

  const counted = failMany(base(), 3, failed('101'));
  const forgotten = apply(counted.data, { kind: 'unlock', phone: '00-15-65-00-00-01', actor: 'admin' });
  t.equal((forgotten.result as { message: string }).message, 'phone HD0001 was not locked; 3 wrong PIN(s) forgotten');
  t.notOk('HD0001' in forgotten.data.security.phones);
  t.same(forgotten.data.security.pairs, counted.data.security.pairs, 'its pairs are kept');
  t.match(forgotten.data.audit.at(-1), { kind: 'unlocked', phone: 'HD0001' });

  const expired = apply(three, { kind: 'unlock', extension: '100', actor: 'admin' }, at(T0 + 2 * MIN));
  t.equal(
    (expired.result as { message: string }).message,
    'extension 100 was not locked; history of 1 lock(s) forgotten',
  );

  const elsewhere = apply(base(), failed('100', 'Desk-7'));
  const released = apply(elsewhere.data, { kind: 'unlock', phone: 'desk-7', actor: 'admin' });
  t.same(released.data.security.phones, {}, 'a phone outside the pool is found in any case');
  const pairElsewhere = apply(elsewhere.data, { kind: 'unlock', extension: '100', phone: 'DESK-7', actor: 'admin' });
  t.same(pairElsewhere.data.security.pairs, {}, 'and its pair too');

  const pairLocked = failMany(base(), 5, failed('101'));
  const pair = apply(pairLocked.data, { kind: 'unlock', extension: '101', phone: 'HD0001', actor: 'admin' });
  t.same(pair.result, { kind: 'done', message: 'phone HD0001 for extension 101 unlocked', warnings: [] });
  t.same(pair.data.security.pairs, {}, 'the pair is released');
  t.same(pair.data.security.phones, pairLocked.data.security.phones, 'the phone record is kept');
  t.same(pair.data.security.extensions, pairLocked.data.security.extensions, 'the extension record is kept');
  t.match(pair.data.audit.at(-1), {
    kind: 'unlocked',
    extension: '101',
    phone: 'HD0001',
    detail: `was locked until ${at(T0 + MIN)} (lock 1)`,
  });
  t.equal(pair.data.audit.filter((entry) => entry.kind === 'unlocked').length, 1);
});

t.test('unlock refuses when there is nothing to release', async (t) => {
  const data = base();
  refusedWith(t, data, { kind: 'unlock', extension: '100', actor: 'admin' }, 'not-locked');
  refusedWith(t, data, { kind: 'unlock', phone: 'HD0001', actor: 'admin' }, 'not-locked');
  refusedWith(t, data, { kind: 'unlock', extension: '100', phone: 'HD0001', actor: 'admin' }, 'not-locked');
  refusedWith(t, data, { kind: 'unlock', extension: '555', phone: 'HD0001', actor: 'admin' }, 'unknown-extension');
  refusedWith(t, data, { kind: 'unlock', extension: '555', actor: 'admin' }, 'unknown-extension');
  refusedWith(t, data, { kind: 'unlock', phone: 'HD0099', actor: 'admin' }, 'unknown-phone');
  refusedWith(t, data, { kind: 'unlock', actor: 'admin' }, 'not-locked');
  // A removed extension's lock can still be released.
  const locked = failMany(data, 5, failed('100'));
  const removed = apply(locked.data, { kind: 'remove-extension', number: '100' });
  t.same(apply(removed.data, { kind: 'unlock', extension: '100', actor: 'admin' }).data.security.extensions, {});
  t.same(
    apply(removed.data, { kind: 'unlock', extension: '100', phone: 'HD0001', actor: 'admin' }).data.security.pairs,
    {},
    'and its pairs',
  );
});

t.test('odd keys from outside are kept as data, never as prototype members', async (t) => {
  const { data } = apply(base(), failed('100', '__proto__'));
  t.ok(Object.hasOwn(data.security.phones, '__proto__'));
  t.equal(Object.getPrototypeOf(data.security.phones), Object.prototype);
  t.same(apply(base(), { kind: 'pin-ok', extension: 'constructor', phone: 'toString' }).data.security, {
    extensions: {},
    phones: {},
  });
});

t.test('the control socket accepts the new changes and nothing else', async (t) => {
  const good: Change[] = [
    { kind: 'pin-failed', extension: '100', phone: 'HD0001' },
    { kind: 'pin-ok', extension: '100', phone: 'HD0001' },
    { kind: 'unlock', extension: '100', actor: 'admin' },
    { kind: 'unlock', phone: 'HD0001', actor: 'admin' },
    { kind: 'set-policy', name: 'multi-login', value: 'deny' },
  ];
  for (const change of good) t.same(parseChange(change), change, change.kind);
  const bad: unknown[] = [
    { kind: 'pin-failed', extension: '100' },
    { kind: 'pin-failed', extension: '100', phone: 'HD0001', pin: '1234' },
    { kind: 'unlock', extension: '100' },
    { kind: 'set-policy', name: 'multi-login', value: 'sometimes' },
    { kind: 'set-policy', name: 'auto-logout', value: 'deny' },
  ];
  for (const change of bad) {
    const parsed = parseChange(change);
    t.ok(parsed === undefined || !('pin' in parsed), JSON.stringify(change));
  }
  t.equal(parseChange({ kind: 'unlock', extension: '100' }), undefined, 'unlock needs an actor');
  t.equal(parseChange({ kind: 'set-policy', name: 'multi-login', value: 'sometimes' }), undefined);
});
