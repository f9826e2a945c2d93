/**
 * Protection against PIN guessing at the login voice menu: the mechanics of
 * one `LockRecord`. Wrong PINs are counted per phone and per (phone,
 * extension) pair; enough of them in a row lock the phone (or the pair) for a
 * while, longer each time. Which records a wrong PIN touches, and the short
 * extension-wide lock that needs several phones, are in pin-locks.ts.
 *
 * One record, with `threshold` and `lockMinutes` from its `LockoutRule`:
 *
 *     counting(n) ──wrong PIN, n+1 < threshold──▶ counting(n+1)
 *     counting(n) ──wrong PIN, n+1 = threshold──▶ locked(level+1)   for lockMinutes[level]
 *                                                                   (the last entry repeats), counting at 0
 *     locked ──wrong PIN──▶ locked (unchanged: a locked record counts nothing more)
 *     locked ──until passes──▶ counting(0), level kept
 *     any ──right PIN, or an admin's unlock──▶ empty (level back to 0)
 *
 * A phone's record is only reset to counting(0) by a right PIN (its level and
 * any running lock stay), so one known PIN does not reopen a phone that was
 * trying many extensions.
 *
 * Times come in as milliseconds since the epoch or ISO-8601 strings; lock ends
 * are stored as ISO-8601 strings in UTC.
 */

export interface LockRecord {
  /** Wrong PINs in a row since the last right PIN, unlock or lock. */
  failures: number;
  /** How many times this record has locked since the last right PIN or unlock. */
  level: number;
  /** End of the current or last lock, or `null`. */
  lockedUntil: string | null;
}

export interface LockoutRule {
  /** Wrong PINs in a row that lock. */
  threshold: number;
  /** Length of the first, second, … lock in minutes; the last one repeats. */
  lockMinutes: readonly number[];
}

/** Lock lengths in minutes: 1, 5, 15, then 60 for every further lock. */
export const LOCK_MINUTES: readonly number[] = [1, 5, 15, 60];

/** A (phone, extension) pair locks after 5 wrong PINs in a row for that extension from that phone. */
export const PAIR_LOCKOUT: LockoutRule = { threshold: 5, lockMinutes: LOCK_MINUTES };

/** A phone locks after 10 wrong PINs in a row, for any extensions (someone trying many extensions). */
export const PHONE_LOCKOUT: LockoutRule = { threshold: 10, lockMinutes: LOCK_MINUTES };

export const EMPTY_LOCK_RECORD: LockRecord = { failures: 0, level: 0, lockedUntil: null };

/** Milliseconds since the epoch, or an ISO-8601 time. */
export type Instant = number | string;

const toMs = (instant: Instant): number => (typeof instant === 'number' ? instant : Date.parse(instant));

export interface PinFailure {
  record: LockRecord;
  /** Locked after this failure (newly or still). */
  locked: boolean;
  /** End of the lock, when locked. */
  until?: string;
  /** Set when this failure started the lock: its length. */
  lockMinutes?: number;
}

/** The lock's end while it runs at `now`, else `undefined`. */
export function lockedUntil(record: LockRecord | undefined, now: Instant): string | undefined {
  if (!record?.lockedUntil) return undefined;
  return Date.parse(record.lockedUntil) > toMs(now) ? record.lockedUntil : undefined;
}

export function isLocked(record: LockRecord | undefined, now: Instant): boolean {
  return lockedUntil(record, now) !== undefined;
}

/** Minutes of the lock a record at `level` locks would get next (level 0 → the first entry). */
export function lockMinutesFor(rule: LockoutRule, level: number): number {
  const minutes = rule.lockMinutes;
  return minutes[Math.min(level, minutes.length - 1)] ?? 0;
}

/** Counts one wrong PIN at `now`; locks when it is the `threshold`-th in a row. */
export function recordPinFailure(
  record: LockRecord | undefined,
  now: Instant,
  rule: LockoutRule = PAIR_LOCKOUT,
): PinFailure {
  const current = record ?? EMPTY_LOCK_RECORD;
  const running = lockedUntil(current, now);
  if (running) return { record: current, locked: true, until: running };
  const failures = current.failures + 1;
  if (failures < rule.threshold) {
    return { record: { failures, level: current.level, lockedUntil: null }, locked: false };
  }
  const minutes = lockMinutesFor(rule, current.level);
  const until = new Date(toMs(now) + minutes * 60_000).toISOString();
  return {
    record: { failures: 0, level: current.level + 1, lockedUntil: until },
    locked: true,
    until,
    lockMinutes: minutes,
  };
}

/** A right PIN entered on a phone: its run of wrong PINs ends; its level and any running lock stay. */
export function recordPhonePinSuccess(record: LockRecord | undefined): LockRecord {
  return { ...(record ?? EMPTY_LOCK_RECORD), failures: 0 };
}

/** An admin's release: the lock ends now and the level starts again at 0. */
export function unlock(_record?: LockRecord): LockRecord {
  return EMPTY_LOCK_RECORD;
}

/** True when the record holds nothing worth keeping at `now` (no failures, no level, no running lock). */
export function isEmptyRecord(record: LockRecord, now: Instant): boolean {
  return record.failures === 0 && record.level === 0 && !isLocked(record, now);
}
