/**
 * Whether one more PIN may be checked now, counting the tries still being
 * checked (their hash running). The daemon asks this and reserves the try in
 * the same turn, before the slow hash, so parallel calls cannot run more tries
 * than the lockout allows: with `failures` wrong PINs on record and `pending`
 * tries in flight, a try is taken only while `failures + pending` is below the
 * threshold that locks, and never while a lock holds (a right PIN included).
 */
import { EXTENSION_LOCKOUT, PHONE_LOCKOUT, type Instant } from '../core/pin-lockout.js';
import { lockRecordOf, loginBlock, phoneLockKey } from './queries.js';
import type { StoreData } from './schema.js';

/** Tries in flight (reserved, not yet settled) on the extension's record and on the phone's. */
export interface PendingPinTries {
  extension: number;
  phone: number;
}

/**
 * - `allowed`: check the PIN (and count it when settled);
 * - `locked`: a lock holds;
 * - `in-flight`: so many tries are already being checked that this one could pass the lock's threshold.
 */
export type PinTryVerdict = 'allowed' | 'locked' | 'in-flight';

export function checkPinTry(data: StoreData, extension: string, phone: string, pending: PendingPinTries, now: Instant): PinTryVerdict {
  if (loginBlock(data, extension, phone, now)) return 'locked';
  const onExtension = lockRecordOf(data.security.extensions, extension)?.failures ?? 0;
  if (onExtension + pending.extension >= EXTENSION_LOCKOUT.threshold) return 'in-flight';
  const onPhone = lockRecordOf(data.security.phones, phoneLockKey(data, phone))?.failures ?? 0;
  if (onPhone + pending.phone >= PHONE_LOCKOUT.threshold) return 'in-flight';
  return 'allowed';
}
