/** reason → CLI message and exit code: the CLI's one exhaustive table. */
import type { Reason } from '../core/reasons.js';
import { formatMac } from '../core/mac.js';

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

/** An ISO time as `2026-11-22 08:05:40 UTC`. */
export function lockEnd(iso: string): string {
  return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}

export function reasonMessage(reason: Reason): string {
  switch (reason.kind) {
    case 'invalid-mac':
      if (reason.detail) return `MAC ${reason.value} refused: ${reason.detail}`;
      return `"${reason.value}" is not a MAC address (expected 12 hex digits, e.g. 00:15:65:aa:bb:cc)`;
    case 'unknown-model':
      return reason.suggestions.length > 0
        ? `unknown model "${reason.value}"; did you mean ${reason.suggestions.join(', ')}? (hotdesk models ` +
            `lists them all)`
        : `unknown model "${reason.value}" (hotdesk models lists the eligible models)`;
    case 'duplicate-mac':
      return `a phone with MAC ${formatMac(reason.mac)} is already in the pool as ${reason.phone}`;
    case 'unknown-phone':
      return `no hot-desk phone "${reason.value}" (hotdesk phones lists them)`;
    case 'invalid-connection':
      return `invalid connection: ${reason.detail}`;
    case 'invalid-extension':
      if (reason.detail) return `extension ${reason.value} refused: ${reason.detail}`;
      return `"${reason.value}" is not a valid extension (2 to 8 digits)`;
    case 'duplicate-extension':
      return `extension ${reason.extension} already exists (use hotdesk extension set to change it)`;
    case 'unknown-extension':
      return `no extension ${reason.extension} (hotdesk extension list shows them)`;
    case 'invalid-name':
      return `"${reason.value}" is not a usable display name (1 to 40 characters, no quotes or angle brackets)`;
    case 'invalid-password':
      return `SIP password refused: ${reason.detail}`;
    case 'weak-pin':
      return `PIN refused: ${reason.detail}`;
    case 'invalid-language':
      return `unknown language "${reason.value}" (expected en, de or it)`;
    case 'invalid-dial-code':
      return `dial code ${reason.name}="${reason.value}" refused: ${reason.detail}`;
    case 'dial-code-conflict':
      return (
        `dial code ${reason.name}=${reason.code} starts with *7: phones would then refuse hot-desk login ` +
        `(*77*EXT*) as "forbidden". Pick another code, or add --force to store it anyway`
      );
    case 'reserved-dial-code':
      return `dial code ${reason.name} is a hot-desk code; it can be changed with set but not removed`;
    case 'unknown-dial-code':
      return `no dial code named ${reason.name}`;
    case 'invalid-emergency-number':
      return `"${reason.value}" is not an emergency number (2 to 6 digits)`;
    case 'duplicate-emergency-number':
      return `${reason.value} is already an emergency number`;
    case 'unknown-emergency-number':
      return `${reason.value} is not an emergency number here`;
    case 'last-emergency-number':
      return `${reason.value} is the last emergency number; add another before removing it`;
    case 'hotdesk-disabled':
      return (
        `extension ${reason.extension} may not use hot desking (hotdesk extension set ${reason.extension} ` +
        `--hotdesk)`
      );
    case 'not-logged-in':
      return `${reason.target} is not logged in anywhere`;
    case 'already-logged-in':
      return `extension ${reason.extension} is already logged in on ${reason.phone} and the multi-login policy is deny`;
    case 'invalid-setting':
      return `${reason.name}: "${reason.value}" is not valid (expected ${reason.expected})`;
    case 'invalid-trunk':
      return `trunk "${reason.value}" refused: ${reason.detail}`;
    case 'no-trunk':
      return `no trunk is set, so ${reason.dialled} cannot be reached (hotdesk trunk set sip:HOST[:PORT])`;
    case 'extension-locked':
      return (
        `extension ${reason.extension} is locked after wrong PINs until ${lockEnd(reason.until)} (hotdesk ` +
        `unlock ${reason.extension} releases it)`
      );
    case 'phone-locked':
      return (
        `phone ${reason.phone} is locked after wrong PINs until ${lockEnd(reason.until)} (hotdesk unlock ` +
        `--phone ${reason.phone} releases it)`
      );
    case 'pair-locked':
      return (
        `phone ${reason.phone} is locked for extension ${reason.extension} after wrong PINs until ` +
        `${lockEnd(reason.until)} (hotdesk unlock ${reason.extension} --phone ${reason.phone} releases it)`
      );
    case 'not-locked':
      return reason.target === ''
        ? 'name an extension, a phone, or both (their pair) to unlock'
        : `${reason.target} is not locked and has no wrong PINs counted`;
    case 'idle-phone-restricted':
      return `${reason.phone} is idle: it may call only the emergency numbers (log in with the login code first)`;
    case 'no-route':
      return `nothing answers to ${reason.dialled}`;
    case 'not-registered':
      return `extension ${reason.extension} has no registered phone`;
    case 'login-service-unavailable':
      return 'the hot-desk login service is not available';
    case 'phone-pinned':
      return (
        `${reason.phone} is pinned to extension ${reason.extension} (hotdesk phone set ${reason.phone} ` +
        `--no-pinned unpins it)`
      );
  }
}
