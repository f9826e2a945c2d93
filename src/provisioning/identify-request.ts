/**
 * Which phone asks for which file: from the requested file name (the path after
 * `/provisioning/<token>/`, query string already removed, still percent-encoded)
 * and the User-Agent. File names per vendor: docs/phones.md §0, §1.1, §2.1, §3.1, §4.1, §5.1.
 *
 * A User-Agent that names a vendor restricts the file names to that vendor's. Without
 * one (absent, or a form hotdeskd does not recognise), a name only one vendor uses
 * identifies the vendor; `<mac>.cfg` (Yealink, Poly and Fanvil alike) is placed by the
 * vendor of the pool phone with that MAC (`vendorOfMac`), else it stays unidentified.
 */
import type { Phone } from '../core/model.js';
import type { Vendor } from '../core/catalogue.js';
import { parseMac } from '../core/mac.js';
import { POLY_PHONE_SUFFIX, type ConfigFile, type ProvisioningModel } from './config-files.js';
import { parseUserAgent, type UserAgentInfo } from './parse-user-agent.js';

export interface ProvisioningRequest {
  vendor: Vendor;
  file: ConfigFile;
  /** MAC from the file name (12 lowercase hex digits), when the name carries one. */
  mac?: string;
  /** Catalogue id (`yealink-t54w`) from the User-Agent or the file name, when it is in the catalogue. */
  model?: string;
  /** What the User-Agent said, when it named this vendor. */
  userAgent?: UserAgentInfo;
}

/** Longest file name any vendor asks for is ~30 characters. */
const MAX_NAME_LENGTH = 64;
/** Only plain names: no `/`, `\`, `%` (encoded anything), NUL, spaces; may not start with a dot. */
const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

interface NameMatch {
  file: ConfigFile;
  mac?: string;
  /** The model as spelled in the file name (Snom, Grandstream). */
  model?: string;
  /** Yealink: the common file's own name, to look the model up. */
  commonFile?: string;
}

/** 12 hex digits that are a real MAC (not the all-zero "any phone" name). */
function macOf(hex: string): string | undefined {
  const mac = parseMac(hex);
  return mac && mac !== '000000000000' ? mac : undefined;
}

function withMac(file: ConfigFile, hex: string): NameMatch | undefined {
  const mac = macOf(hex);
  return mac ? { file, mac } : undefined;
}

const GRAMMARS: Readonly<Record<Vendor, (name: string) => NameMatch | undefined>> = {
  yealink: (name) => {
    const common = /^y[0-9]{12}\.cfg$/.exec(name);
    if (common) return { file: 'common', commonFile: common[0] };
    const phone = /^([0-9a-fA-F]{12})\.cfg$/.exec(name);
    return phone ? withMac('phone', phone[1]!) : undefined;
  },
  poly: (name) => {
    const master = /^([0-9a-fA-F]{12})\.cfg$/.exec(name);
    if (master) return withMac('master', master[1]!);
    const phone = name.endsWith(POLY_PHONE_SUFFIX)
      ? /^([0-9a-fA-F]{12})$/.exec(name.slice(0, -POLY_PHONE_SUFFIX.length))
      : null;
    return phone ? withMac('phone', phone[1]!) : undefined;
  },
  snom: (name) => {
    const phone = /^snom([A-Za-z0-9]{2,12})-([0-9A-Fa-f]{12})\.htm$/.exec(name);
    if (phone) {
      const found = withMac('phone', phone[2]!);
      return found ? { ...found, model: phone[1]! } : undefined;
    }
    const common = /^snom([A-Za-z0-9]{2,12})\.htm$/.exec(name);
    return common ? { file: 'common', model: common[1]! } : undefined;
  },
  grandstream: (name) => {
    // `cfg<mac>` without extension is the legacy binary format: not served.
    const phone = /^cfg([0-9a-fA-F]{12})\.xml$/.exec(name);
    if (phone) return withMac('phone', phone[1]!);
    const model = /^cfg([A-Za-z]{2,4}[0-9]{2,5}[A-Za-z]?)\.xml$/.exec(name);
    if (model) return { file: 'common', model: model[1]! };
    return name === 'cfg.xml' ? { file: 'common' } : undefined;
  },
  fanvil: (name) => {
    const phone = /^([0-9a-fA-F]{12})\.cfg$/.exec(name);
    if (phone) return withMac('phone', phone[1]!);
    // Model common files: F0V00X600000.cfg, f0X4hw1.100.cfg, F0V00X5S0000.cfg …
    return /^[fF]0[A-Za-z0-9.]{4,24}\.cfg$/.test(name) ? { file: 'common' } : undefined;
  },
};

const VENDOR_ORDER: readonly Vendor[] = ['yealink', 'poly', 'snom', 'grandstream', 'fanvil'];

/** Vendor spelling → catalogue id, when the catalogue has it: `VVX_450` → `poly-vvx450`. */
function catalogueId(
  catalogue: readonly ProvisioningModel[],
  vendor: Vendor,
  spelled: string | undefined,
): string | undefined {
  if (!spelled) return undefined;
  const id = `${vendor}-${spelled.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  return catalogue.some((model) => model.id === id) ? id : undefined;
}

/** Yealink common file → the one catalogue model that uses it (none when several share it). */
function modelOfCommonFile(catalogue: readonly ProvisioningModel[], commonFile: string): string | undefined {
  const models = catalogue.filter((model) => model.vendor === 'yealink' && model.commonFile === commonFile);
  return models.length === 1 ? models[0]!.id : undefined;
}

/**
 * Identifies a provisioning request, or `undefined` for anything that is not one of
 * the files hotdeskd serves (including every hostile name: `..`, encoded or real
 * slashes, NUL, names longer than 64 characters).
 */
export function identifyRequest(
  fileName: string,
  userAgent: string | undefined,
  catalogue: readonly ProvisioningModel[],
  /** The vendor of the pool phone with this MAC, if any: places a name several vendors use. */
  vendorOfMac: (mac: string) => Vendor | undefined = () => undefined,
): ProvisioningRequest | undefined {
  if (fileName.length === 0 || fileName.length > MAX_NAME_LENGTH) return undefined;
  if (!SAFE_NAME.test(fileName) || fileName.includes('..')) return undefined;

  const agent = parseUserAgent(userAgent);
  const vendors = agent ? [agent.vendor] : VENDOR_ORDER;
  const named = vendors.flatMap((vendor) => {
    const match = GRAMMARS[vendor](fileName);
    return match ? [{ vendor, match }] : [];
  });
  const matches =
    named.length > 1
      ? named.filter(({ vendor, match }) => match.mac !== undefined && vendorOfMac(match.mac) === vendor)
      : named;
  if (matches.length !== 1) return undefined;
  const { vendor, match } = matches[0]!;

  const model =
    catalogueId(catalogue, vendor, agent?.model) ??
    catalogueId(catalogue, vendor, match.model) ??
    (match.commonFile ? modelOfCommonFile(catalogue, match.commonFile) : undefined);

  return {
    vendor,
    file: match.file,
    ...(match.mac ? { mac: match.mac } : {}),
    ...(model ? { model } : {}),
    ...(agent ? { userAgent: agent } : {}),
  };
}

export type IdentityRefusal =
  /** The User-Agent's MAC and the file name's MAC differ: someone asks for another phone's file. */
  | { kind: 'mac-mismatch'; fileMac: string; userAgentMac: string }
  /** The phone with that MAC is registered as another vendor's model. */
  | { kind: 'wrong-vendor'; phone: string; model: string; requested: Vendor }
  /** The phone the caller found is not the one the request names. */
  | { kind: 'not-this-phone'; phone: string; mac: string };

export type IdentityCheck = { ok: true; mac: string | undefined } | { ok: false; refusal: IdentityRefusal };

/**
 * Whether the request may be answered (a verdict, never a throw). The MAC in the
 * User-Agent must agree with the MAC in the file name when both are present. When the
 * caller passes the phone it found (by that MAC), it must be the phone the request
 * names and of the requesting vendor. `mac` is the phone's MAC as far as the request
 * tells it: the file name's, else the User-Agent's (common files), else none.
 * A refusal is for logs and a 404/403 at the edge; it is not a core `Reason`.
 */
export function checkIdentity(
  request: ProvisioningRequest,
  phone?: Pick<Phone, 'name' | 'mac' | 'model'>,
): IdentityCheck {
  const userAgentMac = request.userAgent?.mac;
  if (request.mac && userAgentMac && request.mac !== userAgentMac) {
    return { ok: false, refusal: { kind: 'mac-mismatch', fileMac: request.mac, userAgentMac } };
  }
  const mac = request.mac ?? userAgentMac;
  if (phone && mac && phone.mac !== mac)
    return { ok: false, refusal: { kind: 'not-this-phone', phone: phone.name, mac } };
  if (phone && !phone.model.startsWith(`${request.vendor}-`)) {
    return {
      ok: false,
      refusal: { kind: 'wrong-vendor', phone: phone.name, model: phone.model, requested: request.vendor },
    };
  }
  return { ok: true, mac };
}
