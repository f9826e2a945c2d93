/**
 * The npm `sip` package's message and URI helpers, for the daemon: its
 * services import these rather than the package, so the package stays
 * behind the adapters (sip-stack: transactions; sip-transport: the wire).
 */
import sip from 'sip';
import type { SipMessage, SipUri } from '../sip/message.js';

/** A SIP URI's parts, or `undefined` when the text is not one. */
export function parseUri(text: string | SipUri): SipUri | undefined {
  return sip.parseUri(text);
}

/** A SIP URI as text (a string is returned as it is). */
export function stringifyUri(uri: SipUri | string): string {
  return sip.stringifyUri(uri);
}

/** A copy of a message (with `deep`, of every header too), to change without touching the original. */
export function copyMessage<T extends SipMessage>(message: T, deep?: boolean): T {
  return sip.copyMessage(message, deep);
}

/** A new RFC 3261 branch (`z9hG4bK…`). */
export function generateBranch(): string {
  return sip.generateBranch();
}
