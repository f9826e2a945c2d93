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
