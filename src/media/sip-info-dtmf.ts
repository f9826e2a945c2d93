/**
 * DTMF sent in SIP INFO requests (the phones' "SIP INFO" DTMF mode), read from
 * the request's Content-Type and body. Two body types are in use, neither
 * standardised by the IETF:
 *
 * - `application/dtmf-relay` (Cisco style; Yealink info_type 1):
 *   `Signal=5\r\nDuration=160\r\n` — the key is the Signal line's value;
 * - `application/dtmf` (Yealink info_type 2): the body is just the key.
 *
 * The key may be spelled as the character (`5`, `*`, `#`, `A`–`D`, any case)
 * or as its RFC 4733 event code (`10` → `*`, `11` → `#`, `12`–`15` → `A`–`D`).
 * `application/telephone-event` bodies (binary RFC 4733 blocks) are not read.
 */
import { parseDtmfDigit, type DtmfDigit } from './dtmf-digit.js';

/** The media type of a Content-Type value, without parameters, in lower case. */
const mediaType = (contentType: string): string => contentType.split(';', 1)[0]!.trim().toLowerCase();

/**
 * The key in a SIP INFO body, or undefined when the Content-Type is not a DTMF
 * one or the body holds no single valid key. Only the first Signal line of a
 * dtmf-relay body counts; Duration and other lines are ignored.
 */
export function parseSipInfoDtmf(contentType: string | undefined, body: string | undefined): DtmfDigit | undefined {
  if (typeof contentType !== 'string' || typeof body !== 'string') return undefined;
  switch (mediaType(contentType)) {
    case 'application/dtmf-relay': {
      const signal = /^[ \t]*signal[ \t]*=(.*)$/im.exec(body);
      return signal ? parseDtmfDigit(signal[1]!) : undefined;
    }
    case 'application/dtmf':
      return parseDtmfDigit(body);
    default:
      return undefined;
  }
}
