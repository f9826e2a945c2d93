/**
 * The log line for a security-relevant refusal (a hot-desk phone's idle
 * credentials used from a host where that phone is not registered, a
 * provisioning file asked for from another address, …). It is the line of
 * auth-block-log.ts with a `reason` after `source`, so the shipped fail2ban
 * filter (templates/fail2ban/filter.d/hotdeskd.conf) counts it as a failure
 * of that source:
 *
 *     {"level":40,"time":1764860400000,"name":"hotdeskd","alert":"sip-auth-blocked","source":"203.0.113.7","reason":"idle-account-not-registered-here","msg":"..."}
 */
import type { Logger } from '../adapters/log.js';
import { AUTH_BLOCKED_ALERT } from './auth-block-log.js';

export type SecurityRefusalReason =
  'idle-account-not-registered-here' | 'idle-account-subscribe' | 'provisioning-file-elsewhere';

export function logSecurityRefusal(log: Logger, source: string, reason: SecurityRefusalReason, message: string): void {
  log.warn({ alert: AUTH_BLOCKED_ALERT, source, reason }, message);
}
