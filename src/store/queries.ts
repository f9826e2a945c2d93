/** Read-only questions about the store (data → data). */
import type { Extension, Phone } from '../core/model.js';
import { parseMac } from '../core/mac.js';
import { findModel, type Catalogue } from '../core/catalogue.js';
import { buildKeyLayout, type KeyLayout } from '../core/key-layout.js';
import { findDialCodeConflicts } from '../core/dial-codes.js';
import { lockedUntil, type Instant } from '../core/pin-lockout.js';
import { heldLock, type PinLocks } from '../core/pin-locks.js';
import type { Reason } from '../core/reasons.js';
import type { StoreData } from './schema.js';
import { describeDesk } from '../core/civic-location.js';

/** A phone by name (`HD0001`, case-insensitive) or by MAC in any spelling. */
export function findPhone(data: StoreData, nameOrMac: string): Phone | undefined {
  const name = nameOrMac.trim().toUpperCase();
  const byName = data.phones.find((phone) => phone.name === name);
  if (byName) return byName;
  const mac = parseMac(nameOrMac);
  return mac ? data.phones.find((phone) => phone.mac === mac) : undefined;
}

/**
 * The key of a phone's lockout record: its name when it is in the pool (found
 * by name or MAC), else the text as given (PINs tried from elsewhere count too).
 */
export function phoneLockKey(data: StoreData, nameOrMac: string): string {
  return findPhone(data, nameOrMac)?.name ?? nameOrMac.trim();
}

type LockRecords = StoreData['security']['phones'];

/** The lockout record under `key`, if any (own members only: keys come from outside). */
export function lockRecordOf<R>(records: Record<string, R>, key: string): R | undefined {
  return Object.hasOwn(records, key) ? records[key] : undefined;
}

/** The records of (phone, extension) pairs for `extension`, by phone (none in a store made before pairs were kept). */
export function pairRecordsOf(data: StoreData, extension: string): LockRecords {
  return lockRecordOf(data.security.pairs ?? {}, extension) ?? {};
}

/** The lockout records a PIN try for `extension` on `phone` meets (core/pin-locks.ts). */
export function pinLocksOf(data: StoreData, extension: string, phone: string): PinLocks {
  const key = phoneLockKey(data, phone);
  const extensionRecord = lockRecordOf(data.security.extensions, extension);
  const phoneRecord = lockRecordOf(data.security.phones, key);
  const pairRecord = lockRecordOf(pairRecordsOf(data, extension), key);
  return {
    ...(extensionRecord ? { extension: extensionRecord } : {}),
    ...(phoneRecord ? { phone: phoneRecord } : {}),
    ...(pairRecord ? { pair: pairRecord } : {}),
  };
}

/**
 * The locks holding at `now`, in name order, each kind apart: an extension's
 * (for every phone), a phone's (for every extension) and a pair's (one
 * extension on one phone).
 */
export interface LockState {
  extensions: { extension: string; until: string; level: number }[];
  phones: { phone: string; until: string; level: number }[];
  pairs: { phone: string; extension: string; until: string; level: number }[];
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Extensions, phones and (phone, extension) pairs locked after wrong PINs at `now`, with the end of each lock. */
export function lockState(data: StoreData, now: Instant): LockState {
  const locked = (records: LockRecords) =>
    Object.entries(records)
      .flatMap(([key, record]) => {
        const until = lockedUntil(record, now);
        return until ? [{ key, until, level: record.level }] : [];
      })
      .sort((a, b) => byKey(a.key, b.key));
  return {
    extensions: locked(data.security.extensions).map(({ key, until, level }) => ({ extension: key, until, level })),
    phones: locked(data.security.phones).map(({ key, until, level }) => ({ phone: key, until, level })),
    pairs: Object.keys(data.security.pairs ?? {})
      .sort(byKey)
      .flatMap((extension) =>
        locked(pairRecordsOf(data, extension)).map(({ key, until, level }) => ({
          phone: key,
          extension,
          until,
          level,
        })),
      ),
  };
}

/**
 * Whether a PIN may be checked for `extension` on `phone` at `now`: `undefined`
 * when it may, else the lock that stops it (the extension's first, then the
 * phone's, then the pair's).
 */
export function loginBlock(
  data: StoreData,
  extension: string,
  phone: string,
  now: Instant,
): Extract<Reason, { kind: 'extension-locked' | 'phone-locked' | 'pair-locked' }> | undefined {
  const held = heldLock(pinLocksOf(data, extension, phone), now);
  if (!held) return undefined;
  const key = phoneLockKey(data, phone);
  switch (held.scope) {
    case 'extension':
      return { kind: 'extension-locked', extension, until: held.until };
    case 'phone':
      return { kind: 'phone-locked', phone: key, until: held.until };
    case 'pair':
      return { kind: 'pair-locked', phone: key, extension, until: held.until };
  }
}

export function findExtension(data: StoreData, number: string): Extension | undefined {
  return data.extensions.find((ext) => ext.number === number);
}

export interface StatusRow {
  name: string;
  model: string;
  mac: string;
  state: 'idle' | 'logged-in';
  extension: string | null;
  /** Display name of the logged-in user. */
  user: string | null;
  since: string | null;
  connection: string;
  /** True while the phone has not fetched its latest configuration. */
  outOfStep: boolean;
  /** BLF keys of the logged-in user that do not fit this model. */
  overflow: number;
  /** Where the desk is (`building A, floor 2, room 214`), when set. */
  location?: string;
  /** The desk's emergency callback number (ELIN), when set. */
  emergencyCallback?: string;
}

export function keyLayoutFor(data: StoreData, extension: Extension | undefined, keyCount: number): KeyLayout {
  return buildKeyLayout({
    blf: extension?.blf ?? [],
    keyCount,
    logoutCode: data.settings.dialCodes['logout'] ?? '*77*5*',
    nameOf: (number) => findExtension(data, number)?.name,
  });
}

export function statusRows(data: StoreData, catalogue: Catalogue): StatusRow[] {
  const extensions = new Map(data.extensions.map((ext) => [ext.number, ext]));
  return data.phones.map((phone) => {
    const extension = phone.session ? extensions.get(phone.session.extension) : undefined;
    const keyCount = findModel(catalogue, phone.model)?.keys ?? 0;
    const overflow = extension ? keyLayoutFor(data, extension, keyCount).overflow.length : 0;
    return {
      name: phone.name,
      model: phone.model,
      mac: phone.mac,
      state: phone.session ? 'logged-in' : 'idle',
      extension: phone.session?.extension ?? null,
      user: extension?.name ?? null,
      since: phone.session?.since ?? null,
      connection: phone.connection.mode === 'sbc' ? `sbc ${phone.connection.sbc}` : phone.connection.mode,
      outOfStep: phone.appliedGeneration < phone.desiredGeneration,
      overflow,
      ...(describeDesk(phone.location) ? { location: describeDesk(phone.location) } : {}),
      ...(phone.emergencyCallback ? { emergencyCallback: phone.emergencyCallback } : {}),
    };
  });
}

/** Office-wide warnings shown above the status table. */
export function statusWarnings(data: StoreData): string[] {
  return findDialCodeConflicts(data.settings.dialCodes).map(
    ([name, code]) =>
      `dial code ${name}=${code} starts with *7: hot-desk login is refused as "forbidden" until it is removed`,
  );
}

/** The provisioning URL phones are given (DHCP option 66 or typed into the phone's web page). */
export function provisioningUrl(data: StoreData, port: number = data.settings.httpPort): string {
  const host = data.settings.address.includes(':') ? `[${data.settings.address}]` : data.settings.address;
  return `http://${host}:${port}/provisioning/${data.settings.provisioningToken}/`;
}
