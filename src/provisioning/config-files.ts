/**
 * The configuration files hotdeskd serves, per vendor: what kinds there are,
 * how the per-phone file is named, which format each vendor speaks and which
 * template names may answer a request (per-model file before vendor base).
 * Vendor facts: docs/phones.md §0 and the vendor sections.
 */
import type { PhoneModel, Vendor } from '../core/catalogue.js';

/**
 * A kind of configuration file.
 * - `common`: shared by every phone of a model (Yealink `y0000000000XX.cfg`, Snom `snomD785.htm`,
 *   Grandstream `cfg<model>.xml`/`cfg.xml`, Fanvil model file); no phone is known from it.
 * - `master`: Poly's per-phone `<mac>.cfg` that lists the files to load next.
 * - `phone`: the file with the phone's account and keys.
 */
export type ConfigFile = 'common' | 'master' | 'phone';

/** How a vendor's files are written; decides the escaping used by `renderConfig`. */
export type ConfigFormat = 'key-value' | 'xml';

export const VENDOR_FORMAT: Readonly<Record<Vendor, ConfigFormat>> = {
  yealink: 'key-value',
  poly: 'xml',
  snom: 'xml',
  grandstream: 'xml',
  fanvil: 'xml',
};

/**
 * A catalogue model with the optional vendor details provisioning uses, read from
 * extra fields of templates/<vendor>/models.json. Every field beyond PhoneModel is
 * optional so a plain catalogue entry works too (with the documented defaults).
 */
export interface ProvisioningModel extends PhoneModel {
  /** Yealink: the model's common file, e.g. `y000000000096.cfg` (T54W). */
  commonFile?: string;
  /** Grandstream: how many of `keys` are virtual keys (VPK); the rest are MPK. Default: all. */
  vpk?: number;
}

/** Poly: the per-phone file the master file lists (`CONFIG_FILES`); our own choice of name. */
export const POLY_PHONE_SUFFIX = '-hotdesk.cfg';

/** The name under which a phone requests its own configuration file (after the token). */
export function phoneFileName(model: PhoneModel, mac: string): string {
  switch (model.vendor) {
    case 'yealink':
    case 'fanvil':
      return `${mac}.cfg`;
    case 'poly':
      return `${mac}${POLY_PHONE_SUFFIX}`;
    case 'snom':
      return `snom${model.name.replace(/[^A-Za-z0-9]/g, '')}-${mac.toUpperCase()}.htm`;
    case 'grandstream':
      return `cfg${mac}.xml`;
  }
}

/**
 * Template names that may answer a request, most specific first, relative to a
 * templates directory: `yealink/t54w.phone.cfg`, then `yealink/phone.cfg`. The
 * extension follows the format (`.cfg` for key=value, `.xml` for XML). Which
 * directories are searched, and in which order, is the adapter's business.
 */
export function templateCandidates(vendor: Vendor, modelId: string | undefined, file: ConfigFile): string[] {
  const extension = VENDOR_FORMAT[vendor] === 'xml' ? 'xml' : 'cfg';
  const base = `${vendor}/${file}.${extension}`;
  const prefix = `${vendor}-`;
  if (!modelId?.startsWith(prefix)) return [base];
  const modelPart = modelId.slice(prefix.length);
  return /^[a-z0-9-]+$/.test(modelPart) ? [`${vendor}/${modelPart}.${file}.${extension}`, base] : [base];
}
