/**
 * The PIN-lockout changes: a wrong PIN, a right PIN and an admin's unlock,
 * applied to `security` (core/pin-lockout.ts holds the rules). The audit
 * trail records every wrong PIN and every unlock, never a PIN.
 */
import type { AuditEntry } from '../core/model.js';
import {
  EXTENSION_LOCKOUT,
  PHONE_LOCKOUT,
  isEmptyRecord,
  lockedUntil,
  recordPhonePinSuccess,
  recordPinFailure,
  type LockRecord,
  type PinFailure,
} from '../core/pin-lockout.js';
import { fail, ok, refuse, type Outcome } from '../core/reasons.js';
import type { Applied, Change, ChangeContext, ChangeResult } from './changes.js';
import { findPhone, lockRecordOf, phoneLockKey } from './queries.js';
import type { StoreData } from './schema.js';

export type PinChange = Extract<Change, { kind: 'pin-failed' | 'pin-ok' | 'unlock' }>;

type LockRecords = StoreData['security']['extensions'];

function without(records: LockRecords, key: string): LockRecords {
  if (!Object.hasOwn(records, key)) return records;
  const { [key]: _removed, ...rest } = records;
  return rest;
}

const withRecord = (records: LockRecords, key: string, record: LockRecord): LockRecords => ({ ...records, [key]: record });

function pinCheck(extension: string | undefined, phone: string | undefined): Extract<ChangeResult, { kind: 'pin-check' }> {
  return {
    kind: 'pin-check',
    locked: extension !== undefined,
    ...(extension !== undefined ? { until: extension } : {}),
    phoneLocked: phone !== undefined,
    ...(phone !== undefined ? { phoneUntil: phone } : {}),
  };
}

/** What the audit trail says about one wrong PIN (counts and locks, never the PIN). */
function describeFailure(extension: PinFailure | undefined, phone: PinFailure): string {
  const parts: string[] = [];
  if (!extension) parts.push('PIN entered for an unknown extension');
  else if (extension.lockMinutes !== undefined) {
    parts.push(`wrong PIN (${EXTENSION_LOCKOUT.threshold} of ${EXTENSION_LOCKOUT.threshold}), extension locked for ${extension.lockMinutes} min`);
  } else if (extension.locked) parts.push('wrong PIN while the extension is locked');
  else parts.push(`wrong PIN (${extension.record.failures} of ${EXTENSION_LOCKOUT.threshold})`);
  if (phone.lockMinutes !== undefined) {
    parts.push(`phone locked for ${phone.lockMinutes} min after ${PHONE_LOCKOUT.threshold} wrong PINs in a row`);
  }
  return parts.join(', ');
}

function pinFailed(data: StoreData, change: Extract<PinChange, { kind: 'pin-failed' }>, context: ChangeContext): Applied {
  const { security } = data;
  const known = data.extensions.some((ext) => ext.number === change.extension);
  const phone = phoneLockKey(data, change.phone);
  // An unknown extension has no record of its own, but the phone's guessing still counts.
  const onExtension = known
    ? recordPinFailure(lockRecordOf(security.extensions, change.extension), context.now, EXTENSION_LOCKOUT)
    : undefined;
  const onPhone = recordPinFailure(lockRecordOf(security.phones, phone), context.now, PHONE_LOCKOUT);
  const next: StoreData['security'] = {
    extensions: onExtension ? withRecord(security.extensions, change.extension, onExtension.record) : security.extensions,
    phones: withRecord(security.phones, phone, onPhone.record),
  };
  const entry: AuditEntry = {
    at: context.now,
    kind: 'login-failed',
    actor: 'user',
    extension: change.extension,
    phone,
    detail: describeFailure(onExtension, onPhone),
  };
  return {
    data: { ...data, security: next, audit: [...data.audit, entry] },
    result: pinCheck(onExtension?.until, onPhone.until),
  };
}

function pinOk(data: StoreData, change: Extract<PinChange, { kind: 'pin-ok' }>, context: ChangeContext): Applied {
  const { security } = data;
  const phone = phoneLockKey(data, change.phone);
  const phoneRecord = lockRecordOf(security.phones, phone);
  const phoneAfter = phoneRecord ? recordPhonePinSuccess(phoneRecord) : undefined;
  const phones = !phoneAfter
    ? security.phones
    : isEmptyRecord(phoneAfter, context.now)
      ? without(security.phones, phone)
      : withRecord(security.phones, phone, phoneAfter);
  const extensions = without(security.extensions, change.extension);
  const result = pinCheck(undefined, lockedUntil(phoneAfter, context.now));
  if (extensions === security.extensions && phones === security.phones) return { data, result };
  return { data: { ...data, security: { extensions, phones } }, result };
}

/** The record key an unlock of `phone` means: a pool phone's name, else a stored key matching in any case. */
function unlockPhoneKey(data: StoreData, phone: string): string {
  const key = phoneLockKey(data, phone);
  if (findPhone(data, phone) || lockRecordOf(data.security.phones, key)) return key;
  return Object.keys(data.security.phones).find((stored) => stored.toLowerCase() === key.toLowerCase()) ?? key;
}

/** What an unlock released, for the audit trail and the admin. */
function describeRelease(record: LockRecord, now: string): { detail: string; locked: boolean } {
  const until = lockedUntil(record, now);
  if (until) return { detail: `was locked until ${until} (lock ${record.level})`, locked: true };
  if (record.failures > 0) return { detail: `${record.failures} wrong PIN(s) forgotten`, locked: false };
  return { detail: `history of ${record.level} lock(s) forgotten`, locked: false };
}

function applyUnlock(data: StoreData, change: Extract<PinChange, { kind: 'unlock' }>, context: ChangeContext): Outcome<Applied> {
  const { security } = data;
  const targets: { label: string; field: 'extension' | 'phone'; key: string; records: 'extensions' | 'phones' }[] = [];
  if (change.extension !== undefined) {
    const key = change.extension.trim();
    if (!lockRecordOf(security.extensions, key) && !data.extensions.some((ext) => ext.number === key)) {
      return fail(refuse('unknown-extension', { extension: key }));
    }
    targets.push({ label: `extension ${key}`, field: 'extension', key, records: 'extensions' });
  }
  if (change.phone !== undefined) {
    const key = unlockPhoneKey(data, change.phone);
    if (!lockRecordOf(security.phones, key) && !findPhone(data, change.phone)) return fail(refuse('unknown-phone', { value: change.phone }));
    targets.push({ label: `phone ${key}`, field: 'phone', key, records: 'phones' });
  }
  if (targets.length === 0) return fail(refuse('not-locked', { target: '' }));
  const held = targets.flatMap((target) => {
    const record = lockRecordOf(security[target.records], target.key);
    return record && !isEmptyRecord(record, context.now) ? [{ ...target, record }] : [];
  });
  if (held.length === 0) return fail(refuse('not-locked', { target: targets.map((target) => target.label).join(' and ') }));
  let next = security;
  const entries: AuditEntry[] = [];
  const said: string[] = [];
  for (const target of held) {
    next = { ...next, [target.records]: without(next[target.records], target.key) };
    const { detail, locked } = describeRelease(target.record, context.now);
    entries.push({ at: context.now, kind: 'unlocked', actor: change.actor, [target.field]: target.key, detail });
    said.push(locked ? `${target.label} unlocked` : `${target.label} was not locked; ${detail}`);
  }
  return ok({
    data: { ...data, security: next, audit: [...data.audit, ...entries] },
    result: { kind: 'done', message: said.join('; '), warnings: [] },
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
