/**
 * Dial codes. The hot-desk codes are the login prefix (`*77*` + EXT + `*`),
 * the logout code, and the logout-everywhere prefix (`*77*0*` + EXT + `*`:
 * log EXT out of every hot-desk phone, from any phone). Any *other* code
 * starting with `*7` makes hot-desk login fail on the phones, so it is
 * refused unless forced, and reported when stored.
 */

export const HOTDESK_CODE_NAMES = ['login', 'logout', 'logout-everywhere'] as const;
export type HotdeskCodeName = (typeof HOTDESK_CODE_NAMES)[number];

export const DEFAULT_DIAL_CODES: Readonly<Record<HotdeskCodeName, string>> = {
  login: '*77*',
  logout: '*77*5*',
  'logout-everywhere': '*77*0*',
};

/** A hot-desk code as stored, else its default (stores made before a code existed lack it). */
export function hotdeskCode(codes: Readonly<Record<string, string>>, name: HotdeskCodeName): string {
  return Object.hasOwn(codes, name) ? codes[name]! : DEFAULT_DIAL_CODES[name];
}

const CODE_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const CODE = /^[*#0-9]{1,16}$/;

export function isHotdeskCodeName(name: string): boolean {
  return (HOTDESK_CODE_NAMES as readonly string[]).includes(name);
}

/** What is wrong with a dial code's name or spelling, or `undefined`. */
export function checkDialCodeSyntax(name: string, code: string): string | undefined {
  if (!CODE_NAME.test(name)) return 'names are lowercase letters, digits and dashes, starting with a letter';
  if (!CODE.test(code)) return 'codes are 1 to 16 of the characters 0-9, * and #';
  if (!/^[*#]/.test(code)) return 'codes start with * or #';
  return undefined;
}

/** True when a (non hot-desk) code would shadow the hot-desk codes on the phones. */
export function conflictsWithHotdesk(name: string, code: string): boolean {
  return !isHotdeskCodeName(name) && code.startsWith('*7');
}

/** Every stored code that conflicts with hot-desk login, as `[name, code]` pairs. */
export function findDialCodeConflicts(codes: Record<string, string>): [string, string][] {
  return Object.entries(codes).filter(([name, code]) => conflictsWithHotdesk(name, code));
}
