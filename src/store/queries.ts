/** Read-only questions about the store (data → data). */
import type { Extension, Phone } from '../core/model.js';
import { parseMac } from '../core/mac.js';
import { findModel, type Catalogue } from '../core/catalogue.js';
import { buildKeyLayout, type KeyLayout } from '../core/key-layout.js';
import { findDialCodeConflicts } from '../core/dial-codes.js';
import type { StoreData } from './schema.js';

/** A phone by name (`HD0001`, case-insensitive) or by MAC in any spelling. */
export function findPhone(data: StoreData, nameOrMac: string): Phone | undefined {
  const name = nameOrMac.trim().toUpperCase();
  const byName = data.phones.find((phone) => phone.name === name);
  if (byName) return byName;
  const mac = parseMac(nameOrMac);
  return mac ? data.phones.find((phone) => phone.mac === mac) : undefined;
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
    };
  });
}

/** Office-wide warnings shown above the status table. */
export function statusWarnings(data: StoreData): string[] {
  return findDialCodeConflicts(data.settings.dialCodes).map(
    ([name, code]) => `dial code ${name}=${code} starts with *7: hot-desk login is refused as "forbidden" until it is removed`,
  );
}

/** The provisioning URL phones are given (DHCP option 66 or typed into the phone's web page). */
export function provisioningUrl(data: StoreData): string {
  const host = data.settings.address.includes(':') ? `[${data.settings.address}]` : data.settings.address;
  return `http://${host}:${data.settings.httpPort}/provisioning/${data.settings.provisioningToken}/`;
}
