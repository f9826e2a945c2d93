/**
 * Dial codes. The hot-desk codes are the login prefix (`*77*` + EXT + `*`) and
 * the logout code. Any *other* code starting with `*7` makes hot-desk login
 * fail on the phones, so it is refused unless forced, and reported when stored.
 */

export const HOTDESK_CODE_NAMES = ['login', 'logout'] as const;
export const DEFAULT_DIAL_CODES: Readonly<Record<string, string>> = {
  login: '*77*',
  logout: '*77*5*',
};

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
