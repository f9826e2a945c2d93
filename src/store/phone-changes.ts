/**
 * Changes to one hot-desk phone's own settings: pinning it to an extension
 * (core/sessions.ts `applyPin` holds the rule) or unpinning it. Pinning logs
 * the phone in as the extension, like an admin's login, so the result is a
 * `sessions` result and the daemon switches the phone; the audit trail says
 * who pinned or unpinned it and who was logged out by it.
 */
import type { AuditEntry } from '../core/model.js';
import { applyPin } from '../core/sessions.js';
import { fail, ok, refuse, type Outcome } from '../core/reasons.js';
import type { Applied, Change, ChangeContext } from './change.js';
import { findPhone } from './queries.js';
import type { StoreData } from './schema.js';
import { applyDeskLocation, hasDeskLocationFields } from './location-changes.js';

export type PhoneChange = Extract<Change, { kind: 'set-phone' }>;

export function applyPhoneChange(data: StoreData, change: PhoneChange, context: ChangeContext): Outcome<Applied> {
  if (hasDeskLocationFields(change)) {
    // The desk's location first (no phone configuration holds it), then any pinning on top.
    const located = applyDeskLocation(data, change.phone, change, context);
    if (!located.ok) return located;
    const { location: _location, emergencyCallback: _callback, ...rest } = change;
    if (rest.pinned === undefined)
      return ok({ data: located.value.data, result: { kind: 'done', message: located.value.message, warnings: [] } });
    return applyPhoneChange(located.value.data, rest, context);
  }
  const phone = findPhone(data, change.phone);
  if (!phone) return fail(refuse('unknown-phone', { value: change.phone }));
  if (change.pinned === undefined) {
    return ok({ data, result: { kind: 'done', message: `${phone.name} unchanged (nothing to set)`, warnings: [] } });
  }
  const extension = change.pinned === null ? undefined : data.extensions.find((ext) => ext.number === change.pinned);
  if (change.pinned !== null && !extension) return fail(refuse('unknown-extension', { extension: change.pinned }));
  if (change.pinned === null && phone.pinned === undefined) {
    return ok({ data, result: { kind: 'sessions', released: [], reprovision: [] } });
  }
  if (change.pinned !== null && phone.pinned === change.pinned && phone.session?.extension === change.pinned) {
    return ok({ data, result: { kind: 'sessions', released: [], reprovision: [] } });
  }
  const outcome = applyPin(data.phones, { phone: phone.name, extension: change.pinned, now: context.now });
  if (!outcome.ok) return outcome;
  const { phones, released, reprovision, before } = outcome.value;
  const entry = (fields: Omit<AuditEntry, 'at' | 'actor'>): AuditEntry => ({
    at: context.now,
    actor: 'admin',
    ...fields,
  });
  const entries: AuditEntry[] = released.map(({ phone: name, extension: who }) =>
    entry({ kind: 'logout', phone: name, extension: who, detail: `phone pinned to ${change.pinned}` }),
  );
  if (reprovision.includes(phone.name) && change.pinned !== null) {
    entries.push(entry({ kind: 'login', phone: phone.name, extension: change.pinned, detail: 'pinned' }));
  }
  entries.push(
    change.pinned === null
      ? entry({ kind: 'settings-changed', phone: phone.name, extension: before!, detail: `unpinned from ${before}` })
      : entry({
          kind: 'settings-changed',
          phone: phone.name,
          extension: change.pinned,
          detail: `pinned to ${change.pinned}`,
        }),
  );
  return ok({
    data: { ...data, phones, audit: [...data.audit, ...entries] },
    result: { kind: 'sessions', released, reprovision },
  });
}
