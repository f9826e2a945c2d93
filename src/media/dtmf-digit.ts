/**
 * The sixteen DTMF keys as characters, and their RFC 4733 event codes
 * (RFC 4733 §3.2: 0–9 are the digits, 10 `*`, 11 `#`, 12–15 `A`–`D`).
 * Every DTMF source (RTP telephone-event, SIP INFO, in-band tones) reports
 * keys in this one spelling.
 */

export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** The keys in event-code order: `DTMF_DIGITS[code]` is the key for RFC 4733 event `code`. */
export const DTMF_DIGITS: readonly DtmfDigit[] = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '*',
  '#',
  'A',
  'B',
  'C',
  'D',
];

/** RFC 4733 §3.2: the key for a DTMF event code (0–15), or undefined for any other code (16 = flash, tones…). */
export function dtmfDigitOfEvent(code: number): DtmfDigit | undefined {
  return Number.isInteger(code) ? DTMF_DIGITS[code] : undefined;
}

/** The RFC 4733 event code of a key. */
export function eventOfDtmfDigit(digit: DtmfDigit): number {
  return DTMF_DIGITS.indexOf(digit);
}

/**
 * A key as text: one key character (`a`–`d` accepted in lower case), or its
 * event code in decimal (`10` → `*`, `11` → `#`, `12`–`15` → `A`–`D`), the
 * way SIP INFO bodies spell it. Surrounding white space is ignored; anything
 * else is undefined.
 */
export function parseDtmfDigit(text: string): DtmfDigit | undefined {
  const value = text.trim().toUpperCase();
  if (/^(?:1[0-5]|[0-9])$/.test(value)) return dtmfDigitOfEvent(Number(value));
  return DTMF_DIGITS.find((digit) => digit === value);
}
