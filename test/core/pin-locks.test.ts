import t from 'tap';
import {
  EXTENSION_LOCKOUT,
  checkPinTry,
  heldLock,
  recentPhones,
  recordExtensionFailure,
  recordRightPin,
  recordWrongPin,
  type ExtensionLockRecord,
  type HeldLock,
  type PendingTries,
  type PinLocks,
  type PinTryVerdict,
} from '../../src/core/pin-locks.js';
import { PAIR_LOCKOUT, PHONE_LOCKOUT, type LockRecord } from '../../src/core/pin-lockout.js';

const T0 = Date.parse('2026-11-22T09:00:00.000Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const record = (
  failures: number,
  lockedUntil: number | null = null,
  level = lockedUntil === null ? 0 : 1,
): LockRecord => ({
  failures,
  level,
  lockedUntil: lockedUntil === null ? null : iso(lockedUntil),
});
const none: PendingTries = { phone: 0, pair: 0, extensionPhones: [] };

/** `count` wrong PINs from `phone`, one after the other at `at`. */
function wrong(locks: PinLocks, phone: string, count: number, at: number, kept = true) {
  let current = locks;
  let last = recordWrongPin(current, phone, kept, at);
  for (let i = 1; i < count; i++) {
    current = last.locks;
    last = recordWrongPin(current, phone, kept, at);
  }
  return last;
}

t.test('the documented rules', async (t) => {
  t.same(EXTENSION_LOCKOUT, { phones: 3, windowMinutes: 15, lockMinutes: [1, 2, 5] });
  t.equal(PAIR_LOCKOUT.threshold, 5);
  t.equal(PHONE_LOCKOUT.threshold, 10);
  t.ok(Math.max(...EXTENSION_LOCKOUT.lockMinutes) <= 5, 'the extension-wide lock is short');
});

t.test('heldLock: which lock holds, named by scope', async (t) => {
  const cases: [string, PinLocks, number, HeldLock | undefined][] = [
    ['nothing', {}, T0, undefined],
    ['counting only', { extension: record(4), phone: record(9), pair: record(4) }, T0, undefined],
    ['a pair lock', { pair: record(0, T0 + MIN) }, T0, { scope: 'pair', until: iso(T0 + MIN), level: 1 }],
    ['a phone lock', { phone: record(0, T0 + 5 * MIN, 2) }, T0, { scope: 'phone', until: iso(T0 + 5 * MIN), level: 2 }],
    [
      'an extension lock',
      { extension: record(0, T0 + MIN) },
      T0,
      { scope: 'extension', until: iso(T0 + MIN), level: 1 },
    ],
    [
      'all three: the extension first',
      { extension: record(0, T0 + MIN), phone: record(0, T0 + MIN), pair: record(0, T0 + MIN) },
      T0,
      { scope: 'extension', until: iso(T0 + MIN), level: 1 },
    ],
    [
      'phone before pair',
      { phone: record(0, T0 + MIN), pair: record(0, T0 + MIN) },
      T0,
      { scope: 'phone', until: iso(T0 + MIN), level: 1 },
    ],
    ['a lock that ended', { pair: record(0, T0 + MIN) }, T0 + MIN, undefined],
  ];
  for (const [name, locks, now, expected] of cases) t.same(heldLock(locks, now), expected, name);
});

t.test('checkPinTry: locks and tries in flight', async (t) => {
  const recent = (phones: string[], at = T0): ExtensionLockRecord => ({
    ...record(phones.length),
    failedFrom: Object.fromEntries(phones.map((phone) => [phone, iso(at)])),
  });
  const cases: [string, PinLocks, PendingTries, PinTryVerdict][] = [
    ['nothing', {}, none, 'allowed'],
    ['pair locked', { pair: record(0, T0 + MIN) }, none, 'locked'],
    ['phone locked', { phone: record(0, T0 + MIN) }, none, 'locked'],
    ['extension locked', { extension: record(0, T0 + MIN) }, none, 'locked'],
    ['pair: 4 on record', { pair: record(4) }, none, 'allowed'],
    ['pair: 4 on record + 1 in flight', { pair: record(4) }, { ...none, pair: 1 }, 'in-flight'],
    ['phone: 9 on record', { phone: record(9) }, none, 'allowed'],
    ['phone: 9 on record + 1 in flight', { phone: record(9) }, { ...none, phone: 1 }, 'in-flight'],
    [
      'two other phones failed: this third may try (and may lock)',
      { extension: recent(['HD0002', 'HD0003']) },
      none,
      'allowed',
    ],
    [
      'three other phones failed or in flight: this fourth waits',
      { extension: recent(['HD0002', 'HD0003']) },
      { ...none, extensionPhones: ['HD0004'] },
      'in-flight',
    ],
    ['three in flight, none on record', {}, { ...none, extensionPhones: ['HD0002', 'HD0003', 'HD0004'] }, 'in-flight'],
    [
      'this phone already counted: its try adds no phone',
      { extension: recent(['HD0001', 'HD0002']) },
      { ...none, extensionPhones: ['HD0003'] },
      'allowed',
    ],
    [
      'failures older than the window do not count',
      { extension: recent(['HD0002', 'HD0003'], T0 - 15 * MIN) },
      { ...none, extensionPhones: ['HD0004'] },
      'allowed',
    ],
  ];
  for (const [name, locks, pending, expected] of cases)
    t.equal(checkPinTry(locks, 'HD0001', pending, T0), expected, name);
});

t.test('one phone, however many wrong PINs, locks only itself and its pair', async (t) => {
  const five = wrong({}, 'HD0002', 5, T0);
  t.same(five.pair.record, record(0, T0 + MIN), 'the fifth wrong PIN locks the pair for a minute');
  t.equal(five.pair.lockMinutes, 1);
  t.same(five.phone.record, record(5), 'the phone counts five');
  t.equal(five.extension?.locked, false, 'the extension is not locked');
  t.same(five.extension?.record.failedFrom, { HD0002: iso(T0) });
  t.same(heldLock(five.locks, T0), { scope: 'pair', until: iso(T0 + MIN), level: 1 });
  // The user on another phone meets only the extension's record.
  t.equal(
    checkPinTry({ extension: five.locks.extension! }, 'HD0001', none, T0),
    'allowed',
    'another phone may try at once',
  );
  // After the pair lock, five more: the pair locks for 5 minutes, the phone (10 in a row) for a minute.
  const ten = wrong(five.locks, 'HD0002', 5, T0 + MIN);
  t.equal(ten.pair.lockMinutes, 5);
  t.equal(ten.phone.lockMinutes, 1);
  t.equal(ten.extension?.locked, false, 'still no extension lock');
  t.same(
    heldLock({ phone: ten.locks.phone! }, T0 + MIN),
    { scope: 'phone', until: iso(T0 + 2 * MIN), level: 1 },
    'the phone lock holds for every extension',
  );
});

t.test(
  'wrong PINs from three phones within the window lock the extension, briefly and growing to 5 minutes',
  async (t) => {
    let extension: ExtensionLockRecord | undefined;
    const steps: [string, number, boolean, number | undefined][] = [
      ['HD0001', T0, false, undefined],
      ['HD0001', T0 + 1000, false, undefined],
      ['HD0002', T0 + 2000, false, undefined],
      ['HD0003', T0 + 3000, true, 1],
    ];
    for (const [phone, at, locked, minutes] of steps) {
      const result = recordExtensionFailure(extension, phone, at);
      t.equal(result.locked, locked, `${phone} at +${at - T0} ms`);
      t.equal(result.lockMinutes, minutes);
      extension = result.record;
    }
    t.same(
      extension,
      { failures: 0, level: 1, lockedUntil: iso(T0 + 3000 + MIN), failedFrom: {} },
      'locked; the phones are counted afresh',
    );
    const during = recordExtensionFailure(extension, 'HD0004', T0 + 4000);
    t.same([during.locked, during.record], [true, extension], 'a wrong PIN during the lock changes nothing');
    let at = T0 + 3000 + MIN;
    for (const expected of [2, 5, 5]) {
      for (const phone of ['HD0001', 'HD0002']) extension = recordExtensionFailure(extension, phone, at).record;
      const third = recordExtensionFailure(extension, 'HD0003', at);
      t.equal(third.lockMinutes, expected, `then ${expected} min`);
      extension = third.record;
      at += expected * MIN;
    }
  },
);

t.test('the window: phones whose last wrong PIN is older than 15 minutes are forgotten', async (t) => {
  let extension = recordExtensionFailure(undefined, 'HD0001', T0).record;
  extension = recordExtensionFailure(extension, 'HD0002', T0 + 10 * MIN).record;
  t.same(recentPhones(extension, T0 + 15 * MIN), ['HD0002'], 'HD0001 aged out');
  const third = recordExtensionFailure(extension, 'HD0003', T0 + 15 * MIN);
  t.equal(third.locked, false, 'two recent phones only');
  t.same(Object.keys(third.record.failedFrom ?? {}).sort(), ['HD0002', 'HD0003'], 'the old entry is pruned');
  t.equal(third.phones, 2);
});

t.test('an extension that does not exist keeps no record; the phone and pair count alike', async (t) => {
  const result = wrong({}, 'HD0002', 5, T0, false);
  t.equal(result.extension, undefined);
  t.equal(result.locks.extension, undefined);
  t.equal(result.pair.lockMinutes, 1, 'the pair locks as for an extension that exists');
});

t.test('a right PIN forgets the extension and the pair; the phone keeps its level and lock', async (t) => {
  const cases: [string, PinLocks, PinLocks][] = [
    ['nothing', {}, {}],
    ['counting everywhere', { extension: record(2), phone: record(3), pair: record(3) }, { phone: record(0) }],
    ['a locked phone stays locked', { phone: record(0, T0 + MIN) }, { phone: record(0, T0 + MIN) }],
  ];
  for (const [name, locks, expected] of cases) t.same(recordRightPin(locks), expected, name);
});
