/**
 * The PIN-lockout changes: a wrong PIN, a right PIN and an admin's unlock,
 * applied to `security` (core/pin-locks.ts holds the rules: locks of the
 * phone, of the (phone, extension) pair, and a short one of the extension
 * after wrong PINs from several phones). The audit trail records every wrong
 * PIN and every unlock, never a PIN.
 */
import type { AuditEntry } from '../core/model.js';
import { PAIR_LOCKOUT, PHONE_LOCKOUT, isEmptyRecord, lockedUntil, type LockRecord } from '../core/pin-lockout.js';
import { EXTENSION_LOCKOUT, recordRightPin, recordWrongPin, type WrongPin } from '../core/pin-locks.js';
import { fail, ok, refuse, type Outcome } from '../core/reasons.js';
import type { Applied, Change, ChangeContext, ChangeResult } from './change.js';
import { findPhone, lockRecordOf, pairRecordsOf, phoneLockKey, pinLocksOf } from './queries.js';
import type { StoreData } from './schema.js';

export type PinChange = Extract<Change, { kind: 'pin-failed' | 'pin-ok' | 'unlock' }>;

type Security = StoreData['security'];

function without<R>(records: Record<string, R>, key: string): Record<string, R> {
  if (!Object.hasOwn(records, key)) return records;
  const { [key]: _removed, ...rest } = records;
  return rest;
}

const withRecord = <R>(records: Record<string, R>, key: string, record: R): Record<string, R> => ({
  ...records,
  [key]: record,
});

/** `security` with the pair (phone, extension) set to `record`, or removed when `undefined`. */
function withPair(security: Security, extension: string, phone: string, record: LockRecord | undefined): Security {
  const pairs = security.pairs ?? {};
  const before = pairRecordsOf({ security } as StoreData, extension);
  const after = record ? withRecord(before, phone, record) : without(before, phone);
  if (after === before) return security;
  return {
    ...security,
    pairs: Object.keys(after).length > 0 ? withRecord(pairs, extension, after) : without(pairs, extension),
  };
}

function pinCheck(
  extension: string | undefined,
  phone: string | undefined,
  pair: string | undefined,
): Extract<ChangeResult, { kind: 'pin-check' }> {
  return {
    kind: 'pin-check',
    locked: extension !== undefined,
    ...(extension !== undefined ? { until: extension } : {}),
    phoneLocked: phone !== undefined,
    ...(phone !== undefined ? { phoneUntil: phone } : {}),
    pairLocked: pair !== undefined,
    ...(pair !== undefined ? { pairUntil: pair } : {}),
  };
}

/** What the audit trail says about one wrong PIN (counts and locks, never the PIN). */
function describeFailure(wrong: WrongPin): string {
  const parts: string[] = [];
  const { pair, extension, phone } = wrong;
  if (pair.lockMinutes !== undefined) {
    parts.push(
      `wrong PIN (${PAIR_LOCKOUT.threshold} of ${PAIR_LOCKOUT.threshold} on this phone), locked on this phone for ${pair.lockMinutes} min`,
    );
  } else if (pair.locked) parts.push('wrong PIN while locked on this phone');
  else parts.push(`wrong PIN (${pair.record.failures} of ${PAIR_LOCKOUT.threshold} on this phone)`);
  if (!extension) parts.push('for an unknown extension');
  else if (extension.lockMinutes !== undefined) {
    parts.push(
      `extension locked for ${extension.lockMinutes} min after wrong PINs from ${EXTENSION_LOCKOUT.phones} phones`,
    );
  } else if (extension.locked) parts.push('while the extension is locked');
  else if (extension.phones > 1)
    parts.push(`wrong PINs from ${extension.phones} of ${EXTENSION_LOCKOUT.phones} phones`);
  if (phone.lockMinutes !== undefined) {
    parts.push(`phone locked for ${phone.lockMinutes} min after ${PHONE_LOCKOUT.threshold} wrong PINs in a row`);
  }
  return parts.join(', ');
}

function pinFailed(
  data: StoreData,
  change: Extract<PinChange, { kind: 'pin-failed' }>,
  context: ChangeContext,
): Applied {
  const { security } = data;
  const known = data.extensions.some((ext) => ext.number === change.extension);
  const phone = phoneLockKey(data, change.phone);
  // An unknown extension has no record of its own, but the phone's guessing (and its pair) still counts.
  const wrong = recordWrongPin(pinLocksOf(data, change.extension, change.phone), phone, known, context.now);
  const next = withPair(
    {
      ...security,
      extensions: wrong.extension
        ? withRecord(security.extensions, change.extension, wrong.extension.record)
        : security.extensions,
      phones: withRecord(security.phones, phone, wrong.phone.record),
    },
    change.extension,
    phone,
    wrong.pair.record,
  );
  const entry: AuditEntry = {
    at: context.now,
    kind: 'login-failed',
    actor: 'user',
    extension: change.extension,
    phone,
    detail: describeFailure(wrong),
  };
  return {
    data: { ...data, security: next, audit: [...data.audit, entry] },
    result: pinCheck(wrong.extension?.until, wrong.phone.until, wrong.pair.until),
  };
}

function pinOk(data: StoreData, change: Extract<PinChange, { kind: 'pin-ok' }>, context: ChangeContext): Applied {
  const { security } = data;
  const phone = phoneLockKey(data, change.phone);
  const phoneAfter = recordRightPin(pinLocksOf(data, change.extension, change.phone)).phone;
  const phones = !phoneAfter
    ? security.phones
    : isEmptyRecord(phoneAfter, context.now)
      ? without(security.phones, phone)
      : withRecord(security.phones, phone, phoneAfter);
  const extensions = without(security.extensions, change.extension);
  const next = withPair({ ...security, extensions, phones }, change.extension, phone, undefined);
  const result = pinCheck(undefined, lockedUntil(phoneAfter, context.now), undefined);
  if (extensions === security.extensions && phones === security.phones && next.pairs === security.pairs)
    return { data, result };
  return { data: { ...data, security: next }, result };
}

/** The key an unlock of `phone` means in `records`: a pool phone's name, else a stored key matching in any case. */
function unlockPhoneKey(data: StoreData, phone: string, records: Record<string, LockRecord>): string {
  const key = phoneLockKey(data, phone);
  if (findPhone(data, phone) || lockRecordOf(records, key)) return key;
  return Object.keys(records).find((stored) => stored.toLowerCase() === key.toLowerCase()) ?? key;
}

/** What an unlock released, for the audit trail and the admin. */
function describeRelease(record: LockRecord, now: string): { detail: string; locked: boolean } {
  const until = lockedUntil(record, now);
  if (until) return { detail: `was locked until ${until} (lock ${record.level})`, locked: true };
  if (record.failures > 0) return { detail: `${record.failures} wrong PIN(s) forgotten`, locked: false };
  return { detail: `history of ${record.level} lock(s) forgotten`, locked: false };
}

/**
 * An admin's release of exactly one lock record: the extension's (`extension`
 * alone), the phone's (`phone` alone) or the pair's (both given).
 */
function applyUnlock(
  data: StoreData,
  change: Extract<PinChange, { kind: 'unlock' }>,
  context: ChangeContext,
): Outcome<Applied> {
  const { security } = data;
  const extension = change.extension?.trim();
  // With an extension too, the phone is looked for among that extension's pairs.
  const phoneRecords = extension !== undefined ? pairRecordsOf(data, extension) : security.phones;
  const phone = change.phone !== undefined ? unlockPhoneKey(data, change.phone, phoneRecords) : undefined;
  if (extension !== undefined && !data.extensions.some((ext) => ext.number === extension)) {
    // A removed or unknown extension may still have records to release.
    const kept = phone !== undefined ? lockRecordOf(phoneRecords, phone) : lockRecordOf(security.extensions, extension);
    if (!kept) return fail(refuse('unknown-extension', { extension }));
  }
  if (change.phone !== undefined && !lockRecordOf(phoneRecords, phone!) && !findPhone(data, change.phone)) {
    return fail(refuse('unknown-phone', { value: change.phone }));
  }
  if (extension === undefined && phone === undefined) return fail(refuse('not-locked', { target: '' }));
  const target =
    extension !== undefined && phone !== undefined
      ? {
          label: `phone ${phone} for extension ${extension}`,
          fields: { extension, phone },
          record: lockRecordOf(pairRecordsOf(data, extension), phone),
        }
      : extension !== undefined
        ? {
            label: `extension ${extension}`,
            fields: { extension },
            record: lockRecordOf(security.extensions, extension),
          }
        : { label: `phone ${phone!}`, fields: { phone: phone! }, record: lockRecordOf(security.phones, phone!) };
  if (!target.record || isEmptyRecord(target.record, context.now))
    return fail(refuse('not-locked', { target: target.label }));
  const next =
    extension !== undefined && phone !== undefined
      ? withPair(security, extension, phone, undefined)
      : extension !== undefined
        ? { ...security, extensions: without(security.extensions, extension) }
        : { ...security, phones: without(security.phones, phone!) };
  const { detail, locked } = describeRelease(target.record, context.now);
  const entry: AuditEntry = { at: context.now, kind: 'unlocked', actor: change.actor, ...target.fields, detail };
  return ok({
    data: { ...data, security: next, audit: [...data.audit, entry] },
    result: {
      kind: 'done',
      message: locked ? `${target.label} unlocked` : `${target.label} was not locked; ${detail}`,
      warnings: [],
    },
  });
}

export function applyPinChange(data: StoreData, change: PinChange, context: ChangeContext): Outcome<Applied> {
  switch (change.kind) {
    case 'pin-failed':
      return ok(pinFailed(data, change, context));
    case 'pin-ok':
      return ok(pinOk(data, change, context));
    case 'unlock':
      return applyUnlock(data, change, context);
  }
}
