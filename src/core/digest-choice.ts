/**
 * Which digest algorithms a SIP account is challenged with, most preferred
 * first. Out of the box only MD5: every SIP client in the field answers it,
 * while clients that predate RFC 8760 take the topmost challenge or give up on
 * an algorithm they do not know. SHA-256 goes first (MD5 second) only where the
 * client is known to handle it, in this order of precedence:
 *
 * 1. the extension's own setting (`hotdesk extension set 101 --digest sha-256,md5`);
 * 2. the hot-desk phone's model, when the catalogue says its vendor documents
 *    RFC 8760 (the phone's own account, and an extension logged in only on
 *    such phones);
 * 3. the office: `hotdeskd --digest`, else `hotdesk settings set digest`, else MD5.
 *
 * An account that does not exist gets the office choice, the same as any
 * account without a setting of its own: the challenge does not tell a guesser
 * which accounts exist.
 */
import type { DigestName, Extension, Phone, Settings } from './model.js';

export type { DigestName } from './model.js';

export const DIGEST_NAMES: readonly DigestName[] = ['SHA-256', 'MD5'];

/** What hotdeskd offers when nobody said otherwise. */
export const DEFAULT_OFFICE_DIGEST: readonly DigestName[] = ['MD5'];

/** `sha-256,md5`, `md5`, `sha-256` (case-insensitive, no repeats) → names; undefined when not such a list. */
export function parseDigestList(text: string): DigestName[] | undefined {
  const known: Record<string, DigestName> = { 'sha-256': 'SHA-256', md5: 'MD5' };
  const names = text.split(',').map((part) => known[part.trim().toLowerCase()]);
  if (names.length === 0 || names.some((name) => name === undefined)) return undefined;
  const list = names as DigestName[];
  return new Set(list).size === list.length ? list : undefined;
}

/** The list as typed on the command line: `sha-256,md5`. */
export function formatDigestList(list: readonly DigestName[]): string {
  return list.map((name) => name.toLowerCase()).join(',');
}

export interface DigestChoiceInput {
  extensions: readonly Pick<Extension, 'number' | 'digest'>[];
  phones: readonly Pick<Phone, 'name' | 'model' | 'session'>[];
  settings: Pick<Settings, 'digest'>;
  /** Model ids whose vendor documents RFC 8760 SHA-256 digest (catalogue `digestSha256`). */
  sha256Models: ReadonlySet<string>;
  /** `hotdeskd --digest`, when given: overrides the office setting. */
  officeFlag?: readonly DigestName[];
}

const SHA256_FIRST: readonly DigestName[] = ['SHA-256', 'MD5'];

/** The office-wide choice: the daemon flag, else the store setting, else MD5 only. */
export function officeDigest(input: Pick<DigestChoiceInput, 'settings' | 'officeFlag'>): readonly DigestName[] {
  return input.officeFlag ?? input.settings.digest ?? DEFAULT_OFFICE_DIGEST;
}

/** The algorithms to challenge `account` with (undefined: no account named in the request). */
export function digestForAccount(input: DigestChoiceInput, account: string | undefined): readonly DigestName[] {
  if (account !== undefined) {
    const extension = input.extensions.find((ext) => ext.number === account);
    if (extension?.digest) return extension.digest;
    const phones = extension
      ? input.phones.filter((phone) => phone.session?.extension === account)
      : input.phones.filter((phone) => phone.name === account);
    if (phones.length > 0 && phones.every((phone) => input.sha256Models.has(phone.model))) return SHA256_FIRST;
  }
  return officeDigest(input);
}
