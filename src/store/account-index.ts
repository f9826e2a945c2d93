/**
 * The SIP accounts of a store version, by name: an extension by its number, a
 * hot-desk phone by its own account name (`HD0001`), and the phones where an
 * extension is logged in. Every authenticated request asks these questions
 * several times; a linear search over a thousand extensions per question was
 * the registrar's largest cost (#15). Built once per store version (the store
 * is replaced, never changed in place, on every commit) and kept as long as
 * that version is.
 */
import type { Extension, Phone } from '../core/model.js';
import type { StoreData } from './schema.js';

export interface AccountIndex {
  extension(number: string): Extension | undefined;
  /** A hot-desk phone by its own account name (exact, as phones register it). */
  phone(name: string): Phone | undefined;
  /** The phones logged in as `extension` (none: an empty list). */
  phonesOf(extension: string): readonly Phone[];
  /** The SIP password of an account: an extension's, or a hot-desk phone's own idle account. */
  password(account: string): string | undefined;
  /** True for an extension or a hot-desk phone account. */
  has(account: string): boolean;
}

const NONE: readonly Phone[] = [];
const built = new WeakMap<StoreData, AccountIndex>();

export function accountIndex(data: StoreData): AccountIndex {
  const known = built.get(data);
  if (known) return known;
  // First entry wins, as Array.prototype.find would have it.
  const extensions = new Map<string, Extension>();
  for (const extension of data.extensions)
    if (!extensions.has(extension.number)) extensions.set(extension.number, extension);
  const phones = new Map<string, Phone>();
  const loggedIn = new Map<string, Phone[]>();
  for (const phone of data.phones) {
    if (!phones.has(phone.name)) phones.set(phone.name, phone);
    const extension = phone.session?.extension;
    if (extension === undefined) continue;
    const list = loggedIn.get(extension);
    if (list) list.push(phone);
    else loggedIn.set(extension, [phone]);
  }
  const index: AccountIndex = {
    extension: (number) => extensions.get(number),
    phone: (name) => phones.get(name),
    phonesOf: (extension) => loggedIn.get(extension) ?? NONE,
    password: (account) => extensions.get(account)?.sipPassword ?? phones.get(account)?.idlePassword,
    has: (account) => extensions.has(account) || phones.has(account),
  };
  built.set(data, index);
  return index;
}
