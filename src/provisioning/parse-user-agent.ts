/**
 * The HTTP User-Agent of a phone's provisioning client: vendor, model, firmware
 * and (when the vendor sends it) the MAC address. Forms from docs/phones.md
 * (the User-Agent table under §0). Wire input: never throws, `undefined` when not recognised.
 */
import type { Vendor } from '../core/catalogue.js';
import { parseMac } from '../core/mac.js';

export interface UserAgentInfo {
  vendor: Vendor;
  /** The vendor's own spelling of the model: `T54W`, `VVX_450`, `D785`, `GXP2170`, `X6U Pro`. */
  model: string;
  firmware: string;
  /** 12 lowercase hex digits, when the User-Agent carries a MAC. */
  mac?: string;
}

/** Longer User-Agents are not phones; refusing them keeps every pattern below cheap. */
const MAX_LENGTH = 256;

type Reader = (text: string) => UserAgentInfo | undefined;

const info = (vendor: Vendor, model: string, firmware: string, mac: string | undefined): UserAgentInfo =>
  mac ? { vendor, model, firmware, mac } : { vendor, model, firmware };

const READERS: readonly Reader[] = [
  // Yealink SIP-T54W 96.86.0.100 00:15:65:aa:bb:cc | yealink SIP-T46U … | Yealink SIP VP-T49G … |
  // Yealink SIP-T19P_E2 … | Yealink SIP-T38G  38.70.0.125 … (two spaces) | Yealink CP860 … | Yealink W52P … |
  // Yealink-T46G 28.71.0.81 28.1.0.128.0.0.0 (no MAC: the last field is not one). Forms: Wazo wazo_yealink
  // common.py User-Agent list (docs/phones.md §1.2).
  (text) => {
    const match =
      /^yealink[ -](?:SIP[ -])?(?:VP-)?([A-Za-z0-9_]{2,16}) +([0-9][0-9.]{0,31})(?: +(\S{1,40}))?$/i.exec(text) ??
      // DECT bases and the VP530 without the vendor word: `W52P 25.81.0.10 00:15:65:11:22:33`, `VP530P 23.70.0.40 …`
      /^(W[0-9]{2}[A-Z]{1,2}|VP530P?) +([0-9][0-9.]{0,31})(?: +(\S{1,40}))?$/.exec(text);
    return match
      ? info('yealink', match[1]!.toUpperCase(), match[2]!, match[3] ? parseMac(match[3]) : undefined)
      : undefined;
  },
  // FileTransport PolycomVVX-VVX_450-UA/6.4.6.2395 Type/Application (no MAC in Poly's User-Agent)
  (text) => {
    const match = /^FileTransport Poly(?:com)?[A-Za-z]{1,24}-([A-Za-z0-9_]{1,24})-UA\/([0-9][0-9.]{0,31})(?: |$)/.exec(
      text,
    );
    return match ? info('poly', match[1]!, match[2]!, undefined) : undefined;
  },
  // Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33 2010.12-00004-g9ba52f5 000413AABBCC SXM:0 UXM:0) |
  // Mozilla/4.0 (compatible; snom320-SIP 6.5.20; snom320 jffs2 v3.36; snom320 linux 3.38) (fields after `;`) |
  // Mozilla/4.0 (compatible; Snom M900 05.20.0001 000413b60680) (DECT). Forms: Wazo wazo_snom common.py.
  (text) => {
    const match =
      /^Mozilla\/4\.0 \(compatible; snom([A-Za-z0-9]{2,16})-SIP ([0-9][0-9.]{0,31});?((?: [^ ()]{1,64}){0,12})\)$/.exec(
        text,
      ) ?? /^Mozilla\/4\.0 \(compatible; Snom (M[0-9]{3}) ([0-9][0-9.]{0,31})((?: [^ ()]{1,64}){0,4})\)$/.exec(text);
    if (!match) return undefined;
    const macToken = match[3]!.split(' ').find((token) => /^[0-9A-Fa-f]{12}$/.test(token));
    return info('snom', match[1]!.toUpperCase(), match[2]!, macToken ? parseMac(macToken) : undefined);
  },
  // Grandstream Model HW GXP2170 SW 1.0.11.3 DevId 000b82aabbcc | … HW GXV3240 V1.6B SW …
  // Grandstream GXP2000 (gxp2000e.bin:1.2.5.3/boot55e.bin:1.1.6.9) DevId 000b822726c8
  (text) => {
    const match =
      new RegExp(
        String.raw`^Grandstream Model HW ([A-Za-z0-9]{2,16})(?: +V[^ ]{1,16})?` +
          String.raw` +SW ([0-9][0-9.]{0,31}) DevId ([0-9A-Fa-f:]{12,17})$`,
      ).exec(text) ??
      /^Grandstream ([A-Za-z]{2,4}[0-9]{2,5}) \([^()]{0,128}:([0-9][0-9.]{0,31})\) DevId ([0-9A-Fa-f:]{12,17})$/.exec(
        text,
      );
    return match ? info('grandstream', match[1]!.toUpperCase(), match[2]!, parseMac(match[3]!)) : undefined;
  },
  // Fanvil X6U 2.12.16.17 0c383eaabbcc | Fanvil X6U Pro 0.0.10 0c383e2cd782 | Fanvil X5U-V2 …
  (text) => {
    const match = /^Fanvil ([A-Za-z0-9-]{1,16}(?: Pro)?) ([0-9][0-9.]{0,31}) ([0-9A-Fa-f]{12})$/.exec(text);
    return match ? info('fanvil', match[1]!, match[2]!, parseMac(match[3]!)) : undefined;
  },
];

export function parseUserAgent(userAgent: string | undefined): UserAgentInfo | undefined {
  if (userAgent === undefined) return undefined;
  const text = userAgent.trim();
  if (text.length === 0 || text.length > MAX_LENGTH || /[^\x20-\x7e]/.test(text)) return undefined;
  for (const read of READERS) {
    const found = read(text);
    if (found) return found;
  }
  return undefined;
}
