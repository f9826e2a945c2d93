/**
 * The hot-desk dial grammar, over the office's dial codes (dial-codes.ts):
 *
 *     logout              = <logout code>                          (*77*5*)
 *     logout-everywhere   = <logout-everywhere prefix> EXT "*"     (*77*0*100*)
 *     login               = <login prefix> EXT "*"                 (*77*100*)
 *     EXT                 = 2 to 8 digits
 *
 * The logout code and the logout-everywhere prefix are tried before the login
 * prefix, which they usually start with (`*77*0*100*` is a logout of 100
 * everywhere, never a login as "0*100"). Input is the number as dialled, already
 * normalised (router.ts: `normaliseDialled`).
 */
import { hotdeskCode } from './dial-codes.js';

export type HotdeskCode =
  | { kind: 'login'; extension: string }
  | { kind: 'logout' }
  /** Log the extension out of every hot-desk phone (PIN asked). */
  | { kind: 'logout-everywhere'; extension: string };

/** `PREFIX` + 2 to 8 digits + `*`: the extension, else `undefined`. */
function extensionAfter(dialled: string, prefix: string): string | undefined {
  if (!dialled.startsWith(prefix)) return undefined;
  return /^(\d{2,8})\*$/.exec(dialled.slice(prefix.length))?.[1];
}

/** The hot-desk code dialled, if any. */
export function parseHotdeskCode(
  dialled: string,
  dialCodes: Readonly<Record<string, string>>,
): HotdeskCode | undefined {
  if (dialled === hotdeskCode(dialCodes, 'logout')) return { kind: 'logout' };
  const everywhere = extensionAfter(dialled, hotdeskCode(dialCodes, 'logout-everywhere'));
  if (everywhere !== undefined) return { kind: 'logout-everywhere', extension: everywhere };
  const login = extensionAfter(dialled, hotdeskCode(dialCodes, 'login'));
  return login !== undefined ? { kind: 'login', extension: login } : undefined;
}
