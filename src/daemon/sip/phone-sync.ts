/**
 * Re-provisioning phones (the reconciliation of ARCHITECTURE.md): a phone
 * whose desired configuration generation is ahead of the one it last fetched
 * is sent a check-sync NOTIFY, again with back-off until it fetches or the
 * retries run out. A phone whose identity changed (login, logout, takeover)
 * loses the registrations of its previous identity at once, so calls and BLF
 * stop going there; the NOTIFY goes to the contact it registered them from.
 * A phone in a call is switched when the call ends. The parts:
 * phone-sync-attempt.ts, phone-sync-notify.ts, sharing phone-sync-context.ts.
 */
import { schedule, attempt } from './phone-sync-attempt.js';
import { createPhoneSyncContext, forget, upToDate, type PhoneSyncOptions } from './phone-sync-context.js';

export type { PhoneSyncOptions } from './phone-sync-context.js';

export interface PhoneSync {
  /** The phones' identities changed: drop stale registrations and tell them (now, or when their call ends). */
  switchPhones(phones: readonly string[]): void;
  /** Tells these phones their configuration changed. */
  reprovision(phones: readonly string[]): void;
  /** Tells every phone whose configuration lags (at start). */
  reconcile(): void;
  /** The phone's call ended: a switch waiting for it goes ahead now. */
  callEnded(phone: string): void;
  /** The phone fetched its configuration: stop asking if it is up to date. */
  fetched(phone: string): void;
  /**
   * The phone registered: if its configuration lags and nothing is being sent
   * to it (it was unreachable, or hotdeskd restarted), tell it now.
   */
  registered(phone: string): void;
  /** NOTIFYs sent so far (for tests and benchmarks). */
  readonly sent: number;
  /** Phones with a NOTIFY or a switch pending. */
  readonly pending: number;
  close(): void;
}

export function createPhoneSync(options: PhoneSyncOptions): PhoneSync {
  const ctx = createPhoneSyncContext(options);
  const { pending } = ctx;
  return {
    get sent() {
      return ctx.sent;
    },
    get pending() {
      return pending.size;
    },
    switchPhones(phones) {
      for (const phone of new Set(phones)) schedule(ctx, phone, true);
    },
    reprovision(phones) {
      for (const phone of new Set(phones)) if (!pending.get(phone)?.switching) schedule(ctx, phone, false);
    },
    reconcile() {
      for (const phone of options.data().phones) {
        if (phone.appliedGeneration < phone.desiredGeneration && !pending.has(phone.name)) {
          schedule(ctx, phone.name, false);
        }
      }
    },
    callEnded(phone) {
      const entry = pending.get(phone);
      if (entry?.switching && !options.inCall(phone)) {
        if (entry.timer) clearTimeout(entry.timer);
        attempt(ctx, phone);
      }
    },
    fetched(phone) {
      const entry = pending.get(phone);
      if (entry && !entry.switching && upToDate(ctx, phone)) forget(ctx, phone);
    },
    registered(phone) {
      if (!pending.has(phone) && !upToDate(ctx, phone)) schedule(ctx, phone, false);
    },
    close() {
      ctx.closed = true;
      for (const phone of [...pending.keys()]) forget(ctx, phone);
    },
  };
}
