/** A live verdict on a MAC address being typed: valid, or what is wrong so far. */
import { parseMac } from '../core/mac.js';

export type MacVerdict = { ok: true; mac: string } | { ok: false; problem: string };

const MAC_DIGITS = 12;

/**
 * Checks with `parseMac`; when it refuses, says why in words a person can act on.
 * `taken`: MACs of the phones already in the pool (normalised) → their names; one of
 * them is refused at once, not when the phone is added.
 */
export function checkMacInput(text: string, taken: ReadonlyMap<string, string> = new Map()): MacVerdict {
  const mac = parseMac(text);
  const owner = mac === undefined ? undefined : taken.get(mac);
  if (mac && owner !== undefined)
    return { ok: false, problem: `${owner} already has this MAC (hotdesk remove-phone ${owner} first to replace it)` };
  if (mac) return { ok: true, mac };
  const value = text.trim();
  if (value === '') return { ok: false, problem: 'type 12 hex digits, e.g. 00:15:65:aa:bb:cc' };
  const stray = /[^0-9a-f:.-]/i.exec(value);
  if (stray) return { ok: false, problem: `"${stray[0]}" is not a hex digit (0-9, a-f)` };
  const digits = value.replace(/[^0-9a-f]/gi, '').length;
  if (digits < MAC_DIGITS) return { ok: false, problem: `${digits} of 12 hex digits` };
  if (digits > MAC_DIGITS) return { ok: false, problem: `${digits} hex digits; a MAC has 12` };
  return {
    ok: false,
    problem:
      'separators must be all ":" or all "-" between pairs (00:15:65:aa:bb:cc), or dots in Cisco style ' +
      '(0015.65aa.bbcc)',
  };
}
