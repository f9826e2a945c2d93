/**
 * Every write to the store as a value, and what it implies. A `Change` comes from
 * outside (control socket, IVR, policies, emergency calls, provisioning fetches);
 * the other writes are the daemon's own housekeeping (registrations kept across
 * restarts, a reloaded store file). `applyStoreWrite` returns the new data with the
 * effects to carry out afterwards, as plain values: the daemon's executor
 * (src/daemon/effects.ts) is the one place that acts on them.
 */
import { newPinAlerts, PIN_ALERT_RULE, type PinAlert, type PinAlertRule } from '../core/pin-alerts.js';
import type { Outcome } from '../core/reasons.js';
import { ok } from '../core/reasons.js';
import { applyChange, type Applied, type Change, type ChangeContext, type ChangeResult } from './changes.js';
import type { StoreData, StoredBinding } from './schema.js';

/** The daemon's own writes, never sent over the control socket. */
export type InternalWrite =
  /** The registrations to keep across a restart (RFC 3261 §10.2 bindings). */
  | { kind: 'save-bindings'; bindings: StoredBinding[] }
  /** SIGHUP: take up the store file as read, unless something was written since `read` (then nothing happens). */
  | { kind: 'adopt-file'; read: StoreData; fresh: StoreData }
  /** SIGHUP found the store file gone: write the running copy back. */
  | { kind: 'write-back' };

export type StoreWrite = Change | InternalWrite;

/** What a write implies, for the daemon to carry out once it is stored. */
export type StoreEffect =
  /** Sessions changed on these phones (login, logout, pin): their files are new, calls in hand end first. */
  | { kind: 'switch-phones'; phones: string[] }
  /** These phones' desired configuration moved on: NOTIFY check-sync until they fetch it. */
  | { kind: 'reprovision'; phones: string[] }
  /** A failed-PIN burst started (one warning line, core/pin-alerts.ts). */
  | { kind: 'pin-alert'; alert: PinAlert }
  /** A phone fetched its own file carrying `generation`: stop asking it to. */
  | { kind: 'phone-fetched'; phone: string; generation: number }
  /** The store was replaced from its file: phones out of step are told again. */
  | { kind: 'reconcile' };

export interface WriteApplied extends Applied {
  effects: StoreEffect[];
}

const done = (message: string): ChangeResult => ({ kind: 'done', message, warnings: [] });

/** The effects of a change applied to `before`, giving `applied`. */
export function changeEffects(
  change: Change,
  before: StoreData,
  applied: Applied,
  now: string,
  rule: PinAlertRule = PIN_ALERT_RULE,
): StoreEffect[] {
  const switched = applied.result.kind === 'sessions' ? applied.result.reprovision : [];
  const reprovision = (applied.reprovision ?? []).filter((phone) => !switched.includes(phone));
  const alerts = change.kind === 'pin-failed' ? newPinAlerts(before.audit, applied.data.audit, now, rule) : [];
  return [
    ...(switched.length > 0 ? [{ kind: 'switch-phones' as const, phones: switched }] : []),
    ...(reprovision.length > 0 ? [{ kind: 'reprovision' as const, phones: reprovision }] : []),
    ...alerts.map((alert) => ({ kind: 'pin-alert' as const, alert })),
    ...(change.kind === 'provisioning-fetched'
      ? [{ kind: 'phone-fetched' as const, phone: change.phone, generation: change.generation }]
      : []),
  ];
}

function applyInternal(data: StoreData, write: InternalWrite): WriteApplied {
  switch (write.kind) {
    case 'save-bindings':
      return { data: { ...data, bindings: write.bindings }, result: done('registrations saved'), effects: [] };
    case 'adopt-file':
      return data === write.read
        ? { data: write.fresh, result: done('store file adopted'), effects: [{ kind: 'reconcile' }] }
        : { data, result: done('written in between: not adopted'), effects: [] };
    case 'write-back':
      return { data: { ...data }, result: done('running copy written back'), effects: [] };
  }
}

/** Applies one write; a refusal leaves `data` untouched. */
export function applyStoreWrite(data: StoreData, write: StoreWrite, context: ChangeContext): Outcome<WriteApplied> {
  if (write.kind === 'save-bindings' || write.kind === 'adopt-file' || write.kind === 'write-back')
    return ok(applyInternal(data, write));
  const outcome = applyChange(data, write, context);
  if (!outcome.ok) return outcome;
  return ok({ ...outcome.value, effects: changeEffects(write, data, outcome.value, context.now) });
}
