/**
 * Which locks a PIN try meets, and what a wrong or right PIN does to them:
 * a stranger cannot lock a user out. A wrong PIN typed on a phone for an
 * extension counts on three records:
 *
 * - the **pair** (that phone, that extension): 5 wrong PINs in a row lock
 *   the pair (PAIR_LOCKOUT: 1, 5, 15, 60 minutes);
 * - the **phone**, for every extension: 10 wrong PINs in a row lock the
 *   phone (PHONE_LOCKOUT, the same growth): someone trying many extensions;
 * - the **extension**, for every phone: wrong PINs from 3 different phones
 *   within 15 minutes lock the extension, briefly (EXTENSION_LOCKOUT: 1, 2,
 *   then 5 minutes): guessing spread over phones.
 *
 * So one phone, however many wrong PINs it types, locks only itself and its
 * pairs; the user on another phone that made no wrong tries logs in unless
 * an extension-wide lock holds. A try is refused while any of the three
 * locks that apply holds, a right PIN included.
 *
 *     extension record:  counting{phones…} ──wrong PIN from a phone──▶ counting{phones… + phone}
 *                        counting{2 phones} ──wrong PIN from a 3rd──▶ locked(level+1), counting{}
 *                        locked ──wrong PIN──▶ locked (unchanged)
 *                        any ──right PIN, or an admin's unlock──▶ empty
 *
 * Pure: `now` is passed in; the store keeps the records (store/pin-changes.ts).
 */
import {
  EMPTY_LOCK_RECORD,
  PAIR_LOCKOUT,
  PHONE_LOCKOUT,
  lockedUntil,
  recordPhonePinSuccess,
  recordPinFailure,
  type Instant,
  type LockRecord,
  type PinFailure,
} from './pin-lockout.js';

/** An extension's record: a `LockRecord` and the phones that typed wrong PINs for it lately. */
export interface ExtensionLockRecord extends LockRecord {
  /** Phone → time of its last wrong PIN for this extension (ISO-8601), since the last lock, right PIN or unlock. */
  failedFrom?: Record<string, string>;
}

export interface ExtensionLockoutRule {
  /** Different phones with wrong PINs within the window that lock the extension. */
  phones: number;
  windowMinutes: number;
  /** Length of the first, second, … lock in minutes; the last one repeats. */
  lockMinutes: readonly number[];
}

/** Wrong PINs from 3 phones within 15 minutes lock an extension for 1, then 2, then 5 minutes. */
export const EXTENSION_LOCKOUT: ExtensionLockoutRule = { phones: 3, windowMinutes: 15, lockMinutes: [1, 2, 5] };

/** The records one PIN try meets; `undefined` where nothing is on record. */
export interface PinLocks {
  extension?: ExtensionLockRecord;
  phone?: LockRecord;
  pair?: LockRecord;
}

/** What a lock applies to: every phone (extension), every extension (phone), or one extension on one phone (pair). */
export type LockScope = 'extension' | 'phone' | 'pair';

export interface HeldLock {
  scope: LockScope;
  until: string;
  level: number;
}

const toMs = (instant: Instant): number => (typeof instant === 'number' ? instant : Date.parse(instant));

/** The first lock holding at `now`: the extension's, the phone's, then the pair's. */
export function heldLock(locks: PinLocks, now: Instant): HeldLock | undefined {
  for (const scope of ['extension', 'phone', 'pair'] as const) {
    const record = locks[scope];
    const until = lockedUntil(record, now);
    if (record && until) return { scope, until, level: record.level };
  }
  return undefined;
}

/** The phones with a wrong PIN for the extension inside the rule's window before `now`. */
export function recentPhones(
  record: ExtensionLockRecord | undefined,
  now: Instant,
  rule: ExtensionLockoutRule = EXTENSION_LOCKOUT,
): string[] {
  const start = toMs(now) - rule.windowMinutes * 60_000;
  return Object.entries(record?.failedFrom ?? {})
    .filter(([, at]) => Date.parse(at) > start)
    .map(([phone]) => phone)
    .sort();
}

/** Tries reserved and not yet settled (their hash still running). */
export interface PendingTries {
  /** On this phone, for any extension. */
  phone: number;
  /** On this phone for this extension. */
  pair: number;
  /** The phones with tries in flight for this extension (this one included when it has some). */
  extensionPhones: readonly string[];
}

/**
 * - `allowed`: check the PIN (and count it when settled);
 * - `locked`: a lock that applies holds;
 * - `in-flight`: so many tries are already being checked that this one could pass a lock's threshold.
 */
export type PinTryVerdict = 'allowed' | 'locked' | 'in-flight';

/**
 * Whether one more PIN may be checked now on `phone`, counting the tries in
 * flight: a try is taken only while the wrong PINs on record plus those
 * in flight stay below every threshold, so parallel calls cannot run more
 * tries than the locks allow. For the extension, a try from a phone not yet
 * counted waits while the phones on record and in flight could lock it.
 */
export function checkPinTry(
  locks: PinLocks,
  phone: string,
  pending: PendingTries,
  now: Instant,
  rule: ExtensionLockoutRule = EXTENSION_LOCKOUT,
): PinTryVerdict {
  if (heldLock(locks, now)) return 'locked';
  if ((locks.pair?.failures ?? 0) + pending.pair >= PAIR_LOCKOUT.threshold) return 'in-flight';
  if ((locks.phone?.failures ?? 0) + pending.phone >= PHONE_LOCKOUT.threshold) return 'in-flight';
  const phones = new Set([...recentPhones(locks.extension, now, rule), ...pending.extensionPhones]);
  if (!phones.has(phone) && phones.size >= rule.phones) return 'in-flight';
  return 'allowed';
}

export interface ExtensionFailure {
  record: ExtensionLockRecord;
  locked: boolean;
  until?: string;
  /** Set when this failure started the lock: its length. */
  lockMinutes?: number;
  /** Different phones with wrong PINs in the window, this one included (before a lock resets them). */
  phones: number;
}

/** One wrong PIN from `phone` for the extension at `now`. */
export function recordExtensionFailure(
  record: ExtensionLockRecord | undefined,
  phone: string,
  now: Instant,
  rule: ExtensionLockoutRule = EXTENSION_LOCKOUT,
): ExtensionFailure {
  const current: ExtensionLockRecord = record ?? EMPTY_LOCK_RECORD;
  const running = lockedUntil(current, now);
  if (running)
    return { record: current, locked: true, until: running, phones: recentPhones(current, now, rule).length };
  const at = new Date(toMs(now)).toISOString();
  const failedFrom: Record<string, string> = {};
  for (const recent of recentPhones(current, now, rule)) failedFrom[recent] = current.failedFrom?.[recent] ?? at;
  failedFrom[phone] = at;
  const phones = Object.keys(failedFrom).length;
  const failures = current.failures + 1;
  if (phones < rule.phones)
    return { record: { failures, level: current.level, lockedUntil: null, failedFrom }, locked: false, phones };
  const minutes = rule.lockMinutes[Math.min(current.level, rule.lockMinutes.length - 1)] ?? 0;
  const until = new Date(toMs(now) + minutes * 60_000).toISOString();
  return {
    record: { failures: 0, level: current.level + 1, lockedUntil: until, failedFrom: {} },
    locked: true,
    until,
    lockMinutes: minutes,
    phones,
  };
}

export interface WrongPin {
  locks: PinLocks;
  /** `undefined` when the extension has no record kept (it does not exist). */
  extension?: ExtensionFailure;
  phone: PinFailure;
  pair: PinFailure;
}

/**
 * A wrong PIN typed on `phone`: counted on the pair and the phone, and on
 * the extension when `extensionKept` (an extension that does not exist has no
 * record of its own).
 */
export function recordWrongPin(locks: PinLocks, phone: string, extensionKept: boolean, now: Instant): WrongPin {
  const pair = recordPinFailure(locks.pair, now, PAIR_LOCKOUT);
  const onPhone = recordPinFailure(locks.phone, now, PHONE_LOCKOUT);
  const extension = extensionKept ? recordExtensionFailure(locks.extension, phone, now) : undefined;
  return {
    locks: { ...(extension ? { extension: extension.record } : {}), phone: onPhone.record, pair: pair.record },
    ...(extension ? { extension } : {}),
    phone: onPhone,
    pair,
  };
}

/**
 * A right PIN (checked while no lock held): the extension's and the pair's
 * records are forgotten; the phone's run of wrong PINs ends, its level and
 * any lock stay (one known PIN does not reopen a phone trying many extensions).
 */
export function recordRightPin(locks: PinLocks): PinLocks {
  return locks.phone ? { phone: recordPhonePinSuccess(locks.phone) } : {};
}
