/**
 * Failed-PIN bursts: someone guessing PINs fast. Over the audit trail's
 * `login-failed` entries, an alert is active for an extension (or a phone)
 * while it has at least `threshold` of them in the last `windowMinutes`
 * before `now`. The lockout (pin-lockout.ts) slows guessing down; an alert
 * tells the admin it is going on. Pure: `now` is passed in.
 *
 *     quiet ──failure, threshold reached in the window──▶ active   (the daemon logs one warning)
 *     active ──further failures──▶ active                         (nothing more is logged)
 *     active ──failures age out of the window──▶ quiet
 */
import type { AuditEntry } from './model.js';

export interface PinAlertRule {
  /** Failures in the window that raise an alert. */
  threshold: number;
  windowMinutes: number;
}

/** 10 wrong PINs within 10 minutes, for one extension or on one phone. */
export const PIN_ALERT_RULE: PinAlertRule = { threshold: 10, windowMinutes: 10 };

export interface PinAlert {
  /** What the failures have in common. */
  target: 'extension' | 'phone';
  /** The extension number, or the phone as the trail records it (its name, `HD0001`). */
  key: string;
  /** Failures in the window. */
  failures: number;
  /** Times of the first and the last failure in the window. */
  first: string;
  last: string;
  windowMinutes: number;
}

/** The alerts active at `now`: extensions first, then phones, each in key order. */
export function activePinAlerts(
  entries: readonly AuditEntry[],
  now: string,
  rule: PinAlertRule = PIN_ALERT_RULE,
): PinAlert[] {
  const start = Date.parse(now) - rule.windowMinutes * 60_000;
  const groups = { extension: new Map<string, AuditEntry[]>(), phone: new Map<string, AuditEntry[]>() };
  for (const entry of entries) {
    // Failures stamped after `now` (a clock set back) still count: an alert errs on the side of telling.
    if (entry.kind !== 'login-failed' || !(Date.parse(entry.at) > start)) continue;
    for (const target of ['extension', 'phone'] as const) {
      const key = entry[target];
      if (key === undefined) continue;
      const group = groups[target].get(key);
      if (group) group.push(entry);
      else groups[target].set(key, [entry]);
    }
  }
  return (['extension', 'phone'] as const).flatMap((target) =>
    [...groups[target].entries()]
      .filter(([, failures]) => failures.length >= rule.threshold)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, failures]): PinAlert => {
        const times = failures.map((entry) => entry.at).sort();
        return {
          target,
          key,
          failures: failures.length,
          first: times[0]!,
          last: times[times.length - 1]!,
          windowMinutes: rule.windowMinutes,
        };
      }),
  );
}

/** The alerts active after a change that were not active before it, both seen at `now`. */
export function newPinAlerts(
  before: readonly AuditEntry[],
  after: readonly AuditEntry[],
  now: string,
  rule: PinAlertRule = PIN_ALERT_RULE,
): PinAlert[] {
  const earlier = new Set(activePinAlerts(before, now, rule).map((alert) => `${alert.target} ${alert.key}`));
  return activePinAlerts(after, now, rule).filter((alert) => !earlier.has(`${alert.target} ${alert.key}`));
}

/** One line about an alert: `failed-PIN burst: extension 100, 10 failures in 10 minutes`. */
export function describePinAlert(alert: PinAlert): string {
  const failures = alert.failures === 1 ? '1 failure' : `${alert.failures} failures`;
  const minutes = alert.windowMinutes === 1 ? '1 minute' : `${alert.windowMinutes} minutes`;
  return `failed-PIN burst: ${alert.target} ${alert.key}, ${failures} in ${minutes}`;
}
