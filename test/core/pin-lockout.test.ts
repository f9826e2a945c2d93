import t from 'tap';
import {
  EMPTY_LOCK_RECORD,
  PAIR_LOCKOUT,
  LOCK_MINUTES,
  PHONE_LOCKOUT,
  isEmptyRecord,
  isLocked,
  lockedUntil,
  lockMinutesFor,
  recordPhonePinSuccess,
  recordPinFailure,
  unlock,
  type LockRecord,
  type LockoutRule,
} from '../../src/core/pin-lockout.js';

const T0 = Date.parse('2026-11-22T09:00:00.000Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** `count` wrong PINs at `at` (ms), one after the other. */
function fail(record: LockRecord | undefined, count: number, at: number, rule?: LockoutRule) {
  let current = record;
  let last = recordPinFailure(current, at, rule);
  current = last.record;
  for (let i = 1; i < count; i++) {
    last = recordPinFailure(current, at, rule);
    current = last.record;
  }
  return last;
}

t.test('the documented rules', async (t) => {
  t.same(LOCK_MINUTES, [1, 5, 15, 60]);
  t.equal(PAIR_LOCKOUT.threshold, 5);
  t.equal(PHONE_LOCKOUT.threshold, 10);
  t.ok(PHONE_LOCKOUT.threshold > PAIR_LOCKOUT.threshold, 'a phone tolerates more than one extension');
});

t.test('four wrong PINs count, the fifth locks for a minute', async (t) => {
  const counted: [number, LockRecord][] = [];
  let record: LockRecord | undefined;
  for (let i = 1; i <= 4; i++) {
    const result = recordPinFailure(record, T0 + i * 1000);
    t.equal(result.locked, false, `failure ${i} does not lock`);
    t.equal(result.until, undefined);
    record = result.record;
    counted.push([i, record]);
  }
  t.same(
    counted.map(([, r]) => r.failures),
    [1, 2, 3, 4],
  );
  const fifth = recordPinFailure(record, T0 + 5000);
  t.same(fifth, {
    record: { failures: 0, level: 1, lockedUntil: iso(T0 + 5000 + MIN) },
    locked: true,
    until: iso(T0 + 5000 + MIN),
    lockMinutes: 1,
  });
});

t.test('time as ISO strings works the same', async (t) => {
  const result = fail(undefined, 5, T0);
  const again = (() => {
    let record: LockRecord | undefined;
    let last;
    for (let i = 0; i < 5; i++) {
      last = recordPinFailure(record, iso(T0));
      record = last.record;
    }
    return last;
  })();
  t.same(again, result);
  t.ok(isLocked(result.record, iso(T0 + MIN - 1)));
  t.notOk(isLocked(result.record, iso(T0 + MIN)));
});

t.test('locks grow 1, 5, 15, 60 minutes and stay at 60', async (t) => {
  const table: [number, number][] = [
    [1, 1],
    [2, 5],
    [3, 15],
    [4, 60],
    [5, 60],
    [6, 60],
  ];
  let record: LockRecord | undefined;
  let at = T0;
  for (const [level, minutes] of table) {
    const result = fail(record, 5, at);
    t.equal(result.lockMinutes, minutes, `lock ${level} lasts ${minutes} min`);
    t.equal(result.record.level, level);
    t.equal(result.until, iso(at + minutes * MIN));
    record = result.record;
    at += minutes * MIN; // the lock has just run out
    t.notOk(isLocked(record, at), `lock ${level} is over after ${minutes} min`);
  }
  t.equal(lockMinutesFor(PAIR_LOCKOUT, 0), 1);
  t.equal(lockMinutesFor(PAIR_LOCKOUT, 99), 60);
});

t.test('while locked, more wrong PINs change nothing', async (t) => {
  const locked = fail(undefined, 5, T0).record;
  const during = recordPinFailure(locked, T0 + 30_000);
  t.same(during, { record: locked, locked: true, until: iso(T0 + MIN) });
  t.equal(during.lockMinutes, undefined, 'no new lock started');
});

t.test('after a lock runs out, counting starts again from zero', async (t) => {
  const locked = fail(undefined, 5, T0).record;
  const after = recordPinFailure(locked, T0 + MIN);
  t.same(after, { record: { failures: 1, level: 1, lockedUntil: null }, locked: false });
  const second = fail(after.record, 4, T0 + 2 * MIN);
  t.equal(second.lockMinutes, 5, 'the second lock is longer');
});

t.test('lockedUntil and isLocked', async (t) => {
  const record: LockRecord = { failures: 0, level: 1, lockedUntil: iso(T0 + MIN) };
  const cases: [LockRecord | undefined, number, string | undefined][] = [
    [undefined, T0, undefined],
    [EMPTY_LOCK_RECORD, T0, undefined],
    [record, T0, iso(T0 + MIN)],
    [record, T0 + MIN - 1, iso(T0 + MIN)],
    [record, T0 + MIN, undefined],
    [record, T0 + 2 * MIN, undefined],
  ];
  for (const [input, now, expected] of cases) {
    t.equal(lockedUntil(input, now), expected, `${JSON.stringify(input)} at +${now - T0} ms`);
    t.equal(isLocked(input, now), expected !== undefined);
  }
});

t.test('unlock forgets everything', async (t) => {
  const locked = fail(fail(undefined, 5, T0).record, 5, T0 + MIN).record;
  t.equal(locked.level, 2);
  t.same(unlock(locked), EMPTY_LOCK_RECORD);
  t.notOk(isLocked(unlock(locked), T0 + MIN + 1));
  const counting = fail(undefined, 3, T0).record;
  t.same(unlock(counting), EMPTY_LOCK_RECORD);
  const fresh = fail(unlock(locked), 5, T0 + 10 * MIN);
  t.equal(fresh.lockMinutes, 1, 'after an unlock the next lock is short again');
});

t.test('a right PIN on a phone ends its run but keeps its level and lock', async (t) => {
  const counting = fail(undefined, 7, T0, PHONE_LOCKOUT).record;
  t.same(recordPhonePinSuccess(counting), { failures: 0, level: 0, lockedUntil: null });
  const locked = fail(undefined, 10, T0, PHONE_LOCKOUT).record;
  t.same(recordPhonePinSuccess(locked), locked);
  t.same(recordPhonePinSuccess(undefined), EMPTY_LOCK_RECORD);
});

t.test('a phone locks after 10 wrong PINs with the same growth', async (t) => {
  const nine = fail(undefined, 9, T0, PHONE_LOCKOUT);
  t.equal(nine.locked, false);
  t.equal(nine.record.failures, 9);
  const tenth = recordPinFailure(nine.record, T0, PHONE_LOCKOUT);
  t.same([tenth.locked, tenth.lockMinutes, tenth.record.level], [true, 1, 1]);
  const second = fail(tenth.record, 10, T0 + MIN, PHONE_LOCKOUT);
  t.equal(second.lockMinutes, 5);
});

t.test('a rule of its own', async (t) => {
  const rule: LockoutRule = { threshold: 2, lockMinutes: [10] };
  const result = fail(undefined, 2, T0, rule);
  t.same([result.locked, result.lockMinutes], [true, 10]);
  t.equal(fail(result.record, 2, T0 + 10 * MIN, rule).lockMinutes, 10, 'the only entry repeats');
});

t.test('isEmptyRecord', async (t) => {
  t.ok(isEmptyRecord(EMPTY_LOCK_RECORD, T0));
  t.notOk(isEmptyRecord({ failures: 1, level: 0, lockedUntil: null }, T0));
  t.notOk(isEmptyRecord({ failures: 0, level: 1, lockedUntil: null }, T0));
  t.notOk(isEmptyRecord({ failures: 0, level: 1, lockedUntil: iso(T0 + MIN) }, T0));
});

t.test('records are never mutated', async (t) => {
  const record: LockRecord = Object.freeze({ failures: 4, level: 1, lockedUntil: null });
  t.doesNotThrow(() => recordPinFailure(record, T0));
  t.same(record, { failures: 4, level: 1, lockedUntil: null });
});
