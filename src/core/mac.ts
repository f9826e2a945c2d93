/**
 * MAC addresses in any common spelling: `00:15:65:AA:BB:CC`, `00-15-65-aa-bb-cc`,
 * `0015.65aa.bbcc` (Cisco), `001565aabbcc`. Normalised to 12 lowercase hex digits.
 */
const SPELLINGS = [
  /^[0-9a-f]{12}$/i,
  /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i,
  /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i,
];

/** Returns the normalised MAC, or `undefined` when the text is not a MAC address. */
export function parseMac(text: string): string | undefined {
  const value = text.trim();
  if (!SPELLINGS.some((spelling) => spelling.test(value))) return undefined;
  return value.replace(/[^0-9a-f]/gi, '').toLowerCase();
}

/** `001565aabbcc` → `00:15:65:aa:bb:cc`, for people. */
export function formatMac(mac: string): string {
  return mac.match(/../g)?.join(':') ?? mac;
}

/**
 * A verdict on a normalised MAC as a phone's: `undefined` when usable. A phone's own
 * address is unicast (the low bit of the first octet is 0) and neither all zeros nor all ones.
 */
export function checkPhoneMac(mac: string): string | undefined {
  if (/^0{12}$/.test(mac)) return 'the all-zero MAC is no phone';
  if (/^f{12}$/.test(mac)) return 'ff:ff:ff:ff:ff:ff is the broadcast address, no phone';
  if ((parseInt(mac.slice(0, 2), 16) & 1) === 1) return 'a multicast MAC (odd first octet) is no phone';
  return undefined;
}
