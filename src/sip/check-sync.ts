/**
 * Telling a phone to fetch its configuration again: an out-of-dialog NOTIFY
 * with `Event: check-sync` to the contact it registered (docs/phones.md §8).
 * Snom reboots on a bare check-sync unless told `reboot=false`; the others
 * re-provision without a reboot when their config says so (the templates set
 * that knob). The phone is expected to answer 200, or to challenge with the
 * credentials of the account the NOTIFY is addressed to.
 */
import type { SipRequest } from './message.js';

/** The Event header value for a vendor (catalogue vendor id). */
export function checkSyncEvent(vendor: string): string {
  return vendor === 'snom' ? 'check-sync;reboot=false' : 'check-sync';
}

export interface CheckSyncInput {
  vendor: string;
  /** The account the phone registered the contact under (`HD0001`, `100`). */
  aor: string;
  /** The registered Contact URI: the Request-URI. */
  contact: string;
  /** SIP domain, for the To URI. */
  domain: string;
  /** Our own URI (`sip:host:port`), for From and Contact. */
  ownUri: string;
  callId: string;
  fromTag: string;
  cseq: number;
}

export function buildCheckSync(input: CheckSyncInput): SipRequest {
  return {
    method: 'NOTIFY',
    uri: input.contact,
    version: '2.0',
    headers: {
      via: [],
      to: { uri: `sip:${input.aor}@${input.domain}`, params: {} },
      from: { uri: input.ownUri, params: { tag: input.fromTag } },
      'call-id': input.callId,
      cseq: { seq: input.cseq, method: 'NOTIFY' },
      'max-forwards': '70',
      contact: [{ uri: input.ownUri, params: {} }],
      event: checkSyncEvent(input.vendor),
      'subscription-state': 'terminated;reason=noresource',
    },
    content: '',
  };
}

/**
 * Waits before each further NOTIFY while the phone has not fetched its new
 * configuration: a lost datagram is retried quickly, a phone that was busy
 * or rebooting gets a few more chances, then the daemon stops asking (the
 * phone will still fetch on its next boot or periodic check).
 */
export const CHECK_SYNC_RETRY_DELAYS_MS: readonly number[] = [2_000, 5_000, 15_000, 30_000, 60_000, 120_000];

/** The wait before attempt `attempt + 1` (attempt 1 is the first NOTIFY), or `undefined` to give up. */
export function checkSyncRetryDelay(
  attempt: number,
  delays: readonly number[] = CHECK_SYNC_RETRY_DELAYS_MS,
): number | undefined {
  return attempt >= 1 ? delays[attempt - 1] : undefined;
}
