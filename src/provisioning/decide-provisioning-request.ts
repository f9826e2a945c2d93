/**
 * Whether a provisioning request (token and file name from
 * parseProvisioningTarget, plus the User-Agent) is answered, and with what:
 * which phone and model, which templates may render it, how it is labelled, and
 * whether the fetch counts as the phone taking its configuration. Every refusal
 * is a 404 that looks the same to the client; `refusal` says why, for logs.
 *
 * Served:
 * - a phone's own file (`phone`) and Poly's per-phone master file, to a phone in
 *   the pool whose vendor matches the request, when the MACs in the file name
 *   and the User-Agent agree;
 * - a common file, when the User-Agent's MAC (if it carries one) is a pool phone
 *   of that vendor, or, without a MAC, when some pool phone is of that vendor.
 *   Common files hold no account, only office-wide settings.
 *
 * A phone's own files (and Poly's master file) carry SIP passwords: once the
 * phone has registered (`provisioningAddress`), only its address gets them
 * (`bound-elsewhere` for any other, the same 404).
 *
 * After a token rotation the previous token is still taken, until its `until`,
 * from the phones it lists (provisioned before, not yet fetched under the new
 * one), for their own files and their vendor's common files only; such a
 * serve says `previousToken`, and does not count as the phone taking its
 * configuration (it must fetch again under the new URL its file now carries).
 */
import type { Phone, PreviousProvisioningToken } from '../core/model.js';
import { VENDORS, type Vendor } from '../core/catalogue.js';
import {
  templateCandidates,
  VENDOR_FORMAT,
  type ConfigFile,
  type ConfigFormat,
  type ProvisioningModel,
} from './config-files.js';
import { checkIdentity, identifyRequest, type IdentityRefusal, type ProvisioningRequest } from './identify-request.js';

/** Media types per file format (Poly and Fanvil `.cfg` files are XML too). */
export const CONTENT_TYPE: Readonly<Record<ConfigFormat, string>> = {
  'key-value': 'text/plain; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
};

export type ProvisioningRefusal =
  | { why: 'wrong-token' }
  /** Not a file name any vendor asks for (or one hotdeskd cannot place without a User-Agent). */
  | { why: 'unknown-file'; file: string }
  | { why: 'unknown-mac'; mac: string }
  /** A phone's model that is not in the catalogue (any more). */
  | { why: 'unknown-model'; phone: string; model: string }
  /** A common file without a MAC, from a vendor no pool phone is of. */
  | { why: 'no-phone-of-vendor'; vendor: Vendor }
  /** The MACs of the file name and the User-Agent differ. */
  | { why: 'mac-mismatch'; fileMac: string; userAgentMac: string }
  /** The phone with that MAC is another vendor's. */
  | { why: 'wrong-vendor'; phone: string; model: string; requested: Vendor }
  | { why: 'not-this-phone'; phone: string; mac: string }
  /** The phone registered from another address: its files are served only there (Phone.provisioningAddress). */
  | { why: 'bound-elsewhere'; phone: string };

export type ProvisioningDecision =
  | { kind: 'refuse'; status: 404; refusal: ProvisioningRefusal }
  | {
      kind: 'serve';
      vendor: Vendor;
      file: ConfigFile;
      /** The model the file is written for: the phone's own, else the one the request names, if any. */
      model: ProvisioningModel | undefined;
      /** The pool phone the request comes from, when it tells its MAC. */
      phone: Phone | undefined;
      /** The phone's own configuration file: fetching it means taking `phone.desiredGeneration`. */
      ownFile: boolean;
      /** Template names to try, most specific first (templateCandidates). */
      templates: string[];
      contentType: string;
      /** What identifyRequest made of the request (for logs). */
      request: ProvisioningRequest;
      /** A User-Agent was sent but is of no form parseUserAgent knows: served by the file name's MAC alone. */
      unrecognisedUserAgent: boolean;
      /** Asked for with the token before the last rotation (by a phone still allowed it). */
      previousToken: boolean;
    };

export interface ProvisioningRequestInput {
  /** Token and file name as parseProvisioningTarget returned them. */
  token: string;
  file: string;
  userAgent: string | undefined;
  /** The office's token (`settings.provisioningToken`). */
  expectedToken: string;
  phones: readonly Phone[];
  catalogue: readonly ProvisioningModel[];
  /** The client's address (IPv4-mapped IPv6 written as IPv4), compared with a bound phone's. */
  client: string;
  /** `settings.previousProvisioningToken`, if any. */
  previousToken?: PreviousProvisioningToken | undefined;
  /** Now, ms (for the previous token's `until`). */
  nowMs: number;
}

/** Compares every character of `expected` whatever `given` is, so timing tells nothing about a partial match. */
export function sameToken(given: string, expected: string): boolean {
  let difference = given.length ^ expected.length;
  for (let index = 0; index < expected.length; index++) {
    difference |= (given.length > 0 ? given.charCodeAt(index % given.length) : 0) ^ expected.charCodeAt(index);
  }
  return difference === 0 && expected.length > 0;
}

const refuse = (refusal: ProvisioningRefusal): ProvisioningDecision => ({ kind: 'refuse', status: 404, refusal });

function refusalOf(refusal: IdentityRefusal): ProvisioningRefusal {
  switch (refusal.kind) {
    case 'mac-mismatch':
      return { why: 'mac-mismatch', fileMac: refusal.fileMac, userAgentMac: refusal.userAgentMac };
    case 'wrong-vendor':
      return { why: 'wrong-vendor', phone: refusal.phone, model: refusal.model, requested: refusal.requested };
    case 'not-this-phone':
      return { why: 'not-this-phone', phone: refusal.phone, mac: refusal.mac };
  }
}

export function decideProvisioningRequest(input: ProvisioningRequestInput): ProvisioningDecision {
  const previous = input.previousToken;
  const viaPrevious =
    !sameToken(input.token, input.expectedToken) &&
    previous !== undefined &&
    sameToken(input.token, previous.token) &&
    input.nowMs < Date.parse(previous.until);
  if (!viaPrevious && !sameToken(input.token, input.expectedToken)) return refuse({ why: 'wrong-token' });
  const vendorOfMac = (mac: string): Vendor | undefined => {
    const model = input.phones.find((candidate) => candidate.mac === mac)?.model;
    return model === undefined ? undefined : VENDORS.find((vendor) => model.startsWith(`${vendor}-`));
  };
  // Only a phone that sent a User-Agent (of a form hotdeskd does not know) is placed by its pool MAC;
  // a request without one stays as unplaced as before.
  const sentUserAgent = (input.userAgent ?? '').trim().length > 0;
  const request = identifyRequest(
    input.file,
    input.userAgent,
    input.catalogue,
    sentUserAgent ? vendorOfMac : undefined,
  );
  if (!request) return refuse({ why: 'unknown-file', file: input.file });
  const told = checkIdentity(request);
  if (!told.ok) return refuse(refusalOf(told.refusal));

  const mac = told.mac;
  const phone = mac ? input.phones.find((candidate) => candidate.mac === mac) : undefined;
  if (mac && !phone) return refuse({ why: 'unknown-mac', mac });
  if (phone) {
    const checked = checkIdentity(request, phone);
    if (!checked.ok) return refuse(refusalOf(checked.refusal));
  } else if (!input.phones.some((candidate) => candidate.model.startsWith(`${request.vendor}-`))) {
    return refuse({ why: 'no-phone-of-vendor', vendor: request.vendor });
  }

  let model: ProvisioningModel | undefined;
  if (phone) {
    model = input.catalogue.find((candidate) => candidate.id === phone.model);
    if (!model) return refuse({ why: 'unknown-model', phone: phone.name, model: phone.model });
  } else {
    model = request.model ? input.catalogue.find((candidate) => candidate.id === request.model) : undefined;
  }
  // A phone's files (its own and Poly's master) need the phone; checkIdentity made sure the file names it.
  if (request.file !== 'common' && !phone) return refuse({ why: 'unknown-file', file: input.file });
  if (
    request.file !== 'common' &&
    phone?.provisioningAddress !== undefined &&
    phone.provisioningAddress !== input.client
  ) {
    return refuse({ why: 'bound-elsewhere', phone: phone.name });
  }
  // The previous token serves only the phones that still need it, each its own files.
  if (viaPrevious && (!phone || !previous.phones.includes(phone.name))) return refuse({ why: 'wrong-token' });

  return {
    kind: 'serve',
    vendor: request.vendor,
    file: request.file,
    model,
    phone,
    ownFile: request.file === 'phone',
    templates: templateCandidates(request.vendor, model?.id, request.file),
    contentType: CONTENT_TYPE[VENDOR_FORMAT[request.vendor]],
    request,
    unrecognisedUserAgent: sentUserAgent && !request.userAgent,
    previousToken: viaPrevious,
  };
}
