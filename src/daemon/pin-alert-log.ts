/**
 * Tells the log when a failed-PIN burst starts (core/pin-alerts.ts): one
 * warning line per alert as it becomes active, none for the failures that
 * follow while it stays active. Checked only after a wrong PIN was recorded.
 */
import type { Logger } from '../adapters/log.js';
import {
  describePinAlert,
  newPinAlerts,
  PIN_ALERT_RULE,
  type PinAlert,
  type PinAlertRule,
} from '../core/pin-alerts.js';
import type { Change } from '../store/changes.js';
import type { StoreData } from '../store/schema.js';

/** Logs the alerts `change` raised (its store before and after, at `now`); returns them. */
export function logNewPinAlerts(
  log: Logger,
  change: Change,
  before: StoreData,
  after: StoreData,
  now: string,
  rule: PinAlertRule = PIN_ALERT_RULE,
): PinAlert[] {
  if (change.kind !== 'pin-failed') return [];
  const raised = newPinAlerts(before.audit, after.audit, now, rule);
  for (const alert of raised) logPinAlert(log, alert);
  return raised;
}

/** The warning line of one failed-PIN burst as it starts. */
export function logPinAlert(log: Logger, alert: PinAlert): void {
  log.warn(
    {
      alert: 'failed-pin-burst',
      [alert.target]: alert.key,
      failures: alert.failures,
      windowMinutes: alert.windowMinutes,
      first: alert.first,
      last: alert.last,
    },
    describePinAlert(alert),
  );
}
