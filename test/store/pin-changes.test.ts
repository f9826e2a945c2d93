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

t.test('wrong PINs count on the extension and the phone, and are audited without the PIN', async (t) => {
  const one = apply(base(), failed('100', '00:15:65:00:00:01'));
  t.same(one.result, { kind: 'pin-check', locked: false, phoneLocked: false });
  t.same(one.data.security, {
    extensions: { '100': { failures: 1, level: 0, lockedUntil: null } },
    phones: { HD0001: { failures: 1, level: 0, lockedUntil: null } },
  }, 'the phone is found by MAC and kept under its name');
  t.match(one.data.audit.at(-1), { at: NOW, kind: 'login-failed', actor: 'user', extension: '100', phone: 'HD0001', detail: 'wrong PIN (1 of 5)' });
  const three = failMany(one.data, 2, failed('100'));
  t.equal(three.data.audit.at(-1)?.detail, 'wrong PIN (3 of 5)');
});

t.test('the fifth wrong PIN locks the extension for a minute, then 5 minutes', async (t) => {
  const locked = failMany(base(), 5, failed('100'));
  t.same(locked.result, { kind: 'pin-check', locked: true, until: at(T0 + MIN), phoneLocked: false });
  t.same(locked.data.security.extensions['100'], { failures: 0, level: 1, lockedUntil: at(T0 + MIN) });
  t.equal(locked.data.audit.at(-1)?.detail, 'wrong PIN (5 of 5), extension locked for 1 min');
  t.same(locked.data.audit.filter((entry) => entry.kind === 'login-failed').length, 5, 'every failure is in the audit trail');

  const during = apply(locked.data, failed('100'), at(T0 + 30_000));
  t.same(during.result, { kind: 'pin-check', locked: true, until: at(T0 + MIN), phoneLocked: false });
  t.equal(during.data.audit.at(-1)?.detail, 'wrong PIN while the extension is locked');
  t.same(during.data.security.extensions['100'], locked.data.security.extensions['100'], 'a locked extension counts nothing more');

  const later = T0 + 2 * MIN;
  const second = failMany(during.data, 5, failed('100', 'HD0002'), at(later));
  t.same(second.result, { kind: 'pin-check', locked: true, until: at(later + 5 * MIN), phoneLocked: false });
  t.equal(second.data.audit.at(-1)?.detail, 'wrong PIN (5 of 5), extension locked for 5 min');
});

t.test('a phone trying many extensions locks after 10 wrong PINs', async (t) => {
  let data = office(addPhone('001565000001'), ...['100', '101', '102', '103', '104'].map((n) => addExtension(n)));
  let result: ChangeResult | undefined;
  for (let i = 0; i < 10; i++) ({ data, result } = apply(data, failed(`10${i % 5}`)));
  t.same(result, { kind: 'pin-check', locked: false, phoneLocked: true, phoneUntil: at(T0 + MIN) });
  t.same(data.security.phones['HD0001'], { failures: 0, level: 1, lockedUntil: at(T0 + MIN) });
  t.equal(data.audit.at(-1)?.detail, 'wrong PIN (2 of 5), phone locked for 1 min after 10 wrong PINs in a row');
  t.notOk(Object.values(data.security.extensions).some((record) => record.lockedUntil), 'no extension reached 5');
});

t.test('an unknown extension counts on the phone only', async (t) => {
  const { data, result } = apply(base(), failed('999'));
  t.same(result, { kind: 'pin-check', locked: false, phoneLocked: false });
  t.same(data.security, { extensions: {}, phones: { HD0001: { failures: 1, level: 0, lockedUntil: null } } });
  t.match(data.audit.at(-1), { kind: 'login-failed', extension: '999', detail: 'PIN entered for an unknown extension' });
});

t.test('a right PIN clears the extension and ends the phone run', async (t) => {
  const tried = failMany(base(), 4, failed('100'));
  const right = apply(tried.data, { kind: 'pin-ok', extension: '100', phone: 'HD0001' });
  t.same(right.result, { kind: 'pin-check', locked: false, phoneLocked: false });
  t.same(right.data.security, { extensions: {}, phones: {} }, 'empty records are dropped');
  t.equal(right.data.audit.length, tried.data.audit.length, 'a right PIN adds no audit entry (the login does)');

  const fresh = base();
  t.equal(apply(fresh, { kind: 'pin-ok', extension: '100', phone: 'HD0001' }).data, fresh, 'nothing to clear: the same store value');
});

t.test('a right PIN keeps a phone lock and its level', async (t) => {
  let data = office(addPhone('001565000001'), ...['100', '101', '102', '103', '104'].map((n) => addExtension(n)));
  for (let i = 0; i < 10; i++) data = apply(data, failed(`10${i % 5}`)).data;
  const right = apply(data, { kind: 'pin-ok', extension: '100', phone: 'HD0001' });
  t.same(right.result, { kind: 'pin-check', locked: false, phoneLocked: true, phoneUntil: at(T0 + MIN) });
  t.same(right.data.security.phones['HD0001'], { failures: 0, level: 1, lockedUntil: at(T0 + MIN) });
  t.notOk('100' in right.data.security.extensions);
});

t.test('unlock an extension or a phone', async (t) => {
  const locked = failMany(base(), 5, failed('100'));
  const unlocked = apply(locked.data, { kind: 'unlock', extension: '100', actor: 'admin' });
  t.same(unlocked.result, { kind: 'done', message: 'extension 100 unlocked', warnings: [] });
  t.notOk('100' in unlocked.data.security.extensions);
  t.match(unlocked.data.audit.at(-1), { kind: 'unlocked', actor: 'admin', extension: '100', detail: `was locked until ${at(T0 + MIN)} (lock 1)` });
  t.equal(unlocked.data.audit.at(-1)?.phone, undefined);

  const counted = failMany(base(), 3, failed('101'));
  const forgotten = apply(counted.data, { kind: 'unlock', phone: '00-15-65-00-00-01', actor: 'admin' });
  t.equal((forgotten.result as { message: string }).message, 'phone HD0001 was not locked; 3 wrong PIN(s) forgotten');
  t.notOk('HD0001' in forgotten.data.security.phones);
  t.match(forgotten.data.audit.at(-1), { kind: 'unlocked', phone: 'HD0001' });

  const expired = apply(locked.data, { kind: 'unlock', extension: '100', actor: 'admin' }, at(T0 + 2 * MIN));
  t.equal((expired.result as { message: string }).message, 'extension 100 was not locked; history of 1 lock(s) forgotten');

  const elsewhere = apply(base(), failed('100', 'Desk-7'));
  const released = apply(elsewhere.data, { kind: 'unlock', phone: 'desk-7', actor: 'admin' });
  t.same(released.data.security.phones, {}, 'a phone outside the pool is found in any case');

  const both = apply(counted.data, { kind: 'unlock', extension: '101', phone: 'HD0001', actor: 'admin' });
  t.same(both.data.security, { extensions: {}, phones: {} });
  t.equal(both.data.audit.filter((entry) => entry.kind === 'unlocked').length, 2);
});

t.test('unlock refuses when there is nothing to release', async (t) => {
  const data = base();
  refusedWith(t, data, { kind: 'unlock', extension: '100', actor: 'admin' }, 'not-locked');
  refusedWith(t, data, { kind: 'unlock', phone: 'HD0001', actor: 'admin' }, 'not-locked');
  refusedWith(t, data, { kind: 'unlock', extension: '555', actor: 'admin' }, 'unknown-extension');
  refusedWith(t, data, { kind: 'unlock', phone: 'HD0099', actor: 'admin' }, 'unknown-phone');
  refusedWith(t, data, { kind: 'unlock', actor: 'admin' }, 'not-locked');
  // A removed extension's lock can still be released.
  const locked = failMany(data, 5, failed('100'));
  const removed = apply(locked.data, { kind: 'remove-extension', number: '100' });
  t.same(apply(removed.data, { kind: 'unlock', extension: '100', actor: 'admin' }).data.security.extensions, {});
});

t.test('odd keys from outside are kept as data, never as prototype members', async (t) => {
  const { data } = apply(base(), failed('100', '__proto__'));
  t.ok(Object.hasOwn(data.security.phones, '__proto__'));
  t.equal(Object.getPrototypeOf(data.security.phones), Object.prototype);
  t.same(apply(base(), { kind: 'pin-ok', extension: 'constructor', phone: 'toString' }).data.security, { extensions: {}, phones: {} });
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
