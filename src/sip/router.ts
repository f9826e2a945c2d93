/**
 * Where a call goes (RFC 3261 §16.5 target determination, office rules):
 * hot-desk codes to the IVR, emergency numbers to the trunk from any phone,
 * nothing else from an idle hot-desk phone, extensions to their contacts,
 * everything else to the trunk or nowhere.
 */
import type { Reason } from '../core/reasons.js';
import { findDialCodeConflicts } from '../core/dial-codes.js';
import { parseHotdeskCode, type HotdeskCode } from '../core/hotdesk-code.js';
import type { Settings } from '../core/model.js';

export type RouteDecision =
  /** A hot-desk code (core/hotdesk-code.ts); logout-everywhere from any authenticated phone. */
  | HotdeskCode
  | { kind: 'emergency'; number: string }
  | { kind: 'extension'; extension: string }
  | { kind: 'trunk'; number: string }
  | { kind: 'refuse'; reason: Reason };

/** Who is calling, from the authenticated account. */
export type Caller =
  | { kind: 'extension'; extension: string }
  /** A hot-desk phone's own account (`HD0001`): idle, emergency calls only. */
  | { kind: 'idle-phone'; phone: string }
  /** The trunk delivering an incoming call. */
  | { kind: 'trunk' };

export interface RouteInput {
  dialled: string;
  caller: Caller;
  settings: Pick<Settings, 'dialCodes' | 'emergencyNumbers' | 'trunk'>;
  isExtension(number: string): boolean;
}

/** The Request-URI user as dialled: `%2A` decoded, visual separators dropped (RFC 3966 §5.1.1). */
export function normaliseDialled(user: string): string {
  let text = user;
  try {
    text = decodeURIComponent(user);
  } catch {
    // Keep malformed escapes as they are; they will not match anything.
  }
  return text.replace(/[\s\-.()]/g, '');
}

export function routeCall(input: RouteInput): RouteDecision {
  const dialled = normaliseDialled(input.dialled);
  const { dialCodes, emergencyNumbers, trunk } = input.settings;
  const hotdesk = parseHotdeskCode(dialled, dialCodes);

  if (hotdesk) {
    // Another code starting with *7 makes the phones' dial plan swallow the hot-desk codes (3CX behaviour).
    const conflict = findDialCodeConflicts(dialCodes)[0];
    if (conflict)
      return { kind: 'refuse', reason: { kind: 'dial-code-conflict', name: conflict[0], code: conflict[1] } };
    if (input.caller.kind === 'trunk') return { kind: 'refuse', reason: { kind: 'no-route', dialled } };
    return hotdesk;
  }
  if (emergencyNumbers.includes(dialled)) {
    return trunk ? { kind: 'emergency', number: dialled } : { kind: 'refuse', reason: { kind: 'no-trunk', dialled } };
  }
  if (input.caller.kind === 'idle-phone') {
    return { kind: 'refuse', reason: { kind: 'idle-phone-restricted', phone: input.caller.phone, dialled } };
  }
  if (input.isExtension(dialled)) return { kind: 'extension', extension: dialled };
  if (input.caller.kind === 'trunk') return { kind: 'refuse', reason: { kind: 'no-route', dialled } };
  if (trunk) return { kind: 'trunk', number: dialled };
  return { kind: 'refuse', reason: { kind: 'no-route', dialled } };
}
