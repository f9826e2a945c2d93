/**
 * The log line for a request refused because it tried to get through hotdeskd
 * without the right to: an in-dialog request in no dialog hotdeskd knows, a
 * Route to another host, a spoofed trunk, a REFER to a number its sender may
 * not dial. Its format is stable, like auth-block-log.ts's, and fail2ban's
 * filter (templates/fail2ban/filter.d/hotdeskd.conf) finds the address in it:
 *
 *     {"level":40,"time":1764860400000,"name":"hotdeskd","alert":"sip-relay-refused","source":"203.0.113.7","reason":"unknown-dialog","msg":"SIP request refused: no right to be relayed"}
 *
 * `alert` and `source` come first, in this order, right after `name`. Sources
 * that hold a live registration or are the trunk's address are logged without
 * `alert` (a phone's late BYE after a restart must not get it banned).
 */
import type { Logger } from '../adapters/log.js';

export const RELAY_REFUSED_ALERT = 'sip-relay-refused';
export const RELAY_REFUSED_MESSAGE = 'SIP request refused: no right to be relayed';

/** Why a request was refused (the `reason` field). */
export type RelayRefusal =
  'unknown-dialog' | 'dialog-source-mismatch' | 'foreign-route' | 'trunk-to-outside' | 'refer-not-allowed';

export function logRelayRefused(
  log: Logger,
  source: string,
  reason: RelayRefusal,
  detail: Record<string, unknown> = {},
  ban = true,
): void {
  if (ban) log.warn({ alert: RELAY_REFUSED_ALERT, source, reason, ...detail }, RELAY_REFUSED_MESSAGE);
  else
    log.info(
      { source, reason, ...detail },
      `${RELAY_REFUSED_MESSAGE} (from a registered phone or the trunk: not for fail2ban)`,
    );
}
