/**
 * Whether one more PIN may be checked now, counting the tries still being
 * checked (their hash running). The daemon asks this and reserves the try in
 * the same turn, before the slow hash, so parallel calls cannot run more tries
 * than the lockout allows (core/pin-locks.ts decides; this reads the store's
 * records), and a right PIN is never checked while a lock that applies holds.
 */
import type { Instant } from '../core/pin-lockout.js';
import { checkPinTry as decidePinTry, type PendingTries, type PinTryVerdict } from '../core/pin-locks.js';
import { phoneLockKey, pinLocksOf } from './queries.js';
import type { StoreData } from './schema.js';

export type { PendingTries, PinTryVerdict };

export function checkPinTry(
  data: StoreData,
  extension: string,
  phone: string,
  pending: PendingTries,
  now: Instant,
): PinTryVerdict {
  return decidePinTry(pinLocksOf(data, extension, phone), phoneLockKey(data, phone), pending, now);
}
