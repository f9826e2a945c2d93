/**
 * The log line for a source blocked after repeated SIP authentication
 * failures (sip/auth-throttle.ts). Its format is stable: fail2ban's filter
 * (templates/fail2ban/filter.d/hotdeskd.conf) finds the address in it. As JSON:
 *
 *     {"level":40,"time":1764860400000,"name":"hotdeskd","alert":"sip-auth-blocked","source":"203.0.113.7","msg":"SIP authentication blocked for this source after repeated failures"}
 *
 * `alert` and `source` come first, in this order, right after `name`; `source`
 * is the IPv4 or IPv6 address the requests came from. Change it only together
 * with the filter and its test (test/interop/fail2ban.test.ts).
 *
 * A source that authenticated successfully within the jail's findtime (1 h,
 * authenticator.ts GOOD_SOURCE_WINDOW_MS) is blocked all the same but logged
 * with another alert, `sip-auth-blocked-known-source`, which the filter does
 * not match: its failures may come from a stranger forging its address, and a
 * firewall ban would cut a working phone off.
 */
import type { Logger } from '../adapters/log.js';

export const AUTH_BLOCKED_ALERT = 'sip-auth-blocked';
export const AUTH_BLOCKED_MESSAGE = 'SIP authentication blocked for this source after repeated failures';

export function logAuthBlocked(log: Logger, source: string): void {
  log.warn({ alert: AUTH_BLOCKED_ALERT, source }, AUTH_BLOCKED_MESSAGE);
}

export const AUTH_BLOCKED_KNOWN_SOURCE_ALERT = 'sip-auth-blocked-known-source';

export function logAuthBlockedKnownSource(log: Logger, source: string): void {
  log.warn(
    { alert: AUTH_BLOCKED_KNOWN_SOURCE_ALERT, source },
    'SIP authentication blocked for this source after repeated failures; not for banning: it authenticated successfully within the last hour',
  );
}
